package io.tendril.worker.internal;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * File-tree helpers shared by the cache, sandboxes, fetches and unpacking: recursive delete that
 * never follows links, sizes, copies that follow links, and the search for links leaving a tree.
 * Stateless; called from pool threads and from the worker's loop during start and exit.
 */
final class PathTrees {
  private PathTrees() {}

  /**
   * Deletes a file, link or directory tree if it exists; links are removed, never followed.
   *
   * @param p the path
   * @throws IOException if something cannot be deleted
   */
  static void delete(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.list(p)) {
        for (Path c : (Iterable<Path>) s::iterator) {
          delete(c);
        }
      }
    }
    try {
      Files.deleteIfExists(p);
    } catch (java.nio.file.AccessDeniedException e) {
      p.getParent().toFile().setWritable(true);
      Files.deleteIfExists(p);
    }
  }

  /**
   * Deletes like {@link #delete(Path)} but never throws; for clean-up paths where a leftover is
   * removed by the next start of the worker.
   *
   * @param p the path
   * @return true if nothing is left at p
   */
  static boolean deleteQuietly(Path p) {
    try {
      delete(p);
      return true;
    } catch (IOException | RuntimeException e) {
      return !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /**
   * The data bytes of a file, or of every regular file below a directory; links are not followed.
   *
   * @param p a file or directory
   * @return the size in bytes
   * @throws IOException if the tree cannot be read
   */
  static long size(Path p) throws IOException {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : 0;
    }
    long total = 0;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          total += Files.size(f);
        }
      }
    }
    return total;
  }

  /**
   * The data bytes of every regular file at or below a path, like {@link #size(Path)}, for a tree
   * that may change while it is walked: what cannot be read (a file deleted meanwhile, a directory
   * not readable) counts nothing. The sizes come with the walk, so a file costs no extra call.
   *
   * @param p a file or directory
   * @return the size in bytes
   */
  static long sizeQuietly(Path p) {
    long[] total = {0};
    try {
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            total[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // Not reached: failures are skipped by the visitor.
    }
    return total[0];
  }

  /**
   * Copies a file or directory tree to a new path, following links so that the copy holds only
   * regular files and directories.
   *
   * @param src the file or directory to copy
   * @param dst where the copy goes; must not exist
   * @throws IOException if reading or writing fails, or the tree loops through a link
   */
  static void copyFollowingLinks(Path src, Path dst) throws IOException {
    if (!Files.isDirectory(src)) {
      Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
      return;
    }
    try {
      Files.walkFileTree(src, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
              Files.createDirectories(dst.resolve(src.relativize(dir).toString()));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              if (attrs.isRegularFile()) {
                Files.copy(file, dst.resolve(src.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof FileSystemLoopException) {
                throw new IOException("the tree loops through a link at " + file, e);
              }
              throw e;
            }
          });
    } catch (IOException e) {
      deleteQuietly(dst);
      throw e;
    }
  }

  /**
   * Finds a symbolic link below {@code root} whose target lies outside {@code root} (or does not
   * exist), which would let a reader of the tree reach files elsewhere.
   *
   * @param root a file or directory; a root that is itself a link is checked too
   * @return the first such link, relative to root, or empty if every link stays inside
   * @throws IOException if the tree cannot be read
   */
  static Optional<Path> linkLeaving(Path root) throws IOException {
    Path realRoot = root.toRealPath();
    if (Files.isSymbolicLink(root)) {
      return Optional.of(root.getFileName());
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isSymbolicLink(p)) {
          Path target;
          try {
            target = p.toRealPath();
          } catch (NoSuchFileException e) {
            return Optional.of(root.relativize(p));
          }
          if (!target.startsWith(realRoot)) {
            return Optional.of(root.relativize(p));
          }
        }
      }
    }
    return Optional.empty();
  }
}

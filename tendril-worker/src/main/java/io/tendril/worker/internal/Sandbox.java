package io.tendril.worker.internal;

import io.tendril.protocol.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One command's private directory below {@code workspace/sandbox}: inputs are linked in from the
 * cache under the names the task asked for, outputs are found under their names, and the whole
 * directory is deleted afterwards.
 *
 * <p>Names are checked with {@link Protocol#isSafeSandboxName}; an input is never linked through a
 * link already in the sandbox (so a name like {@code in/x}, with {@code in} an input directory,
 * cannot write into the cache); an output is accepted only if its real location (links followed)
 * is inside the sandbox, or inside the cache (an input passed through, which is then copied).
 *
 * <p>Owned by one {@link TaskExecution} or mini-task run, on a pool thread.
 */
final class Sandbox implements AutoCloseable {
  /**
   * Where an output really is, and whether it must be copied (it is, holds, or is reached through
   * a link, or it is a cache entry) or may be moved.
   *
   * @param path the real location
   * @param copy true to copy, false to move
   */
  record Output(Path path, boolean copy) {}

  private final Path dir;
  private final Path realDir;
  private final Path cacheDir;

  /**
   * Creates an empty sandbox, replacing anything at that path.
   *
   * @param dir the directory
   * @param cacheDir the real cache directory, where links from inputs point
   * @throws IOException if it cannot be created
   */
  Sandbox(Path dir, Path cacheDir) throws IOException {
    PathTrees.delete(dir);
    this.dir = Files.createDirectories(dir).toAbsolutePath().normalize();
    this.realDir = this.dir.toRealPath();
    this.cacheDir = cacheDir.toRealPath();
  }

  private Sandbox(Path dir, Path realDir, Path cacheDir) {
    this.dir = dir;
    this.realDir = realDir;
    this.cacheDir = cacheDir;
  }

  /**
   * Takes over a sandbox made by someone else (a library that wrote a call's result in it), as it
   * is.
   *
   * @param dir the directory
   * @param cacheDir the real cache directory
   * @return the sandbox, deleted on close
   * @throws IOException if it does not exist or cannot be resolved
   */
  static Sandbox adopt(Path dir, Path cacheDir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(abs.toString(), null, "the sandbox does not exist");
    }
    return new Sandbox(abs, abs.toRealPath(), cacheDir.toRealPath());
  }

  /** The sandbox directory. */
  Path dir() {
    return dir;
  }

  /**
   * Links a cached entry into the sandbox under a name.
   *
   * @param cached the entry's path in the cache
   * @param name a safe sandbox name
   * @throws IOException if the name is taken, passes through a link, or the link cannot be made
   * @throws IllegalArgumentException if the name is not a safe sandbox name
   */
  void link(Path cached, String name) throws IOException {
    Path target = resolve(name);
    Path parent = target.getParent();
    for (Path p = dir; !p.equals(parent); ) {
      p = p.resolve(parent.getName(p.getNameCount()).toString());
      if (Files.isSymbolicLink(p)) {
        throw new IOException("input name '" + name + "' passes through the link " + dir.relativize(p));
      }
    }
    Files.createDirectories(parent);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("input name '" + name + "' is used twice");
    }
    Files.createSymbolicLink(target, cached.toAbsolutePath());
  }

  /**
   * Finds an output left under a name.
   *
   * @param name a safe sandbox name
   * @return where it really is, or empty if nothing (or a dangling link) is there
   * @throws IOException if it resolves outside the sandbox and the cache, or cannot be read
   * @throws IllegalArgumentException if the name is not a safe sandbox name
   */
  Optional<Output> output(String name) throws IOException {
    Path p = resolve(name);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    boolean inSandbox = real.startsWith(realDir) && !real.equals(realDir);
    boolean inCache = real.startsWith(cacheDir) && !real.equals(cacheDir);
    if (!inSandbox && !inCache) {
      throw new IOException("output '" + name + "' resolves outside the sandbox, to " + real);
    }
    boolean copy = inCache || !real.equals(realDir.resolve(name)) || holdsLinks(name, real);
    return Optional.of(new Output(real, copy));
  }

  /**
   * Whether a directory output holds links; throws if one of them leads out of the sandbox and
   * the cache, since copying follows links.
   */
  private boolean holdsLinks(String name, Path real) throws IOException {
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    boolean links = false;
    try (Stream<Path> s = Files.walk(real)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (!Files.isSymbolicLink(p)) {
          continue;
        }
        links = true;
        Path target;
        try {
          target = p.toRealPath();
        } catch (NoSuchFileException e) {
          throw new IOException("output '" + name + "' holds a dangling link " + real.relativize(p), e);
        }
        if (!target.startsWith(realDir) && !target.startsWith(cacheDir)) {
          throw new IOException("output '" + name + "' holds a link to " + target + ", outside the sandbox");
        }
      }
    }
    return links;
  }

  private Path resolve(String name) {
    if (!Protocol.isSafeSandboxName(name)) {
      throw new IllegalArgumentException("sandbox name '" + name + "' would leave the sandbox");
    }
    return dir.resolve(name);
  }

  /** Deletes the sandbox and everything in it (links are removed, not followed). */
  @Override
  public void close() {
    PathTrees.deleteQuietly(dir);
  }
}

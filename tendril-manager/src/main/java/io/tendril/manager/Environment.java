package io.tendril.manager;

import io.tendril.protocol.CacheLevel;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The classpaths function calls run with, as declared files: each jar or class directory is
 * declared once per manager (at cache level {@code forever}, so workers keep it for later runs)
 * and declared again only when it changed. A directory's identity covers every file below it
 * (count, sizes, latest modification), so recompiled classes are new files to the workers.
 */
final class Environment {
  private final Manager manager;
  private final Map<String, Stamped> declared = new ConcurrentHashMap<>();

  /** A declared entry and the stamp it was declared with. */
  private record Stamped(String stamp, DeclaredFile file) {}

  Environment(Manager manager) {
    this.manager = manager;
  }

  /** This JVM's classpath: the entries of {@code java.class.path} that exist. */
  static List<Path> ownClasspath() {
    List<Path> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        Path p = Path.of(entry).toAbsolutePath().normalize();
        if (Files.exists(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /**
   * The declared files of a classpath, in its order.
   *
   * @throws IllegalArgumentException if an entry does not exist
   */
  List<DeclaredFile> files(List<Path> classpath) {
    return files(classpath, "environment entry", "give jars or class directories that exist");
  }

  /**
   * Declares files or directories of an environment, as {@link #files(List)}.
   *
   * @param what what they are, for the error message ("extra file")
   * @param hint what to do when one does not exist
   */
  List<DeclaredFile> files(List<Path> paths, String what, String hint) {
    List<DeclaredFile> out = new ArrayList<>(paths.size());
    for (Path entry : paths) {
      Path abs = entry.toAbsolutePath().normalize();
      if (!Files.exists(abs)) {
        throw new IllegalArgumentException(what + " " + abs + " does not exist: " + hint);
      }
      String stamp = stamp(abs);
      out.add(declared.compute(abs.toString(), (k, old) -> old != null && old.stamp().equals(stamp)
          ? old : new Stamped(stamp, manager.declareFile(abs, CacheLevel.FOREVER, stamp))).file());
    }
    return out;
  }

  /** Size and modification time of a file; for a directory, of every file below it. */
  private static String stamp(Path p) {
    try {
      if (!Files.isDirectory(p)) {
        return Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
      }
      long[] acc = new long[3];
      try (Stream<Path> all = Files.walk(p)) {
        all.forEach(f -> {
          try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            acc[0]++;
            acc[1] += a.isRegularFile() ? a.size() : 0;
            acc[2] = Math.max(acc[2], a.lastModifiedTime().toMillis());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
      return "tree:" + acc[0] + ":" + acc[1] + ":" + acc[2];
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException("cannot read environment entry " + p + ": " + e.getMessage(), e);
    }
  }
}

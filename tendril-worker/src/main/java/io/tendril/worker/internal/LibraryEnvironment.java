package io.tendril.worker.internal;

import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.FunctionCall;
import io.tendril.protocol.wire.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a library is made of, and so what tells one library from another: its classpath (cache
 * names of jars and class directories, in order), the files linked into its working directory
 * (cache name and name there), and the environment variables of its process. Calls with equal
 * environments share a library; any difference starts another.
 *
 * @param classpath cache names of the classpath, in order
 * @param files files of its working directory, in order
 * @param env environment variables set on its process, beyond the worker's base environment
 */
record LibraryEnvironment(List<String> classpath, List<File> files, SortedMap<String, String> env) {
  /**
   * A file of a library's working directory.
   *
   * @param cacheName the cached file
   * @param name its name in the working directory, a safe sandbox name
   */
  record File(String cacheName, String name) {}

  LibraryEnvironment {
    classpath = List.copyOf(classpath);
    files = List.copyOf(files);
    env = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(env));
  }

  /** An environment of a classpath only. */
  static LibraryEnvironment of(List<String> classpath) {
    return new LibraryEnvironment(classpath, List.of(), new TreeMap<>());
  }

  /** The environment a call asks for. */
  static LibraryEnvironment of(FunctionCall call) {
    List<File> files = new ArrayList<>(call.getFilesCount());
    for (Mount m : call.getFilesList()) {
      files.add(new File(m.getCacheName(), m.getSandboxName()));
    }
    return new LibraryEnvironment(call.getClasspathList(), files, new TreeMap<>(call.getEnvMap()));
  }

  /** Every cache name it is made of: the classpath's, then the files'. */
  List<String> cacheNames() {
    List<String> out = new ArrayList<>(classpath);
    for (File f : files) {
      out.add(f.cacheName());
    }
    return out;
  }

  /**
   * Links its files into a library's working directory.
   *
   * @param dir the working directory, created
   * @param cache the cache holding the files
   * @throws IOException if a name is unsafe or taken, or a link cannot be made
   */
  void linkFiles(Path dir, WorkerCache cache) throws IOException {
    for (File f : files) {
      if (!Protocol.isSafeSandboxName(f.name())) {
        throw new IOException("the library file name '" + f.name() + "' would leave its directory");
      }
      Path target = dir.resolve(f.name());
      Files.createDirectories(target.getParent());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("the library file name '" + f.name() + "' is used twice");
      }
      Files.createSymbolicLink(target, cache.path(f.cacheName()).toAbsolutePath());
    }
  }

  /** "classpath [a, b]", with the files and variable names when there are any. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("classpath ").append(classpath);
    if (!files.isEmpty()) {
      b.append(", files ").append(files.stream().map(File::name).toList());
    }
    if (!env.isEmpty()) {
      b.append(", variables ").append(env.keySet());
    }
    return b.toString();
  }

  /** Its variables, for a process builder. */
  Map<String, String> variables() {
    return env;
  }
}

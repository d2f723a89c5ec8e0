package io.tendril.worker.internal;

import io.tendril.worker.library.LibraryMain;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The command line of a library process: the worker's own {@code java} (from {@code java.home}),
 * a maximum heap, on JDK 24 and later the flags that keep protobuf, Netty and the codec quiet and
 * working ({@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}), the
 * worker's own class path (so Tendril's classes are the same on both sides), {@link LibraryMain},
 * its number of slots and its classpath entries, one argument each. Immutable.
 *
 * @param java the java launcher
 * @param heapMb the library's maximum heap ({@code -Xmx}), in megabytes
 * @param classPath the class path of the library JVM itself
 */
record LibraryCommand(Path java, long heapMb, String classPath) {
  /** The smallest heap a library is given. */
  static final long MIN_HEAP_MB = 64;

  /** The JDK release from which the quiet flags are given. */
  static final int QUIET_FLAGS_FROM = 24;

  /**
   * The command of libraries started by this JVM: the same launcher and class path.
   *
   * @param heapMb the maximum heap of each library, in megabytes
   * @return the command
   */
  static LibraryCommand ofThisJvm(long heapMb) {
    return new LibraryCommand(Path.of(System.getProperty("java.home"), "bin", "java"), heapMb,
        absolute(System.getProperty("java.class.path", "")));
  }

  /**
   * A classpath with every entry made absolute: the library runs in a directory of its own, where
   * entries relative to the worker's directory (as {@code java -jar tendril.jar} gives) would not
   * be found.
   */
  static String absolute(String classpath) {
    StringJoiner out = new StringJoiner(File.pathSeparator);
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        out.add(Path.of(entry).toAbsolutePath().normalize().toString());
      }
    }
    return out.toString();
  }

  /**
   * The argument vector of one library.
   *
   * @param slots how many calls it runs at once
   * @param entries the paths of its classpath entries, in order
   * @return the program and its arguments
   */
  List<String> argv(int slots, List<Path> entries) {
    List<String> argv = new ArrayList<>();
    argv.add(java.toString());
    argv.add("-Xmx" + Math.max(MIN_HEAP_MB, heapMb) + "m");
    if (Runtime.version().feature() >= QUIET_FLAGS_FROM) {
      argv.add("--enable-native-access=ALL-UNNAMED");
      argv.add("--sun-misc-unsafe-memory-access=allow");
    }
    argv.add("-cp");
    argv.add(classPath);
    argv.add(LibraryMain.class.getName());
    argv.add("--slots");
    argv.add(Integer.toString(slots));
    argv.add("--classpath");
    for (Path p : entries) {
      argv.add(p.toString());
    }
    return argv;
  }
}

package io.tendril.worker.library;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a library process: {@code --slots N --classpath [PATH...]}. Every argument
 * after {@code --classpath} is one classpath entry (a jar or a class directory), in order, so that
 * no path needs quoting or a separator; {@code --classpath} therefore comes last.
 *
 * @param slots how many calls run at once, 1 to {@link #MAX_SLOTS}
 * @param classpath the entries of the library's class loader, in order (possibly none)
 */
record LibraryArguments(int slots, List<Path> classpath) {
  /** The most slots a library accepts. */
  static final int MAX_SLOTS = 4096;

  static final String USAGE = "usage: LibraryMain --slots N --classpath [PATH...]";

  LibraryArguments {
    classpath = List.copyOf(classpath);
  }

  /**
   * Parses the command line.
   *
   * @param args the arguments
   * @return what they say
   * @throws IllegalArgumentException if they are malformed; the message says how
   */
  static LibraryArguments parse(String[] args) {
    Integer slots = null;
    List<Path> classpath = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--slots" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--slots needs a number; " + USAGE);
          }
          try {
            slots = Integer.parseInt(args[++i]);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--slots needs a number, not '" + args[i] + "'; " + USAGE);
          }
          if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("--slots must be 1 to " + MAX_SLOTS + ", not " + slots);
          }
        }
        case "--classpath" -> {
          classpath = new ArrayList<>();
          for (i++; i < args.length; i++) {
            classpath.add(Path.of(args[i]).toAbsolutePath());
          }
        }
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
      }
    }
    if (slots == null || classpath == null) {
      throw new IllegalArgumentException("both --slots and --classpath are required; " + USAGE);
    }
    return new LibraryArguments(slots, classpath);
  }
}

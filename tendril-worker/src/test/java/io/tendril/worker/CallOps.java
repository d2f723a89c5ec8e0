package io.tendril.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Functions the function-call tests run inside a worker's library process. The library runs with
 * the worker's class path, which in tests is the test class path, so these are found there.
 */
public final class CallOps {
  /** How long {@link #await} waits for its release file at most. */
  static final long AWAIT_LIMIT_MILLIS = 60_000;

  private CallOps() {}

  /** Allocates n MB in 1 MB arrays and returns the sum of one byte of each. */
  static Integer allocate(Integer n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[1 << 20];
      b[i % b.length] = 1;
      sum += b[i % b.length];
    }
    return sum;
  }

  static Integer inc(Integer x) {
    return x + 1;
  }

  static List<Integer> range(Integer n) {
    return java.util.stream.IntStream.range(0, n).boxed().toList();
  }

  static Integer sum4(Integer a, Integer b, List<Integer> c, Integer d) {
    int s = a + b + d;
    for (Integer x : c) {
      s += x;
    }
    return s;
  }

  /**
   * Reads {@code config/greeting.txt} from the current directory (the library's) and the variable
   * {@code GREETING_MARK}: "{@code <greeting> <name><mark>}", and the library's process id.
   */
  static List<Object> greet(String name) throws IOException {
    String greeting = Files.readString(Path.of("config/greeting.txt")).trim();
    return List.of(greeting + " " + name + System.getenv("GREETING_MARK"), ProcessHandle.current().pid());
  }

  /** The library's process id. */
  static Long pid() {
    return ProcessHandle.current().pid();
  }

  /**
   * Writes the library's process id to {@code started}, then waits until {@code release} exists
   * (or a minute has passed).
   *
   * @return the process id
   */
  static Long await(String started, String release) throws IOException, InterruptedException {
    long pid = ProcessHandle.current().pid();
    Path tmp = Path.of(started + ".tmp");
    Files.writeString(tmp, Long.toString(pid));
    Files.move(tmp, Path.of(started), StandardCopyOption.ATOMIC_MOVE);
    long deadline = System.currentTimeMillis() + AWAIT_LIMIT_MILLIS;
    while (!Files.exists(Path.of(release)) && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    return pid;
  }

  static Integer boom(String message) {
    throw new IllegalStateException(message);
  }

  static String shout(String s) {
    System.out.println("printed by a function: " + s);
    return s.toUpperCase(java.util.Locale.ROOT);
  }
}

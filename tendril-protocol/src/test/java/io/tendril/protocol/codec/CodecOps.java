package io.tendril.protocol.codec;

import java.io.IOException;

/** Static functions the descriptor tests refer to by method reference and by name. */
public final class CodecOps {
  private CodecOps() {}

  static int inc(int x) {
    return x + 1;
  }

  static int add(int a, int b) {
    return a + b;
  }

  static long sum(Object... xs) {
    long total = 0;
    for (Object x : xs) {
      total += ((Number) x).longValue();
    }
    return total;
  }

  /** Public, for the {@code Class::method} names of graph files. */
  public static long twice(long x) {
    return 2 * x;
  }

  static String fail(String message) throws IOException {
    throw new IOException(message);
  }

  static Object failUnchecked(Object message) {
    throw new IllegalStateException(String.valueOf(message));
  }

  static void nothing(Object ignored) {}
}

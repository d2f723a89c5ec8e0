package io.tendril.graph.json;

import java.io.IOException;
import java.util.List;

/** Public static methods that graph files in the tests call as {@code io.tendril.graph.json.StaticFns::name}. */
public final class StaticFns {
  private StaticFns() {}

  public static long twice(long x) {
    return 2 * x;
  }

  public static int addInts(int a, int b) {
    return a + b;
  }

  public static double scale(long x, double factor) {
    return x * factor;
  }

  public static String greet(String name) {
    return "hello " + name;
  }

  public static int size(List<?> xs) {
    return xs.size();
  }

  public static String kind(long x) {
    return "long";
  }

  public static String kind(double x) {
    return "double";
  }

  public static String kind(String s) {
    return "string";
  }

  public static String kind(long a, long b) {
    return "two longs";
  }

  public static long total(long... xs) {
    long s = 0;
    for (long x : xs) {
      s += x;
    }
    return s;
  }

  public static String label(String prefix, Object... rest) {
    return prefix + rest.length;
  }

  public static long first(long[] xs) {
    return xs[0];
  }

  public static int[] pair(int a) {
    return new int[] {a, a};
  }

  public static char initial(String s) {
    return s.charAt(0);
  }

  public static float half(float x) {
    return x / 2;
  }

  public static long fail(String message) throws IOException {
    throw new IOException(message);
  }

  public static void nothing() {}

  public static String amb(String s) {
    return "string";
  }

  public static String amb(List<?> l) {
    return "list";
  }

  public long notStatic(long x) {
    return x;
  }

  @SuppressWarnings("unused")
  private static long hidden(long x) {
    return x;
  }
}

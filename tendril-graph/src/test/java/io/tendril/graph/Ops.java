package io.tendril.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small task functions shared by the graph tests. */
public final class Ops {
  private Ops() {}

  public static long inc(long x) {
    return x + 1;
  }

  public static long add(long a, long b) {
    return a + b;
  }

  public static long neg(long x) {
    return -x;
  }

  public static long add3(long a, long b, long c) {
    return a + b + c;
  }

  public static long add4(long a, long b, long c, long d) {
    return a + b + c + d;
  }

  public static long sum(List<? extends Number> xs) {
    long s = 0;
    for (Number x : xs) {
      s += x.longValue();
    }
    return s;
  }

  public static long sumAll(Object... xs) {
    long s = 0;
    for (Object x : xs) {
      s += ((Number) x).longValue();
    }
    return s;
  }

  public static long fortyTwo() {
    return 42;
  }

  public static Object identity(Object x) {
    return x;
  }

  public static List<Object> pair(Object a, Object b) {
    List<Object> out = new ArrayList<>();
    out.add(a);
    out.add(b);
    return out;
  }

  public static int size(Map<?, ?> m) {
    return m.size();
  }

  public static long fail(long x) throws java.io.IOException {
    throw new java.io.IOException("bad input " + x);
  }

  public static Object nothing(Object x) {
    return null;
  }
}

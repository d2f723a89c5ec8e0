package io.tendril.graph.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the built-in functions need to know about JSON values: their kind (integer, float, number),
 * how to describe one in an error message, and Python's ordering for {@code max} and {@code min}.
 * Used by {@link Arith}, {@link SeqOps} and the reflective call code.
 *
 * <p>Integers are {@code Long}, {@code Integer}, {@code Short} or {@code Byte} (a Java method may
 * return the smaller ones); floats are {@code Double} or {@code Float}. Booleans are not numbers
 * here, unlike in Python.
 */
final class Values {
  /** The result of {@link #compare} when the values are unordered (a NaN is involved). */
  static final int UNORDERED = 2;

  private Values() {}

  static boolean isInt(Object v) {
    return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
  }

  static boolean isFloat(Object v) {
    return v instanceof Double || v instanceof Float;
  }

  static boolean isNumber(Object v) {
    return isInt(v) || isFloat(v);
  }

  /**
   * Describes a value for an error message: its type and a short JSON preview, e.g. {@code String
   * "a"}, {@code Long 1}, {@code List [1,2]}, {@code null}.
   */
  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    return typeName(v) + " " + JsonWriter.preview(v, 60);
  }

  /** The type name used in messages: {@code List} and {@code Map} for any list or map. */
  static String typeName(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof List) {
      return "List";
    }
    if (v instanceof Map) {
      return "Map";
    }
    String simple = v.getClass().getSimpleName();
    return simple.isEmpty() ? v.getClass().getName() : simple;
  }

  /**
   * Compares two values as Python's {@code <} and {@code >} do: numbers by value (an integer and a
   * float exactly), strings by code point, booleans false before true, lists lexicographically.
   * Iterative, so lists nested to any depth compare without deep recursion.
   *
   * @param fn the built-in asking, for messages
   * @return negative, zero or positive, or {@link #UNORDERED} when a NaN decides
   * @throws IllegalArgumentException if Python could not compare the values either
   */
  static int compare(String fn, Object a, Object b) {
    ArrayList<List<?>> xs = new ArrayList<>();
    ArrayList<List<?>> ys = new ArrayList<>();
    ArrayList<int[]> pos = new ArrayList<>();
    Object p = a;
    Object q = b;
    while (true) {
      if (p instanceof List<?> x && q instanceof List<?> y) {
        xs.add(x);
        ys.add(y);
        pos.add(new int[1]);
      } else {
        int c = compareScalars(fn, p, q);
        if (c != 0) {
          return c;
        }
      }
      while (true) {
        int top = xs.size() - 1;
        if (top < 0) {
          return 0;
        }
        List<?> x = xs.get(top);
        List<?> y = ys.get(top);
        int[] i = pos.get(top);
        if (i[0] < x.size() && i[0] < y.size()) {
          p = x.get(i[0]);
          q = y.get(i[0]);
          i[0]++;
          break;
        }
        if (x.size() != y.size()) {
          return Integer.compare(x.size(), y.size());
        }
        xs.remove(top);
        ys.remove(top);
        pos.remove(top);
      }
    }
  }

  private static int compareScalars(String fn, Object a, Object b) {
    if (isInt(a) && isInt(b)) {
      return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
    }
    if (isNumber(a) && isNumber(b)) {
      return compareNumbers(a, b);
    }
    if (a instanceof String s && b instanceof String t) {
      return Integer.signum(compareCodePoints(s, t));
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    throw new IllegalArgumentException(
        fn + " cannot compare " + describe(a) + " with " + describe(b)
            + " (numbers, strings, booleans and lists compare only with their own kind)");
  }

  private static int compareNumbers(Object a, Object b) {
    double x = ((Number) a).doubleValue();
    double y = ((Number) b).doubleValue();
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return UNORDERED;
    }
    if (isFloat(a) && isFloat(b)) {
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (Double.isInfinite(x) || Double.isInfinite(y)) {
      return x < y ? -1 : x > y ? 1 : 0;
    }
    BigDecimal bx = isInt(a) ? BigDecimal.valueOf(((Number) a).longValue()) : new BigDecimal(x);
    BigDecimal by = isInt(b) ? BigDecimal.valueOf(((Number) b).longValue()) : new BigDecimal(y);
    return bx.compareTo(by);
  }

  /** Compares strings by Unicode code point, as Python does (not by UTF-16 unit). */
  static int compareCodePoints(String s, String t) {
    int i = 0;
    int j = 0;
    while (i < s.length() && j < t.length()) {
      int c = s.codePointAt(i);
      int d = t.codePointAt(j);
      if (c != d) {
        return Integer.compare(c, d);
      }
      i += Character.charCount(c);
      j += Character.charCount(d);
    }
    return Boolean.compare(i < s.length(), j < t.length());
  }
}

package io.tendril.graph;

/**
 * What may be a key of a task graph, and how keys are compared and printed.
 *
 * <p>A key is a {@link String}, an integral number ({@code Integer}, {@code Long}, {@code Short},
 * {@code Byte}) or a tuple {@link Key}. Integral numbers compare by value across their boxed types
 * ({@code 1} and {@code 1L} are the same key), as in Python. A {@link Task} is never a key.
 */
public final class Keys {
  private Keys() {}

  /**
   * Whether a value has the type of a key (Dask's {@code iskey}). It says nothing of whether a
   * graph holds that key.
   *
   * @param value any value
   * @return true for strings, integral numbers and tuple keys
   */
  public static boolean isKey(Object value) {
    return value instanceof String
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Key
        || value instanceof Short
        || value instanceof Byte;
  }

  /**
   * Brings a key to its canonical form: integral numbers become {@link Long}; other values are
   * returned as they are.
   *
   * @param key a key or any other value
   * @return the canonical form used for lookups
   */
  public static Object normalize(Object key) {
    if (key instanceof Integer i) {
      return (long) i;
    }
    if (key instanceof Short s) {
      return (long) s;
    }
    if (key instanceof Byte b) {
      return (long) b;
    }
    return key;
  }

  /**
   * Prints a key the way Dask users see it: strings quoted like Python's {@code repr} ({@code
   * 'x'}), numbers plain, tuple keys as {@code ('x', 0)}.
   *
   * @param key a key
   * @return its printed form
   */
  public static String repr(Object key) {
    if (key instanceof String s) {
      boolean single = s.indexOf('\'') >= 0 && s.indexOf('"') < 0;
      char q = single ? '"' : '\'';
      StringBuilder sb = new StringBuilder(s.length() + 2).append(q);
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c == q) {
              sb.append('\\');
            }
            sb.append(c);
          }
        }
      }
      return sb.append(q).toString();
    }
    return String.valueOf(key);
  }

  /**
   * Describes a value that was given where a key was expected, for error messages.
   *
   * @param value any value
   * @return e.g. {@code "null"} or {@code "a Double (1.5)"}
   */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Task t) {
      return "a Task (" + t + ")";
    }
    String text = String.valueOf(value);
    if (text.length() > 80) {
      text = text.substring(0, 77) + "...";
    }
    return "a " + value.getClass().getSimpleName() + " (" + text + ")";
  }

  /**
   * Checks that a value may be a key of a graph.
   *
   * @param key the candidate
   * @return the key in canonical form
   * @throws GraphException naming the problem and what to use instead
   */
  static Object requireKey(Object key) {
    if (isKey(key)) {
      return normalize(key);
    }
    if (key instanceof Task) {
      throw new GraphException(
          "a Task cannot be a key: "
              + describe(key)
              + "; use a String, an integral number or Key.of(...) as the key and the Task as its value");
    }
    throw new GraphException(
        describe(key)
            + " cannot be a key: keys are Strings, integral numbers or tuple keys made with Key.of(...)");
  }
}

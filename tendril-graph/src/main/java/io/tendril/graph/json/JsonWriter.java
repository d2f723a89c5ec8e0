package io.tendril.graph.json;

import io.tendril.graph.Key;
import io.tendril.graph.Task;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Java values into compact JSON text. Owns the mapping of Java types to JSON, the float
 * format (Python's {@code repr}, so output matches {@code json.dumps}) and string escaping. Called
 * by {@link Json#write} (strict: a value JSON cannot hold is an error naming its type and where it
 * sits) and by {@link Values#describe} (preview: any value, cut after a number of characters).
 *
 * <p>Iterative, so values nested to any depth are written without deep recursion; a list or map
 * that contains itself is an error instead of an endless loop.
 */
final class JsonWriter {
  private final Appendable out;
  private final boolean preview;
  private final IdentityHashMap<Object, Boolean> open = new IdentityHashMap<>();
  private final ArrayList<Frame> stack = new ArrayList<>();

  /** An open list, map, array or tuple key being written. */
  private static final class Frame {
    final Object container;
    final Iterator<?> it;
    final int length;
    final boolean map;
    final Set<String> seenKeys;
    int count;
    Object currentKey;

    Frame(Object container, Iterator<?> it, int length, boolean map, Set<String> seenKeys) {
      this.container = container;
      this.it = it;
      this.length = length;
      this.map = map;
      this.seenKeys = seenKeys;
    }

    boolean hasNext() {
      return it != null ? it.hasNext() : count < length;
    }
  }

  private JsonWriter(Appendable out, boolean preview) {
    this.out = out;
    this.preview = preview;
  }

  /** Writes a value strictly: anything JSON cannot hold is an {@link IllegalArgumentException}. */
  static void write(Object value, Appendable out) throws IOException {
    new JsonWriter(out, false).writeValue(value);
  }

  /** JSON-like text of any value, cut to about {@code maxChars} characters with "...". */
  static String preview(Object value, int maxChars) {
    StringBuilder sb = new StringBuilder();
    Appendable limited = new Limited(sb, maxChars);
    try {
      new JsonWriter(limited, true).writeValue(value);
    } catch (Limited.Full full) {
      sb.setLength(maxChars);
      sb.append("...");
    } catch (IOException | RuntimeException e) {
      sb.append("...");
    }
    return sb.toString();
  }

  private void writeValue(Object root) throws IOException {
    Object v = root;
    outer:
    while (true) {
      if (!open(v)) {
        scalar(v);
      }
      while (!stack.isEmpty()) {
        Frame f = stack.get(stack.size() - 1);
        if (f.hasNext()) {
          if (f.count > 0) {
            out.append(',');
          }
          if (f.map) {
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) f.it.next();
            f.currentKey = e.getKey();
            f.count++;
            String name = keyText(e.getKey(), f);
            string(name);
            out.append(':');
            v = e.getValue();
          } else {
            v = f.it != null ? f.it.next() : Array.get(f.container, f.count);
            f.count++;
          }
          continue outer;
        }
        out.append(f.map ? '}' : ']');
        stack.remove(stack.size() - 1);
        open.remove(f.container);
      }
      return;
    }
  }

  /** Starts writing a container and returns true, or returns false for a scalar. */
  private boolean open(Object v) throws IOException {
    Frame f;
    if (v instanceof List<?> list) {
      f = new Frame(v, list.iterator(), 0, false, null);
    } else if (v instanceof Map<?, ?> map) {
      f = new Frame(v, map.entrySet().iterator(), 0, true, allStringKeys(map) ? null : new HashSet<>());
    } else if (v instanceof Key key) {
      f = new Frame(v, key.parts().iterator(), 0, false, null);
    } else if (v != null && v.getClass().isArray()) {
      f = new Frame(v, null, Array.getLength(v), false, null);
    } else if (preview && v instanceof Collection<?> c) {
      f = new Frame(v, c.iterator(), 0, false, null);
    } else {
      return false;
    }
    if (open.put(v, Boolean.TRUE) != null) {
      if (preview) {
        out.append(f.map ? "{...}" : "[...]");
        return true;
      }
      throw new IllegalArgumentException(
          "cannot write " + typeName(v) + " as JSON" + where() + ": it contains itself");
    }
    out.append(f.map ? '{' : '[');
    stack.add(f);
    return true;
  }

  private static boolean allStringKeys(Map<?, ?> map) {
    for (Object k : map.keySet()) {
      if (!(k instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private String keyText(Object key, Frame f) {
    String text;
    if (key instanceof String s) {
      text = s;
    } else if (key == null) {
      text = "null";
    } else if (key instanceof Boolean || key instanceof Character || isIntegral(key)) {
      text = key.toString();
    } else if ((key instanceof Double || key instanceof Float)
        && (preview || Double.isFinite(((Number) key).doubleValue()))) {
      text = formatDouble(((Number) key).doubleValue());
    } else if (preview) {
      text = String.valueOf(key);
    } else {
      throw new IllegalArgumentException(
          "cannot write a map key of type "
              + typeName(key)
              + " ("
              + preview(key, 40)
              + ") as JSON"
              + where()
              + ": member names are strings; use String, integer, float, boolean or null keys");
    }
    if (f.seenKeys != null && !f.seenKeys.add(text) && !preview) {
      throw new IllegalArgumentException(
          "cannot write a map as JSON"
              + where()
              + ": two of its keys both become the member name "
              + Json.quote(text));
    }
    return text;
  }

  private void scalar(Object v) throws IOException {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (isIntegral(v)) {
      out.append(v.toString());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        out.append(formatDouble(d));
      } else if (preview) {
        out.append(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
      } else {
        throw new IllegalArgumentException(
            "cannot write "
                + (Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity")
                + " as JSON"
                + where()
                + ": JSON numbers are finite");
      }
    } else if (v instanceof Character c) {
      string(c.toString());
    } else if (preview) {
      out.append(v instanceof Task t ? t.toString() : typeName(v) + " " + v);
    } else {
      throw new IllegalArgumentException(
          "cannot write a "
              + typeName(v)
              + " as JSON"
              + where()
              + ": only null, booleans, numbers, strings, lists, maps, arrays and tuple keys can be"
              + " written");
    }
  }

  private static boolean isIntegral(Object v) {
    return v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger;
  }

  private static String typeName(Object v) {
    return v.getClass().getSimpleName().isEmpty() ? v.getClass().getName() : v.getClass().getSimpleName();
  }

  /** Where in the value being written the writer is, e.g. {@code " at $[2]["b"]"}; "" at the top. */
  private String where() {
    if (stack.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" at $");
    for (Frame f : stack) {
      sb.append('[');
      if (f.map) {
        Object k = f.currentKey;
        sb.append(k instanceof String s ? Json.quote(s) : String.valueOf(k));
      } else {
        sb.append(f.count - 1);
      }
      sb.append(']');
    }
    return sb.toString();
  }

  private void string(String s) throws IOException {
    out.append('"');
    int start = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      String esc = null;
      if (c == '"') {
        esc = "\\\"";
      } else if (c == '\\') {
        esc = "\\\\";
      } else if (c < 0x20) {
        esc =
            switch (c) {
              case '\n' -> "\\n";
              case '\r' -> "\\r";
              case '\t' -> "\\t";
              case '\b' -> "\\b";
              case '\f' -> "\\f";
              default -> String.format("\\u%04x", (int) c);
            };
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
        continue;
      } else if (Character.isSurrogate(c)) {
        esc = String.format("\\u%04x", (int) c);
      }
      if (esc != null) {
        out.append(s, start, i).append(esc);
        start = i + 1;
      }
    }
    out.append(s, start, n).append('"');
  }

  /**
   * Formats a finite double as Python's {@code repr} does: the shortest digits that read back as
   * the same double; positional from 1e-4 up to 1e16 ({@code 0.0001}, {@code 100.0}), scientific
   * otherwise ({@code 1e-05}, {@code 1e+16}, {@code 1.5e+300}).
   */
  static String formatDouble(double d) {
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    if (shortest.precision() == 2) {
      // Double.toString keeps two digits where one would do (4.9E-324); Python keeps one (5e-324).
      BigDecimal one = new BigDecimal(Math.abs(d)).round(new MathContext(1, RoundingMode.HALF_EVEN));
      if (one.doubleValue() == Math.abs(d)) {
        shortest = one.stripTrailingZeros();
      }
    }
    String digits = shortest.unscaledValue().toString();
    int exp = digits.length() - 1 - shortest.scale();
    StringBuilder sb = new StringBuilder(24);
    if (d < 0) {
      sb.append('-');
    }
    if (exp >= -4 && exp < 16) {
      String plain = shortest.toPlainString();
      sb.append(plain);
      if (plain.indexOf('.') < 0) {
        sb.append(".0");
      }
    } else {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        sb.append('0');
      }
      sb.append(a);
    }
    return sb.toString();
  }

  /** An appendable that stops the writer once it holds enough characters. */
  private static final class Limited implements Appendable {
    /** Thrown to stop writing; carries no stack trace. */
    static final class Full extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Full() {
        super(null, null, false, false);
      }
    }

    private final StringBuilder sb;
    private final int max;

    Limited(StringBuilder sb, int max) {
      this.sb = sb;
      this.max = max;
    }

    private Appendable check() {
      if (sb.length() > max) {
        throw new Full();
      }
      return this;
    }

    @Override
    public Appendable append(CharSequence csq) {
      sb.append(csq);
      return check();
    }

    @Override
    public Appendable append(CharSequence csq, int start, int end) {
      sb.append(csq, start, end);
      return check();
    }

    @Override
    public Appendable append(char c) {
      sb.append(c);
      return check();
    }
  }
}

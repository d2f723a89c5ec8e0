package io.tendril.graph.json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON grammar (RFC 8259), strictly: reads one JSON text from a {@link JsonCursor} into Java
 * values and rejects anything else with a {@link GraphFormatException} at the offending character.
 * {@link Json#parse} is the public entry; {@link GraphJson} uses the {@link Listener} hook to learn
 * where each value started.
 *
 * <p>Iterative: open arrays and objects live on an explicit stack, so nesting is bounded by {@code
 * maxDepth} and memory, never by the thread's stack. Rejected, each with its own message: trailing
 * commas, duplicate member names, leading zeros, integers beyond 64 bits, floats beyond the double
 * range, invalid or unpaired-surrogate escapes, unterminated strings, raw control characters in
 * strings, words other than {@code true}, {@code false}, {@code null}, and text after the value.
 */
final class JsonParser {

  /** Told of every value the parser completes, with the position where the value starts. */
  interface Listener {
    /**
     * A value was completed.
     *
     * @param value the value (for an array or object, the finished list or map)
     * @param line its first character's line
     * @param column its first character's column
     * @param offset its first character's offset
     */
    void value(Object value, int line, int column, long offset);

    /**
     * An array or object starts; its contents follow before {@link #value} reports it.
     *
     * @param object true for an object, false for an array
     * @param line the bracket's line
     * @param column the bracket's column
     * @param offset the bracket's offset
     */
    default void open(boolean object, int line, int column, long offset) {}
  }

  private final JsonCursor in;
  private final int maxDepth;
  private final Listener listener;
  private final StringBuilder scratch = new StringBuilder();

  /** An open array or object: its container, where it started, and an object's pending name. */
  private static final class Frame {
    final List<Object> list;
    final Map<String, Object> map;
    final int line;
    final int column;
    final long offset;
    String name;

    Frame(List<Object> list, Map<String, Object> map, int line, int column, long offset) {
      this.list = list;
      this.map = map;
      this.line = line;
      this.column = column;
      this.offset = offset;
    }

    Object container() {
      return list != null ? list : map;
    }
  }

  JsonParser(JsonCursor in, int maxDepth, Listener listener) {
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be at least 1, got " + maxDepth);
    }
    this.in = in;
    this.maxDepth = maxDepth;
    this.listener = listener;
  }

  /** Parses the whole text: one value, surrounded by whitespace only. */
  Object parseDocument() throws IOException {
    in.skipWhitespace();
    if (in.peek() == JsonCursor.EOF) {
      throw in.error("expected a JSON value, found end of input (the text is empty)");
    }
    Object value = parseValue();
    in.skipWhitespace();
    if (in.peek() != JsonCursor.EOF) {
      throw in.errorFound("unexpected text after the JSON value");
    }
    return value;
  }

  private Object parseValue() throws IOException {
    ArrayList<Frame> stack = new ArrayList<>();
    while (true) {
      // Here a value starts (whitespace already skipped).
      int line = in.line();
      int column = in.column();
      long offset = in.offset();
      int c = in.peek();
      Object value;
      if (c == '[' || c == '{') {
        if (stack.size() >= maxDepth) {
          throw in.error(
              "arrays and objects are nested more than "
                  + maxDepth
                  + " deep, the limit of this reader");
        }
        if (listener != null) {
          listener.open(c == '{', line, column, offset);
        }
        in.next();
        in.skipWhitespace();
        if (c == '[') {
          if (in.peek() != ']') {
            stack.add(new Frame(new ArrayList<>(), null, line, column, offset));
            continue;
          }
          in.next();
          value = new ArrayList<>();
        } else {
          if (in.peek() != '}') {
            Frame f = new Frame(null, new LinkedHashMap<>(), line, column, offset);
            f.name = memberName(f.map);
            stack.add(f);
            continue;
          }
          in.next();
          value = new LinkedHashMap<String, Object>();
        }
      } else {
        value = scalar();
      }
      // Hand the finished value to its container; close containers that end here.
      while (true) {
        if (listener != null) {
          listener.value(value, line, column, offset);
        }
        if (stack.isEmpty()) {
          return value;
        }
        Frame top = stack.get(stack.size() - 1);
        if (top.list != null) {
          top.list.add(value);
        } else {
          top.map.put(top.name, value);
        }
        in.skipWhitespace();
        int d = in.next();
        if (d == ',') {
          in.skipWhitespace();
          int e = in.peek();
          if (top.list != null && e == ']' || top.map != null && e == '}') {
            throw in.error(
                "trailing comma: a "
                    + (top.list != null ? "']'" : "'}'")
                    + " cannot follow ','; remove the comma");
          }
          if (top.map != null) {
            top.name = memberName(top.map);
          }
          break;
        }
        if (top.list != null && d == ']' || top.map != null && d == '}') {
          stack.remove(stack.size() - 1);
          value = top.container();
          line = top.line;
          column = top.column;
          offset = top.offset;
          continue;
        }
        throw backError(
            d,
            top.list != null
                ? "expected ',' or ']' after an array element"
                : "expected ',' or '}' after an object member");
      }
    }
  }

  /** An error for a character already consumed by {@link JsonCursor#next()}: at its position. */
  private GraphFormatException backError(int consumed, String expected) {
    int line = in.line();
    int column = in.column() - (consumed == JsonCursor.EOF ? 0 : 1);
    long offset = in.offset() - (consumed == JsonCursor.EOF ? 0 : 1);
    return new GraphFormatException(
        in.source(), line, column, offset, expected + ", found " + JsonCursor.describe(consumed));
  }

  /** Reads {@code "name" :} and leaves the cursor at the member's value. */
  private String memberName(Map<String, Object> map) throws IOException {
    int line = in.line();
    int column = in.column();
    long offset = in.offset();
    if (in.peek() != '"') {
      throw in.errorFound("expected a member name in double quotes");
    }
    String name = string();
    if (map.containsKey(name)) {
      throw new GraphFormatException(
          in.source(),
          line,
          column,
          offset,
          "duplicate member name " + Json.quote(name) + " in an object; each name may appear once");
    }
    in.skipWhitespace();
    if (in.peek() != ':') {
      throw in.errorFound("expected ':' after the member name " + Json.quote(name));
    }
    in.next();
    in.skipWhitespace();
    return name;
  }

  private Object scalar() throws IOException {
    int c = in.peek();
    if (c == '"') {
      return string();
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return number();
    }
    if (Character.isLetter(c)) {
      return word();
    }
    if (c == '/') {
      throw in.errorFound("expected a JSON value (JSON has no comments)");
    }
    if (c == '\'') {
      throw in.errorFound("expected a JSON value (strings need double quotes)");
    }
    throw in.errorFound("expected a JSON value");
  }

  private Object word() throws IOException {
    int line = in.line();
    int column = in.column();
    long offset = in.offset();
    StringBuilder sb = scratch;
    sb.setLength(0);
    while (true) {
      int c = in.peek();
      if (c == JsonCursor.EOF || !(Character.isLetterOrDigit(c) || c == '_') || sb.length() > 40) {
        break;
      }
      sb.append((char) in.next());
    }
    String w = sb.toString();
    switch (w) {
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      case "null":
        return null;
      default:
        break;
    }
    String hint =
        switch (w) {
          case "True", "False", "TRUE", "FALSE" -> " (JSON writes true and false in lower case)";
          case "None", "Null", "NULL", "nil", "undefined" -> " (JSON writes null)";
          case "NaN", "Infinity", "inf", "nan" -> " (NaN and Infinity are not JSON numbers)";
          default -> " (strings need double quotes)";
        };
    throw new GraphFormatException(
        in.source(), line, column, offset, "expected a JSON value, found '" + w + "'" + hint);
  }

  private Object number() throws IOException {
    int line = in.line();
    int column = in.column();
    long offset = in.offset();
    StringBuilder sb = scratch;
    sb.setLength(0);
    if (in.peek() == '-') {
      sb.append((char) in.next());
      if (!isDigit(in.peek())) {
        throw in.errorFound("expected a digit after '-'");
      }
    }
    int first = in.next();
    sb.append((char) first);
    if (first == '0' && isDigit(in.peek())) {
      throw new GraphFormatException(
          in.source(),
          line,
          column,
          offset,
          "leading zeros are not allowed in JSON numbers: "
              + sb
              + (char) in.peek()
              + "...; write the number without them, or a string such as \"007\"");
    }
    digits(sb);
    boolean floating = false;
    if (in.peek() == '.') {
      floating = true;
      sb.append((char) in.next());
      if (!isDigit(in.peek())) {
        throw in.errorFound("expected a digit after the decimal point");
      }
      digits(sb);
    }
    int e = in.peek();
    if (e == 'e' || e == 'E') {
      floating = true;
      sb.append((char) in.next());
      int sign = in.peek();
      if (sign == '+' || sign == '-') {
        sb.append((char) in.next());
      }
      if (!isDigit(in.peek())) {
        throw in.errorFound("expected a digit in the exponent");
      }
      digits(sb);
    }
    String text = sb.toString();
    if (floating) {
      double d = Double.parseDouble(text);
      if (Double.isInfinite(d)) {
        throw new GraphFormatException(
            in.source(), line, column, offset,
            "the number " + shorten(text) + " is beyond the range of a 64-bit float (about 1.8e308)");
      }
      return d;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException overflow) {
      throw new GraphFormatException(
          in.source(),
          line,
          column,
          offset,
          "the integer "
              + shorten(text)
              + " does not fit in 64 bits (-9223372036854775808 to 9223372036854775807); Tendril"
              + " integers are 64-bit: write it as a float (e.g. "
              + (text.startsWith("-") ? "-" : "")
              + "1.5e20) or as a string");
    }
  }

  private void digits(StringBuilder sb) throws IOException {
    while (isDigit(in.peek())) {
      sb.append((char) in.next());
    }
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }

  private String string() throws IOException {
    int line = in.line();
    int column = in.column();
    long offset = in.offset();
    in.next(); // the opening quote
    StringBuilder sb = scratch;
    sb.setLength(0);
    while (true) {
      int c = in.peek();
      if (c == '"') {
        in.next();
        return sb.toString();
      }
      if (c == JsonCursor.EOF || c == '\n' || c == '\r') {
        throw new GraphFormatException(
            in.source(),
            line,
            column,
            offset,
            "unterminated string: no closing '\"' before the end of the "
                + (c == JsonCursor.EOF ? "input" : "line (a string cannot hold a raw line break; write \\n)"));
      }
      if (c < 0x20) {
        throw in.error(
            "control character "
                + JsonCursor.describe(c)
                + " in a string; write it as "
                + (c == '\t' ? "\\t" : String.format("\\u%04x", c)));
      }
      if (c == '\\') {
        escape(sb);
      } else {
        sb.append((char) in.next());
      }
    }
  }

  private void escape(StringBuilder sb) throws IOException {
    int line = in.line();
    int column = in.column();
    long offset = in.offset();
    in.next(); // the backslash
    int c = in.next();
    switch (c) {
      case '"' -> sb.append('"');
      case '\\' -> sb.append('\\');
      case '/' -> sb.append('/');
      case 'b' -> sb.append('\b');
      case 'f' -> sb.append('\f');
      case 'n' -> sb.append('\n');
      case 'r' -> sb.append('\r');
      case 't' -> sb.append('\t');
      case 'u' -> {
        char unit = hex4();
        if (Character.isHighSurrogate(unit)) {
          if (in.peek() != '\\') {
            throw unpaired(line, column, offset, unit);
          }
          int l2 = in.line();
          int c2 = in.column();
          long o2 = in.offset();
          in.next();
          if (in.peek() != 'u') {
            throw unpaired(line, column, offset, unit);
          }
          in.next();
          char low = hex4();
          if (!Character.isLowSurrogate(low)) {
            throw new GraphFormatException(
                in.source(), l2, c2, o2,
                String.format(
                    "\\u%04x after the high surrogate \\u%04x is not a low surrogate"
                        + " (\\udc00 to \\udfff)", (int) low, (int) unit));
          }
          sb.append(unit).append(low);
        } else if (Character.isLowSurrogate(unit)) {
          throw unpaired(line, column, offset, unit);
        } else {
          sb.append(unit);
        }
      }
      default ->
          throw new GraphFormatException(
              in.source(),
              line,
              column,
              offset,
              "invalid escape '\\"
                  + (c == JsonCursor.EOF ? "" : String.valueOf((char) c))
                  + "' in a string; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX");
    }
  }

  private GraphFormatException unpaired(int line, int column, long offset, char unit) {
    return new GraphFormatException(
        in.source(),
        line,
        column,
        offset,
        String.format(
            "unpaired surrogate \\u%04x in a string: a character beyond U+FFFF is written as a"
                + " pair, a high surrogate (\\ud800 to \\udbff) followed by a low one (\\udc00 to"
                + " \\udfff)",
            (int) unit));
  }

  private char hex4() throws IOException {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int c = in.peek();
      int d = Character.digit(c, 16);
      if (c == JsonCursor.EOF || d < 0 || c > 'f') {
        throw in.errorFound("expected 4 hex digits after \\u");
      }
      in.next();
      v = v * 16 + d;
    }
    return (char) v;
  }
}

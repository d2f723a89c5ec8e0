package io.tendril.graph.json;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;

/**
 * Reads and writes JSON (RFC 8259) with plain Java values, without any library beyond the JDK. The
 * entry point of this package's JSON support, called by {@link GraphJson}, by the {@code tendril}
 * command and by anyone who needs JSON in and out.
 *
 * <p>Reading maps JSON to Java as follows: an object to a {@link java.util.LinkedHashMap
 * LinkedHashMap&lt;String, Object&gt;} in member order, an array to an {@link java.util.ArrayList},
 * a number without fraction or exponent to a {@link Long}, any other number to a {@link Double},
 * strings to {@link String}, {@code true}/{@code false} to {@link Boolean}, {@code null} to null.
 * Reading is strict and reports the first problem as a {@link GraphFormatException} with its line
 * and column:
 *
 * <ul>
 *   <li>an integer beyond 64 bits is an error, never rounded or widened: write it as a float or a
 *       string; a float beyond the double range (such as {@code 1e400}) is an error too;
 *   <li>duplicate member names in one object, trailing commas, leading zeros, invalid escapes,
 *       unpaired surrogate escapes, unterminated strings, raw control characters in strings and
 *       text after the value are errors;
 *   <li>nesting of arrays and objects is limited to {@link #DEFAULT_MAX_DEPTH} levels unless
 *       another limit is given. The reader is iterative, so the limit protects memory, not the
 *       stack: a text nested {@code 10^5} deep reads fine;
 *   <li>a byte order mark at the start is skipped.
 * </ul>
 *
 * <p>Writing produces compact JSON (no spaces) and maps Java to JSON as follows: null, {@link
 * Boolean}, {@link String} and {@link Character} as themselves; {@code Long}, {@code Integer},
 * {@code Short}, {@code Byte} and {@link java.math.BigInteger} as integers; {@code Double} and
 * {@code Float} in Python's {@code repr} form ({@code 1.0}, {@code 1e+16}, {@code 1.5e-07}), so the
 * output matches Python's {@code json.dumps}; a {@link java.util.List} or a Java array as an array;
 * a {@link io.tendril.graph.Key} as an array of its parts; a {@link java.util.Map} as an object
 * whose member names are its keys as text (string, integer, float, boolean or null keys, as Python
 * allows). NaN and infinities are an error (JSON has neither), as is any other type (the message
 * names the type and where it sits, e.g. {@code $[2]["b"]}) and a list or map that contains itself.
 * Non-ASCII characters are written as they are; control characters and unpaired surrogates are
 * escaped.
 */
public final class Json {
  /**
   * The default limit on nesting of arrays and objects when reading: {@value}. Each level costs
   * about a hundred bytes while reading, so the limit bounds a hostile file's memory at about 100
   * MB, while structures far deeper than any schedule needs ({@code 10^5}) still read.
   */
  public static final int DEFAULT_MAX_DEPTH = 1_000_000;

  private Json() {}

  /**
   * Parses a JSON text.
   *
   * @param text the text
   * @return the value, as described in the class documentation
   * @throws GraphFormatException if the text is not valid JSON; the message names the source as
   *     {@code <string>}
   */
  public static Object parse(String text) {
    return parse(text, "<string>");
  }

  /**
   * Parses a JSON text, naming it in error messages.
   *
   * @param text the text
   * @param source the name for messages, e.g. a file name
   * @return the value
   * @throws GraphFormatException if the text is not valid JSON
   */
  public static Object parse(String text, String source) {
    return parse(text, source, DEFAULT_MAX_DEPTH);
  }

  /**
   * Parses a JSON text with a nesting limit of the caller's.
   *
   * @param text the text
   * @param source the name for messages
   * @param maxDepth the most arrays and objects that may be nested inside each other, at least 1
   * @return the value
   * @throws GraphFormatException if the text is not valid JSON or nests deeper than {@code
   *     maxDepth}
   */
  public static Object parse(String text, String source, int maxDepth) {
    return parse(text, source, maxDepth, null);
  }

  /**
   * Parses the JSON text a reader holds, reading it to its end (the reader is not closed).
   *
   * @param in the reader
   * @param source the name for messages, e.g. a file name
   * @return the value
   * @throws IOException if reading fails
   * @throws GraphFormatException if the text is not valid JSON
   */
  public static Object parse(Reader in, String source) throws IOException {
    return parse(in, source, DEFAULT_MAX_DEPTH);
  }

  /**
   * Parses the JSON text a reader holds, with a nesting limit of the caller's.
   *
   * @param in the reader
   * @param source the name for messages
   * @param maxDepth the most arrays and objects that may be nested inside each other, at least 1
   * @return the value
   * @throws IOException if reading fails
   * @throws GraphFormatException if the text is not valid JSON or nests deeper than {@code
   *     maxDepth}
   */
  public static Object parse(Reader in, String source, int maxDepth) throws IOException {
    return parse(in, source, maxDepth, null);
  }

  static Object parse(String text, String source, int maxDepth, JsonParser.Listener listener) {
    try {
      return new JsonParser(new JsonCursor(text, source), maxDepth, listener).parseDocument();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a string cannot fail to read
    }
  }

  static Object parse(Reader in, String source, int maxDepth, JsonParser.Listener listener)
      throws IOException {
    return new JsonParser(new JsonCursor(in, source), maxDepth, listener).parseDocument();
  }

  /**
   * Writes a value as compact JSON text.
   *
   * @param value the value, of the types listed in the class documentation
   * @return the JSON text
   * @throws IllegalArgumentException if the value holds something JSON cannot (NaN, an infinity,
   *     another type, a container that contains itself); the message names it and where it sits
   */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    try {
      JsonWriter.write(value, sb);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder cannot fail to append
    }
    return sb.toString();
  }

  /**
   * Writes a value as compact JSON text to an appendable, e.g. a {@link java.io.Writer}.
   *
   * @param value the value, of the types listed in the class documentation
   * @param out where the text goes; on an error, part of the text may already be there
   * @throws IOException if appending fails
   * @throws IllegalArgumentException if the value holds something JSON cannot
   */
  public static void write(Object value, Appendable out) throws IOException {
    JsonWriter.write(value, out);
  }

  /**
   * A string as a JSON string literal, for messages: {@code a"b} becomes {@code "a\"b"}.
   *
   * @param s the string
   * @return the quoted, escaped text
   */
  public static String quote(String s) {
    return write(s);
  }
}

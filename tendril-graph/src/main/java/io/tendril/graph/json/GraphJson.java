package io.tendril.graph.json;

import static io.tendril.graph.json.Values.describe;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads graph files (docs/graph-format.md) into task graphs any {@link io.tendril.graph.Scheduler}
 * runs, parses the {@code --keys} argument, and writes results as JSON. The public face of the
 * JSON graph format, called by the {@code tendril} command and by Java code that loads graphs.
 *
 * <p>A graph file is a JSON object; its member names are the graph's keys (strings) and each
 * member's value becomes the key's value:
 *
 * <ul>
 *   <li>{@code {"call": NAME, "args": [...]}} is a task: the function {@code NAME}, resolved by a
 *       {@link FunctionResolver}, applied to the arguments ({@code "args"} may be left out for no
 *       arguments; any other member is an error). Arguments are values in turn, so a call among
 *       them runs in place;
 *   <li>an array is a list whose elements are values in turn;
 *   <li>a string equal to a key of the graph refers to that key's result (as a whole value, an
 *       alias); any other string, number, boolean or null is a literal;
 *   <li>any other object is a literal map, passed as it is: strings inside it are not references
 *       and objects inside it are not calls.
 * </ul>
 *
 * <p>Everything is checked while reading: JSON syntax, the shape of calls, and that every function
 * name resolves, each reported as a {@link GraphFormatException} with line and column. The graph
 * returned is a mutable {@link java.util.LinkedHashMap} in the file's order.
 *
 * <pre>{@code
 * GraphJson reader = new GraphJson(FunctionResolver.withContextClassLoader());
 * Map<Object, Object> dsk = reader.read(Path.of("graph.json"));
 * Object result = Schedulers.threaded().get(dsk, GraphJson.parseKeys("[\"z\"]", "--keys"));
 * System.out.println(GraphJson.writeResult(result));
 * }</pre>
 */
public final class GraphJson {
  private final FunctionResolver functions;
  private final int maxDepth;

  /**
   * Creates a reader that resolves function names with the given resolver and allows nesting up
   * to {@link Json#DEFAULT_MAX_DEPTH}.
   *
   * @param functions resolves the {@code "call"} names
   */
  public GraphJson(FunctionResolver functions) {
    this(functions, Json.DEFAULT_MAX_DEPTH);
  }

  /**
   * Creates a reader with a nesting limit of the caller's.
   *
   * @param functions resolves the {@code "call"} names
   * @param maxDepth the most arrays and objects that may be nested inside each other, counting the
   *     graph's own object, at least 1
   */
  public GraphJson(FunctionResolver functions, int maxDepth) {
    if (functions == null) {
      throw new IllegalArgumentException(
          "functions is null: pass a FunctionResolver, e.g. FunctionResolver.withContextClassLoader()");
    }
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be at least 1, got " + maxDepth);
    }
    this.functions = functions;
    this.maxDepth = maxDepth;
  }

  /**
   * Reads a graph file, which must be UTF-8 (a byte order mark is allowed). Messages name the
   * file by the path as given.
   *
   * @param file the file
   * @return the graph, keys in the file's order
   * @throws IOException if the file cannot be read
   * @throws GraphFormatException if the file is not valid UTF-8, not valid JSON, or not a valid
   *     graph
   */
  public Map<Object, Object> read(Path file) throws IOException {
    String source = file.toString();
    return read(decodeUtf8(Files.readAllBytes(file), source), source);
  }

  /**
   * Reads a graph file with the default nesting limit: shorthand for {@code new
   * GraphJson(functions).read(file)}.
   *
   * @param file the file, UTF-8
   * @param functions resolves the {@code "call"} names
   * @return the graph, keys in the file's order
   * @throws IOException if the file cannot be read
   * @throws GraphFormatException if the file is not valid UTF-8, not valid JSON, or not a valid
   *     graph
   */
  public static Map<Object, Object> read(Path file, FunctionResolver functions) throws IOException {
    return new GraphJson(functions).read(file);
  }

  /**
   * Reads a graph from a reader, to its end (the reader is not closed).
   *
   * @param in the text
   * @param source the name for messages, e.g. {@code "graph.json"}
   * @return the graph, keys in the text's order
   * @throws IOException if reading fails
   * @throws GraphFormatException if the text is not valid JSON or not a valid graph
   */
  public Map<Object, Object> read(Reader in, String source) throws IOException {
    GraphBuilder builder = new GraphBuilder(source, functions);
    return builder.build(Json.parse(in, source, maxDepth, builder));
  }

  /**
   * Reads a graph from a string.
   *
   * @param text the text
   * @param source the name for messages, e.g. {@code "graph.json"}
   * @return the graph, keys in the text's order
   * @throws GraphFormatException if the text is not valid JSON or not a valid graph
   */
  public Map<Object, Object> read(String text, String source) {
    GraphBuilder builder = new GraphBuilder(source, functions);
    return builder.build(Json.parse(text, source, maxDepth, builder));
  }

  /**
   * Parses the keys to compute: a JSON string (one key; its result alone is returned by {@code
   * get}) or a JSON array of keys and arrays nested to any depth (the results come back in the
   * same nesting), e.g. {@code ["a", ["b", "c"]]}.
   *
   * @param text the JSON text
   * @param source the name for messages, e.g. {@code "--keys"}
   * @return a {@link String}, or a {@link List} of Strings and Lists nested likewise
   * @throws GraphFormatException if the text is not valid JSON or holds anything but strings and
   *     arrays, at the offending value's line and column
   */
  public static Object parseKeys(String text, String source) {
    return Json.parse(text, source, Json.DEFAULT_MAX_DEPTH, new KeysCheck(source));
  }

  /** Rejects anything in a keys text but strings and arrays, at the offending value. */
  private record KeysCheck(String source) implements JsonParser.Listener {
    @Override
    public void open(boolean object, int line, int column, long offset) {
      if (object) {
        throw wrong("an object", line, column, offset);
      }
    }

    @Override
    public void value(Object value, int line, int column, long offset) {
      if (!(value instanceof String) && !(value instanceof List)) {
        throw wrong(value == null ? "null" : describe(value), line, column, offset);
      }
    }

    private GraphFormatException wrong(String found, int line, int column, long offset) {
      return new GraphFormatException(
          source, line, column, offset,
          "keys are the names of graph entries (JSON strings), alone or in arrays nested to any"
              + " depth, e.g. [\"a\", [\"b\", \"c\"]]; found " + found);
    }
  }

  /**
   * Writes a result as compact JSON, as {@link Json#write(Object)} does.
   *
   * @param result what {@code get} returned
   * @return the JSON text
   * @throws IllegalArgumentException if the result holds something JSON cannot (NaN, an infinity,
   *     a Java object of another type); the message names it and where it sits
   */
  public static String writeResult(Object result) {
    return Json.write(result);
  }

  /**
   * Writes a result as compact JSON to an appendable, e.g. standard output's writer.
   *
   * @param result what {@code get} returned
   * @param out where the text goes
   * @throws IOException if appending fails
   * @throws IllegalArgumentException if the result holds something JSON cannot
   */
  public static void writeResult(Object result, Appendable out) throws IOException {
    Json.write(result, out);
  }

  /** Decodes UTF-8 strictly; a malformed byte is a format error at its line and column. */
  static String decodeUtf8(byte[] bytes, String source) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    out.flip();
    if (r.isError()) {
      int bad = in.position();
      JsonCursor where = new JsonCursor(out.toString(), source);
      try {
        while (where.next() != JsonCursor.EOF) {
          // advance to the end of the valid prefix
        }
      } catch (IOException impossible) {
        throw new IllegalStateException(impossible);
      }
      throw where.error(
          String.format(
              "invalid UTF-8: byte 0x%02X at byte offset %d does not start a valid character; save"
                  + " the file as UTF-8",
              bytes[bad] & 0xff, bad));
    }
    return out.toString();
  }
}

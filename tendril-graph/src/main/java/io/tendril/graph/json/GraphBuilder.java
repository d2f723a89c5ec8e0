package io.tendril.graph.json;

import static io.tendril.graph.json.Values.describe;

import io.tendril.graph.FnN;
import io.tendril.graph.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the parsed JSON of one graph file into a graph: every {@code {"call": ..., "args": [...]}}
 * object in value position becomes a {@link Task}, lists are rebuilt around converted elements,
 * everything else stays as parsed. Listens to the parser to remember where each call object
 * starts, so that a malformed call or an unknown function is reported at its line and column. Made
 * by {@link GraphJson} for each file it reads.
 *
 * <p>Iterative (an explicit stack), so values nested {@code 10^5} deep convert without deep
 * recursion. Objects without a {@code "call"} member are literal maps: nothing inside them is
 * converted.
 */
final class GraphBuilder implements JsonParser.Listener {
  private static final String CALL = "call";
  private static final String ARGS = "args";

  private final String source;
  private final FunctionResolver functions;
  private final IdentityHashMap<Object, long[]> callPositions = new IdentityHashMap<>();
  private int lastLine = 1;
  private int lastColumn = 1;
  private long lastOffset;

  GraphBuilder(String source, FunctionResolver functions) {
    this.source = source;
    this.functions = functions;
  }

  @Override
  public void value(Object value, int line, int column, long offset) {
    lastLine = line;
    lastColumn = column;
    lastOffset = offset;
    if (value instanceof Map<?, ?> m && m.containsKey(CALL)) {
      callPositions.put(value, new long[] {line, column, offset});
    }
  }

  /** One list or call being converted: its items, their converted forms, and a call's function. */
  private static final class Frame {
    final List<?> items;
    final Object[] out;
    final FnN<Object> fn;
    int pos;

    Frame(List<?> items, FnN<Object> fn) {
      this.items = items;
      this.out = new Object[items.size()];
      this.fn = fn;
    }

    Object finish() {
      if (fn != null) {
        return Task.ofVarargs(fn, out);
      }
      for (int i = 0; i < out.length; i++) {
        if (out[i] != items.get(i)) {
          return new ArrayList<>(Arrays.asList(out));
        }
      }
      return items; // nothing inside changed: keep the parsed list
    }
  }

  /**
   * Builds the graph from the parsed document; the parser must have reported every value to this
   * listener (the document last).
   */
  Map<Object, Object> build(Object document) {
    if (!(document instanceof Map<?, ?> top)) {
      throw new GraphFormatException(
          source, lastLine, lastColumn, lastOffset,
          "a graph file must be a JSON object of keys to values, e.g. {\"x\": 1, \"y\": {\"call\":"
              + " \"inc\", \"args\": [\"x\"]}}; found " + (document == null ? "null" : describe(document)));
    }
    Map<Object, Object> graph = new LinkedHashMap<>(Math.max(16, top.size() * 4 / 3 + 1));
    for (Map.Entry<?, ?> e : top.entrySet()) {
      String key = (String) e.getKey();
      graph.put(key, convert(key, e.getValue()));
    }
    return graph;
  }

  private static boolean isCall(Object v) {
    return v instanceof Map<?, ?> m && m.containsKey(CALL);
  }

  private Object convert(String key, Object value) {
    if (!(value instanceof List) && !isCall(value)) {
      return value;
    }
    ArrayList<Frame> stack = new ArrayList<>();
    stack.add(frame(key, value));
    while (true) {
      Frame f = stack.get(stack.size() - 1);
      if (f.pos < f.out.length) {
        Object e = f.items.get(f.pos);
        if (e instanceof List || isCall(e)) {
          stack.add(frame(key, e));
        } else {
          f.out[f.pos++] = e;
        }
        continue;
      }
      Object done = f.finish();
      stack.remove(stack.size() - 1);
      if (stack.isEmpty()) {
        return done;
      }
      Frame parent = stack.get(stack.size() - 1);
      parent.out[parent.pos++] = done;
    }
  }

  private Frame frame(String key, Object v) {
    if (v instanceof List<?> list) {
      return new Frame(list, null);
    }
    Map<?, ?> call = (Map<?, ?>) v;
    for (Object member : call.keySet()) {
      if (!CALL.equals(member) && !ARGS.equals(member)) {
        throw error(call, key,
            "unexpected member " + Json.quote((String) member) + " in a call; a call has \"call\""
                + " (the function's name) and optionally \"args\" (an array of arguments). An"
                + " object with \"call\" is always a call: to pass a literal map, leave \"call\" out");
      }
    }
    Object name = call.get(CALL);
    if (!(name instanceof String fnName)) {
      throw error(call, key,
          "\"call\" must be a string naming a function, e.g. \"inc\" or \"com.example.Ops::inc\";"
              + " got " + describe(name));
    }
    Object args = call.containsKey(ARGS) ? call.get(ARGS) : List.of();
    if (!(args instanceof List<?> argList)) {
      throw error(call, key,
          "\"args\" of a call must be an array of arguments, e.g. \"args\": [\"x\", 1]; got "
              + describe(args));
    }
    FnN<Object> fn;
    try {
      fn = functions.resolve(fnName);
    } catch (IllegalArgumentException unknown) {
      throw error(call, key, unknown.getMessage());
    }
    return new Frame(argList, fn);
  }

  private GraphFormatException error(Map<?, ?> call, String key, String detail) {
    long[] at = callPositions.get(call);
    String where = "key " + Json.quote(key) + ": ";
    if (at == null) {
      return new GraphFormatException(source, lastLine, lastColumn, lastOffset, where + detail);
    }
    return new GraphFormatException(source, (int) at[0], (int) at[1], at[2], where + detail);
  }
}

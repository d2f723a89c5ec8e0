package io.tendril.graph.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.LocalScheduler;
import io.tendril.graph.Schedulers;
import io.tendril.graph.Task;
import io.tendril.graph.TaskFailedException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Graph files: how values become tasks, references and literals; load-time errors; end to end runs. */
class GraphJsonTest {
  private static final String CLS = "io.tendril.graph.json.StaticFns";
  private final GraphJson reader = new GraphJson(FunctionResolver.withContextClassLoader());

  static List<LocalScheduler> schedulers() {
    return List.of(Schedulers.sync(), Schedulers.threaded());
  }

  private Map<Object, Object> read(String text) {
    return reader.read(text, "graph.json");
  }

  private GraphFormatException error(String text) {
    try {
      read(text);
    } catch (GraphFormatException e) {
      return e;
    }
    throw new AssertionError("expected a GraphFormatException for: " + text);
  }

  private static final String PIPELINE =
      """
      {
        "x": 1,
        "y": {"call": "inc", "args": ["x"]},
        "z": {"call": "add", "args": ["y", {"call": "mul", "args": [10, "x"]}]},
        "w": "z",
        "all": {"call": "sum", "args": [["x", "y", "z", 0.5]]},
        "names": {"call": "list", "args": ["x", "nokey", {"k": "x"}]},
        "java": {"call": "%s::twice", "args": ["z"]},
        "none": {"call": "list"}
      }
      """
          .formatted(CLS);

  @Test
  void turnsCallsIntoTasksAndKeepsEverythingElse() {
    Map<Object, Object> dsk = read(PIPELINE);
    assertThat(dsk.keySet()).containsExactly("x", "y", "z", "w", "all", "names", "java", "none");
    assertThat(dsk.get("x")).isEqualTo(1L);
    Task y = (Task) dsk.get("y");
    assertThat(y.name()).isEqualTo("inc");
    assertThat(y.args()).containsExactly("x");
    Task z = (Task) dsk.get("z");
    assertThat(z.arg(1)).isInstanceOf(Task.class);
    assertThat(((Task) z.arg(1)).name()).isEqualTo("mul");
    assertThat(dsk.get("w")).isEqualTo("z");
    assertThat(((Task) dsk.get("java")).name()).isEqualTo(CLS + "::twice");
    assertThat(((Task) dsk.get("none")).argCount()).isZero();
    assertThat(((Task) dsk.get("y")).fn()).isSameAs(Builtins.find("inc").orElseThrow());
  }

  @ParameterizedTest
  @MethodSource("schedulers")
  void runsEndToEnd(LocalScheduler scheduler) {
    Map<Object, Object> dsk = read(PIPELINE);
    Object out = scheduler.get(dsk, List.of("y", "z", "w", List.of("all", "names"), "java", "none"));
    // Python: y = 1 + 1; z = y + 10 * x; sum([x, y, z, 0.5]); list(x, 'nokey', {'k': 'x'})
    assertThat(out)
        .isEqualTo(
            List.of(2L, 12L, 12L, List.of(15.5, List.of(1L, "nokey", Map.of("k", "x"))), 24L, List.of()));
    assertThat(GraphJson.writeResult(out))
        .isEqualTo("[2,12,12,[15.5,[1,\"nokey\",{\"k\":\"x\"}]],24,[]]");
  }

  @ParameterizedTest
  @MethodSource("schedulers")
  void integersStayLongAndFloatsStayDouble(LocalScheduler scheduler) {
    Map<Object, Object> dsk =
        read("{\"i\": 3, \"f\": 3.0, \"e\": 1e3, \"ii\": {\"call\": \"add\", \"args\": [\"i\", 4]},"
            + " \"ff\": {\"call\": \"add\", \"args\": [\"f\", 4]}}");
    List<?> out = (List<?>) scheduler.get(dsk, List.of("i", "f", "e", "ii", "ff"));
    assertThat(out.get(0)).isInstanceOf(Long.class).isEqualTo(3L);
    assertThat(out.get(1)).isInstanceOf(Double.class).isEqualTo(3.0);
    assertThat(out.get(2)).isInstanceOf(Double.class).isEqualTo(1000.0);
    assertThat(out.get(3)).isInstanceOf(Long.class).isEqualTo(7L);
    assertThat(out.get(4)).isInstanceOf(Double.class).isEqualTo(7.0);
    assertThat(GraphJson.writeResult(out)).isEqualTo("[3,3.0,1000.0,7,7.0]");
  }

  @ParameterizedTest
  @MethodSource("schedulers")
  void literalMapsStayLiteralEvenWithKeyLikeStringsAndCallLikeContents(LocalScheduler scheduler) {
    String text =
        """
        {
          "a": 1,
          "m": {"ref": "a", "list": ["a", {"nested": "a"}], "inner": {"args": ["a"], "x": "a"}},
          "n": {"call": "identity", "args": [{"deep": {"call": "inc", "args": ["a"]}}]},
          "size": {"call": "len", "args": ["m"]}
        }
        """;
    Map<Object, Object> dsk = read(text);
    Map<?, ?> m = (Map<?, ?>) scheduler.get(dsk, "m");
    assertThat(m.get("ref")).isEqualTo("a");
    assertThat(m.get("list")).isEqualTo(List.of("a", Map.of("nested", "a")));
    assertThat(m.get("inner")).isEqualTo(Map.of("args", List.of("a"), "x", "a"));
    Map<?, ?> n = (Map<?, ?>) scheduler.get(dsk, "n");
    assertThat(n.get("deep")).as("a call inside a literal map stays a map").isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) n.get("deep")).get("call")).isEqualTo("inc");
    assertThat(scheduler.get(dsk, "size")).isEqualTo(3L);
  }

  @ParameterizedTest
  @MethodSource("schedulers")
  void referencesResolveInsideListsAndAliasesChain(LocalScheduler scheduler) {
    Map<Object, Object> dsk =
        read("{\"a\": 2, \"b\": \"a\", \"c\": \"b\", \"l\": [\"a\", [\"b\", \"c\", \"d\"]],"
            + " \"s\": {\"call\": \"getitem\", \"args\": [{\"v\": \"a\"}, \"v\"]}}");
    assertThat(scheduler.get(dsk, "c")).isEqualTo(2L);
    assertThat(scheduler.get(dsk, "l")).isEqualTo(List.of(2L, List.of(2L, 2L, "d")));
    assertThat(scheduler.get(dsk, "s")).as("a key-like string can be passed through a literal map").isEqualTo("a");
  }

  @ParameterizedTest
  @MethodSource("schedulers")
  void runsEveryBuiltinFromAFile(LocalScheduler scheduler) {
    String text =
        """
        {"n": 7, "f": 2.5, "l": [3, 1, 2], "s": "héllo",
         "inc": {"call": "inc", "args": ["n"]},
         "dec": {"call": "dec", "args": ["f"]},
         "add": {"call": "add", "args": ["s", "!"]},
         "sub": {"call": "sub", "args": ["n", "f"]},
         "mul": {"call": "mul", "args": ["l", 2]},
         "neg": {"call": "neg", "args": ["n"]},
         "abs": {"call": "abs", "args": [-3]},
         "truediv": {"call": "truediv", "args": ["n", 2]},
         "div": {"call": "div", "args": [1, 4]},
         "floordiv": {"call": "floordiv", "args": [-7, 2]},
         "mod": {"call": "mod", "args": [-7, 2]},
         "pow": {"call": "pow", "args": [2, "n"]},
         "sum": {"call": "sum", "args": ["l"]},
         "max": {"call": "max", "args": ["l"]},
         "min": {"call": "min", "args": ["n", "f"]},
         "len": {"call": "len", "args": ["s"]},
         "identity": {"call": "identity", "args": ["l"]},
         "list": {"call": "list", "args": ["n", "f"]},
         "concat": {"call": "concat", "args": [["l", [9]]]},
         "range": {"call": "range", "args": [1, "n", 3]},
         "getitem": {"call": "getitem", "args": ["s", 1]}}
        """;
    Map<Object, Object> dsk = read(text);
    List<String> names = Builtins.names();
    List<?> out = (List<?>) scheduler.get(dsk, names);
    // Python 3.13: 7+1, 2.5-1, 'héllo'+'!', 7-2.5, [3,1,2]*2, -7, abs(-3), 7/2, 1/4, -7//2, -7%2,
    // 2**7, sum([3,1,2]), max([3,1,2]), min(7, 2.5), len('héllo'), [3,1,2], [7, 2.5],
    // [3,1,2]+[9], list(range(1,7,3)), 'héllo'[1]
    assertThat(GraphJson.writeResult(out))
        .isEqualTo("[8,1.5,\"héllo!\",4.5,[3,1,2,3,1,2],-7,3,3.5,0.25,-4,1,128,6,3,2.5,5,[3,1,2],"
            + "[7,2.5],[3,1,2,9],[1,4],\"é\"]");
  }

  @ParameterizedTest
  @MethodSource("schedulers")
  void aFailingTaskNamesItsKeyAndCause(LocalScheduler scheduler) {
    Map<Object, Object> dsk = read("{\"a\": \"text\", \"b\": {\"call\": \"inc\", \"args\": [\"a\"]}}");
    assertThatThrownBy(() -> scheduler.get(dsk, "b"))
        .isInstanceOf(TaskFailedException.class)
        .hasRootCauseMessage("inc expects a number, got String \"text\"");
  }

  @Test
  void readsFromReadersAndFiles(@TempDir Path dir) throws IOException {
    assertThat(reader.read(new StringReader("{\"a\": [1]}"), "r.json")).isEqualTo(Map.of("a", List.of(1L)));
    Path file = dir.resolve("g.json");
    Files.writeString(file, "\uFEFF{\"a\": {\"call\": \"len\", \"args\": [\"héllo\"]}}", StandardCharsets.UTF_8);
    assertThat(Schedulers.sync().get(reader.read(file), "a")).isEqualTo(5L);
  }

  @Test
  void reportsInvalidUtf8AtItsLineAndColumn(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.json");
    byte[] bytes = "{\n  \"a\": \"xé?\"}".getBytes(StandardCharsets.UTF_8);
    bytes[bytes.length - 3] = (byte) 0xFF;
    Files.write(file, bytes);
    assertThatThrownBy(() -> reader.read(file))
        .isInstanceOf(GraphFormatException.class)
        .hasMessage(file + ":2:11: invalid UTF-8: byte 0xFF at byte offset 13 does not start a valid"
            + " character; save the file as UTF-8");
  }

  @Test
  void reportsATopLevelThatIsNotAnObject() {
    assertThat(error("\n  [1, 2]").getMessage())
        .startsWith("graph.json:2:3: a graph file must be a JSON object of keys to values")
        .endsWith("found List [1,2]");
    assertThat(error("null").getMessage()).endsWith("found null");
  }

  @Test
  void reportsUnknownFunctionsAtTheCallWithTheKey() {
    GraphFormatException e = error("{\"x\": 1,\n \"y\": [1, {\"call\": \"foo\", \"args\": [\"x\"]}]}");
    assertThat(e.getMessage())
        .startsWith("graph.json:2:11: key \"y\": no function 'foo': not a built-in (inc, dec, add,")
        .endsWith("and not Class::method; add its jar with --classpath");
    assertThat(error("{\"y\": {\"call\": \"com.example.Nope::f\"}}").getMessage())
        .isEqualTo("graph.json:1:7: key \"y\": no function 'com.example.Nope::f': class"
            + " com.example.Nope is not on the classpath; add its jar with --classpath");
  }

  @Test
  void reportsMalformedCalls() {
    assertThat(error("{\"y\":\n  {\"call\": \"inc\", \"arg\": [1]}}").getMessage())
        .startsWith("graph.json:2:3: key \"y\": unexpected member \"arg\" in a call");
    assertThat(error("{\"y\": {\"call\": 5}}").getMessage())
        .startsWith("graph.json:1:7: key \"y\": \"call\" must be a string naming a function")
        .endsWith("got Long 5");
    assertThat(error("{\"y\": {\"call\": \"inc\", \"args\": \"x\"}}").getMessage())
        .startsWith("graph.json:1:7: key \"y\": \"args\" of a call must be an array of arguments")
        .endsWith("got String \"x\"");
    assertThat(error("{\"y\": {\"call\": \"inc\", \"args\": [{\"call\": null}]}}").getMessage())
        .startsWith("graph.json:1:32: key \"y\": \"call\" must be a string");
  }

  @Test
  void reportsJsonSyntaxErrorsWithTheFileName() {
    assertThat(error("{\n  \"a\": 1,\n  \"b\": {\"call\": \"inc\" \"args\": []}\n}").getMessage())
        .isEqualTo("graph.json:3:23: expected ',' or '}' after an object member, found '\"'");
    assertThat(error("{\"a\": 1, \"a\": 2}").getMessage()).startsWith("graph.json:1:10: duplicate member name \"a\"");
  }

  @Test
  void parsesKeysNestedToAnyDepth() {
    assertThat(GraphJson.parseKeys("\"z\"", "--keys")).isEqualTo("z");
    assertThat(GraphJson.parseKeys("[\"a\", [\"b\", [\"c\"]], []]", "--keys"))
        .isEqualTo(List.of("a", List.of("b", List.of("c")), List.of()));
    assertThatThrownBy(() -> GraphJson.parseKeys("[\"a\", [1]]", "--keys"))
        .isInstanceOf(GraphFormatException.class)
        .hasMessageStartingWith("--keys:1:8: keys are the names of graph entries (JSON strings)")
        .hasMessageEndingWith("found Long 1");
    assertThatThrownBy(() -> GraphJson.parseKeys("[{\"a\": 1}]", "--keys"))
        .hasMessageStartingWith("--keys:1:2: keys are").hasMessageEndingWith("found an object");
    assertThatThrownBy(() -> GraphJson.parseKeys("[\"a\"", "--keys")).hasMessageStartingWith("--keys:1:5: expected ','");
  }

  @Test
  void writesResultsToAnAppendable() throws IOException {
    StringWriter w = new StringWriter();
    GraphJson.writeResult(List.of(1L, 0.5, "x"), w);
    assertThat(w.toString()).isEqualTo("[1,0.5,\"x\"]");
    assertThatThrownBy(() -> GraphJson.writeResult(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsBadConstructorArguments() {
    assertThatThrownBy(() -> new GraphJson(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GraphJson(FunctionResolver.withContextClassLoader(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package io.tendril.graph.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.Schedulers;
import io.tendril.graph.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values nested {@code 10^5} deep: reading, writing, converting into tasks and running them, none
 * of which may overflow the stack; and the nesting limit. Deep values are checked with loops here,
 * since {@code List.equals} itself recurses.
 */
class DeepNestingTest {
  private static final int DEPTH = 100_000;

  private static String nestedArray(int depth, String innermost) {
    return "[".repeat(depth) + innermost + "]".repeat(depth);
  }

  /** The depth of a list nested as [[[...x...]]] and its innermost element. */
  private static Object[] unwrap(Object v) {
    int depth = 0;
    while (v instanceof List<?> l) {
      assertThat(l).hasSize(1);
      v = l.get(0);
      depth++;
    }
    return new Object[] {depth, v};
  }

  @Test
  void parsesAnArrayNestedTenToTheFifthDeep() {
    Object v = Json.parse(nestedArray(DEPTH, "42"));
    Object[] inner = unwrap(v);
    assertThat(inner[0]).isEqualTo(DEPTH);
    assertThat(inner[1]).isEqualTo(42L);
  }

  @Test
  void parsesObjectsNestedTenToTheFifthDeep() {
    String text = "{\"a\":".repeat(DEPTH) + "1" + "}".repeat(DEPTH);
    Object v = Json.parse(text);
    int depth = 0;
    while (v instanceof Map<?, ?> m) {
      v = m.get("a");
      depth++;
    }
    assertThat(depth).isEqualTo(DEPTH);
    assertThat(v).isEqualTo(1L);
  }

  @Test
  void writesADeepValueBackToTheSameText() {
    String text = nestedArray(DEPTH, "\"x\"");
    assertThat(Json.write(Json.parse(text))).isEqualTo(text);
  }

  @Test
  void rejectsNestingBeyondTheLimitAtTheBracketThatCrossesIt() {
    assertThat(Json.parse(nestedArray(3, "1"), "d.json", 3)).isNotNull();
    assertThatThrownBy(() -> Json.parse("[[[[1]]]]", "d.json", 3))
        .isInstanceOf(GraphFormatException.class)
        .hasMessage("d.json:1:4: arrays and objects are nested more than 3 deep, the limit of this reader");
    assertThatThrownBy(() -> Json.parse(nestedArray(Json.DEFAULT_MAX_DEPTH + 1, "1"), "d.json"))
        .hasMessageContaining("nested more than 1000000 deep");
  }

  @Test
  void graphReaderAppliesItsOwnLimitCountingTheGraphObject() {
    GraphJson reader = new GraphJson(FunctionResolver.withContextClassLoader(), 3);
    assertThat(reader.read("{\"a\": [[1]]}", "g.json")).containsKey("a");
    assertThatThrownBy(() -> reader.read("{\"a\": [[[1]]]}", "g.json"))
        .hasMessageStartingWith("g.json:1:9: arrays and objects are nested more than 3 deep");
  }

  @Test
  void runsAGraphHoldingADeepListOnTheSyncAndThreadedSchedulers() {
    String text =
        "{\"x\": 5, \"deep\": " + nestedArray(DEPTH, "\"x\"")
            + ", \"n\": {\"call\": \"len\", \"args\": [\"deep\"]}}";
    Map<Object, Object> dsk = new GraphJson(FunctionResolver.withContextClassLoader()).read(text, "g.json");
    Object[] sync = unwrap(Schedulers.sync().get(dsk, "deep"));
    assertThat(sync[0]).isEqualTo(DEPTH);
    assertThat(sync[1]).as("the innermost reference is resolved").isEqualTo(5L);
    Object[] threaded = unwrap(Schedulers.threaded().get(dsk, "deep"));
    assertThat(threaded[0]).isEqualTo(DEPTH);
    assertThat(threaded[1]).isEqualTo(5L);
    assertThat(Schedulers.sync().get(dsk, "n")).isEqualTo(1L);
  }

  @Test
  void runsCallsNestedTenToTheFifthDeep() {
    String text =
        "{\"x\": 0, \"y\": " + "{\"call\":\"inc\",\"args\":[".repeat(DEPTH) + "\"x\"" + "]}".repeat(DEPTH) + "}";
    Map<Object, Object> dsk = new GraphJson(FunctionResolver.withContextClassLoader()).read(text, "g.json");
    Object y = dsk.get("y");
    int depth = 0;
    while (y instanceof Task t) {
      assertThat(t.name()).isEqualTo("inc");
      y = t.arg(0);
      depth++;
    }
    assertThat(depth).isEqualTo(DEPTH);
    assertThat(Schedulers.sync().get(dsk, "y")).isEqualTo((long) DEPTH);
    assertThat(Schedulers.threaded().get(dsk, "y")).isEqualTo((long) DEPTH);
  }

  @Test
  void writesADeepResultAsJson() {
    Map<Object, Object> dsk =
        new GraphJson(FunctionResolver.withContextClassLoader())
            .read("{\"deep\": " + nestedArray(DEPTH, "1") + "}", "g.json");
    assertThat(GraphJson.writeResult(Schedulers.sync().get(dsk, "deep"))).isEqualTo(nestedArray(DEPTH, "1"));
  }

  @Test
  void parsesDeepKeys() {
    Object keys = GraphJson.parseKeys(nestedArray(DEPTH, "\"a\""), "--keys");
    Object[] inner = unwrap(keys);
    assertThat(inner[0]).isEqualTo(DEPTH);
    assertThat(inner[1]).isEqualTo("a");
  }
}

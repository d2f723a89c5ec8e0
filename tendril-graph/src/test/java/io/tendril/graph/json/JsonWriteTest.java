package io.tendril.graph.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.Key;
import io.tendril.graph.Task;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Writing JSON: types, Python's float format, escapes, round trips, and values JSON cannot hold. */
class JsonWriteTest {

  @Test
  void writesScalarsCompactly() {
    assertThat(Json.write(null)).isEqualTo("null");
    assertThat(Json.write(true)).isEqualTo("true");
    assertThat(Json.write(1L)).isEqualTo("1");
    assertThat(Json.write(-7)).isEqualTo("-7");
    assertThat(Json.write((short) 3)).isEqualTo("3");
    assertThat(Json.write(new BigInteger("123456789012345678901234"))).isEqualTo("123456789012345678901234");
    assertThat(Json.write('c')).isEqualTo("\"c\"");
    assertThat(Json.write(List.of(1L, "a", List.of()))).isEqualTo("[1,\"a\",[]]");
  }

  @Test
  void writesMapsInTheirOrderWithKeysAsText() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("b", 1L);
    m.put("a", Map.of());
    assertThat(Json.write(m)).isEqualTo("{\"b\":1,\"a\":{}}");
    Map<Object, Object> mixed = new LinkedHashMap<>();
    mixed.put(1, "one");
    mixed.put(2.5, "x");
    mixed.put(true, "t");
    mixed.put(null, "n");
    assertThat(Json.write(mixed)).isEqualTo("{\"1\":\"one\",\"2.5\":\"x\",\"true\":\"t\",\"null\":\"n\"}");
  }

  @Test
  void writesFloatsAsPythonsJsonDumpsDoes() {
    // Expected values are Python 3.13's json.dumps output for the same floats.
    assertThat(Json.write(1.0)).isEqualTo("1.0");
    assertThat(Json.write(3.5)).isEqualTo("3.5");
    assertThat(Json.write(1.0 / 3)).isEqualTo("0.3333333333333333");
    assertThat(Json.write(1e16)).isEqualTo("1e+16");
    assertThat(Json.write(1.5e-7)).isEqualTo("1.5e-07");
    assertThat(Json.write(0.0001)).isEqualTo("0.0001");
    assertThat(Json.write(0.00001)).isEqualTo("1e-05");
    assertThat(Json.write(123456789.0)).isEqualTo("123456789.0");
    assertThat(Json.write(5e-324)).isEqualTo("5e-324");
    assertThat(Json.write(1e22)).isEqualTo("1e+22");
    assertThat(Json.write(1e23)).isEqualTo("1e+23");
    assertThat(Json.write(2e23)).isEqualTo("2e+23");
    assertThat(Json.write(-0.0)).isEqualTo("-0.0");
    assertThat(Json.write(2.0 / 3 * 1e20)).isEqualTo("6.666666666666666e+19");
    assertThat(Json.write(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
    assertThat(Json.write(9007199254740993.0)).isEqualTo("9007199254740992.0");
    assertThat(Json.write(1.5e300)).isEqualTo("1.5e+300");
    assertThat(Json.write(2.5f)).isEqualTo("2.5");
  }

  @Test
  void escapesStringsAndKeepsOtherCharacters() {
    assertThat(Json.write("a\"b\\c\n\r\t\b\f\u0001/é😀"))
        .isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001/é😀\"");
    assertThat(Json.write("x\ud800y")).isEqualTo("\"x\\ud800y\"");
  }

  @Test
  void writesTupleKeysAsArraysOfTheirParts() {
    assertThat(Json.write(Key.of("x", 0, Key.of("y", 1)))).isEqualTo("[\"x\",0,[\"y\",1]]");
  }

  @Test
  void writesJavaArrays() {
    assertThat(Json.write(new int[] {1, 2})).isEqualTo("[1,2]");
    assertThat(Json.write(new double[] {0.5})).isEqualTo("[0.5]");
    assertThat(Json.write(new Object[] {"a", null, new long[0]})).isEqualTo("[\"a\",null,[]]");
  }

  @Test
  void writesToAnAppendable() throws IOException {
    StringWriter w = new StringWriter();
    Json.write(Map.of("k", List.of(1L)), w);
    assertThat(w.toString()).isEqualTo("{\"k\":[1]}");
  }

  @Test
  void roundTripsThroughTheReader() {
    String text =
        "{\"i\":-9223372036854775808,\"f\":0.1,\"big\":1.7976931348623157e+308,\"tiny\":5e-324,"
            + "\"s\":\"q\\\"\\\\\\n\\u0001é😀\",\"l\":[[],[1,[2.5,[true,false,null]]]],\"m\":{\"\":{}}}";
    Object value = Json.parse(text);
    assertThat(Json.write(value)).isEqualTo(text);
    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
  }

  @Test
  void roundTripsEveryDoubleItWrites() {
    double[] samples = {0.1, 0.2 + 0.1, Math.PI, 1e-310, 4.9e-324, 123e45, -2.5e-9, 1e15, 1e16 - 2};
    for (double d : samples) {
      assertThat((Double) Json.parse(Json.write(d))).isEqualTo(d);
    }
  }

  @Test
  void refusesNanAndInfinityNamingWhereTheySit() {
    assertThatThrownBy(() -> Json.write(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot write NaN as JSON: JSON numbers are finite");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", List.of(1L, Double.NEGATIVE_INFINITY));
    assertThatThrownBy(() -> Json.write(m))
        .hasMessage("cannot write -Infinity as JSON at $[\"a\"][1]: JSON numbers are finite");
  }

  @Test
  void refusesOtherTypesNamingTheType() {
    Task t = Task.ofVarargs(Builtins.find("list").orElseThrow());
    assertThatThrownBy(() -> Json.write(List.of(1L, t)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot write a Task as JSON at $[1]");
    assertThatThrownBy(() -> Json.write(new HashSet<>(List.of(1))))
        .hasMessageStartingWith("cannot write a HashSet as JSON");
    assertThatThrownBy(() -> Json.write(Map.of(Key.of("x", 1), 1)))
        .hasMessageStartingWith("cannot write a map key of type Key");
  }

  @Test
  void refusesMapsWhoseKeysCollideAsText() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put(1L, "a");
    m.put("1", "b");
    assertThatThrownBy(() -> Json.write(m)).hasMessageContaining("both become the member name \"1\"");
  }

  @Test
  void refusesAListThatContainsItself() {
    List<Object> self = new ArrayList<>();
    self.add(1L);
    self.add(self);
    assertThatThrownBy(() -> Json.write(self))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot write ArrayList as JSON at $[1]: it contains itself");
  }

  @Test
  void writesTheSameListTwiceWhenItIsNotItsOwnElement() {
    List<Object> shared = List.of(1L);
    assertThat(Json.write(List.of(shared, shared))).isEqualTo("[[1],[1]]");
  }

  @Test
  void quotesStringsForMessages() {
    assertThat(Json.quote("a\"b")).isEqualTo("\"a\\\"b\"");
  }
}

package io.tendril.graph.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading JSON: the value types produced, escapes, and every kind of syntax error with its place. */
class JsonReadTest {

  private static GraphFormatException error(String text) {
    try {
      Json.parse(text, "t.json");
    } catch (GraphFormatException e) {
      return e;
    }
    throw new AssertionError("expected a GraphFormatException for: " + text);
  }

  @SuppressWarnings("unchecked")
  static <T> T cast(Object o) {
    return (T) o;
  }

  @Test
  void readsEveryKindOfValue() {
    Object v = Json.parse("{\"a\": [1, -2, 3.5, true, false, null, \"s\"], \"b\": {}, \"c\": []}");
    assertThat(v).isInstanceOf(LinkedHashMap.class);
    Map<String, Object> m = cast(v);
    assertThat(m.keySet()).containsExactly("a", "b", "c");
    assertThat(m.get("a")).isInstanceOf(ArrayList.class);
    assertThat(JsonReadTest.<List<Object>>cast(m.get("a"))).containsExactly(1L, -2L, 3.5, true, false, null, "s");
    assertThat(m.get("b")).isEqualTo(Map.of());
    assertThat(m.get("c")).isEqualTo(List.of());
  }

  @Test
  void integersAreLongAndEverythingWithFractionOrExponentIsDouble() {
    assertThat(Json.parse("7")).isInstanceOf(Long.class).isEqualTo(7L);
    assertThat(Json.parse("-0")).isEqualTo(0L);
    assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(Json.parse("7.0")).isInstanceOf(Double.class).isEqualTo(7.0);
    assertThat(Json.parse("1e2")).isInstanceOf(Double.class).isEqualTo(100.0);
    assertThat(Json.parse("1E-2")).isEqualTo(0.01);
    assertThat(Json.parse("-0.0")).isEqualTo(-0.0);
    assertThat(Json.parse("2.5e+3")).isEqualTo(2500.0);
    assertThat(Json.parse("1e-400")).isEqualTo(0.0);
  }

  @Test
  void keepsMemberOrder() {
    Map<String, Object> m = cast(Json.parse("{\"z\":1,\"a\":2,\"m\":3}"));
    assertThat(m.keySet()).containsExactly("z", "a", "m");
  }

  @Test
  void decodesEscapesIncludingSurrogatePairs() {
    assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"")).isEqualTo("a\"b\\c/d\b\f\n\r\t");
    assertThat(Json.parse("\"\\u00e9\\u4E2D\"")).isEqualTo("é中");
    assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
    assertThat(Json.parse("\"x\\uD834\\uDD1Ey\"")).isEqualTo("x\uD834\uDD1Ey");
    assertThat(Json.parse("\"raw é 😀\"")).isEqualTo("raw é 😀");
  }

  @Test
  void skipsLeadingByteOrderMarkAndSurroundingWhitespace() {
    assertThat(Json.parse("\uFEFF \r\n\t[1]\n")).isEqualTo(List.of(1L));
  }

  @Test
  void readsFromAReaderAcrossBufferBoundaries() throws IOException {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 5000; i++) {
      sb.append(i == 0 ? "" : ",").append("\"item ").append(i).append("\"");
    }
    sb.append("]");
    List<?> list = (List<?>) Json.parse(new StringReader(sb.toString()), "r.json");
    assertThat(list).hasSize(5000);
    assertThat(list.get(4999)).isEqualTo("item 4999");
  }

  @Test
  void reportsAnUnexpectedCharacterAfterAMemberAtItsLineAndColumn() {
    GraphFormatException e = error("{\n  \"a\": 1,\n  \"b\": 2 x\n}");
    assertThat(e.getMessage())
        .isEqualTo("t.json:3:10: expected ',' or '}' after an object member, found 'x'");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(10);
    assertThat(e.offset()).isEqualTo(21);
    assertThat(e.source()).isEqualTo("t.json");
    assertThat(e.detail()).startsWith("expected ','");
  }

  @Test
  void reportsAMissingCommaInAnArray() {
    assertThat(error("[1 2]").getMessage())
        .isEqualTo("t.json:1:4: expected ',' or ']' after an array element, found '2'");
  }

  @Test
  void reportsDuplicateMemberNamesAtTheSecondName() {
    assertThat(error("{\"a\": 1,\n \"a\": 2}").getMessage())
        .startsWith("t.json:2:2: duplicate member name \"a\"");
  }

  @Test
  void reportsTrailingGarbage() {
    assertThat(error("{\"a\": 1} x").getMessage())
        .isEqualTo("t.json:1:10: unexpected text after the JSON value, found 'x'");
    assertThat(error("[1]]").getMessage()).startsWith("t.json:1:4: unexpected text");
  }

  @Test
  void reportsTrailingCommas() {
    assertThat(error("[1, 2,]").getMessage()).startsWith("t.json:1:7: trailing comma");
    assertThat(error("{\"a\": 1,\n}").getMessage()).startsWith("t.json:2:1: trailing comma");
  }

  @Test
  void reportsInvalidEscapes() {
    assertThat(error("[\"ab\\x\"]").getMessage()).startsWith("t.json:1:5: invalid escape '\\x'");
    assertThat(error("\"\\u12G4\"").getMessage())
        .startsWith("t.json:1:6: expected 4 hex digits after \\u, found 'G'");
  }

  @Test
  void reportsUnpairedSurrogateEscapes() {
    assertThat(error("\"a\\ud83d\"").getMessage()).startsWith("t.json:1:3: unpaired surrogate \\ud83d");
    assertThat(error("\"\\ude00\"").getMessage()).startsWith("t.json:1:2: unpaired surrogate \\ude00");
    assertThat(error("\"\\ud83d\\u0041\"").getMessage())
        .startsWith("t.json:1:8: \\u0041 after the high surrogate \\ud83d is not a low surrogate");
  }

  @Test
  void reportsUnterminatedStringsAtTheirOpeningQuote() {
    assertThat(error("{\"a\": \"abc").getMessage())
        .isEqualTo("t.json:1:7: unterminated string: no closing '\"' before the end of the input");
    assertThat(error("[\n \"abc\n\"]").getMessage())
        .startsWith("t.json:2:2: unterminated string: no closing '\"' before the end of the line");
  }

  @Test
  void reportsControlCharactersInStrings() {
    assertThat(error("\"a\tb\"").getMessage())
        .isEqualTo("t.json:1:3: control character U+0009 (tab) in a string; write it as \\t");
    assertThat(error("\"a\u0001\"").getMessage())
        .startsWith("t.json:1:3: control character U+0001 in a string; write it as \\u0001");
  }

  @Test
  void reportsLeadingZeros() {
    assertThat(error("[01]").getMessage())
        .startsWith("t.json:1:2: leading zeros are not allowed in JSON numbers: 01");
    assertThat(error("-007").getMessage()).startsWith("t.json:1:1: leading zeros");
  }

  @Test
  void reportsIntegersBeyondSixtyFourBits() {
    GraphFormatException e = error("{\"a\":\n 9223372036854775808}");
    assertThat(e.getMessage())
        .startsWith("t.json:2:2: the integer 9223372036854775808 does not fit in 64 bits");
    assertThat(error("-9223372036854775809").getMessage()).contains("does not fit in 64 bits");
  }

  @Test
  void reportsFloatsBeyondTheDoubleRange() {
    assertThat(error("[1e400]").getMessage())
        .startsWith("t.json:1:2: the number 1e400 is beyond the range of a 64-bit float");
  }

  @Test
  void reportsMalformedNumbers() {
    assertThat(error("-x").getMessage()).isEqualTo("t.json:1:2: expected a digit after '-', found 'x'");
    assertThat(error("1.").getMessage()).startsWith("t.json:1:3: expected a digit after the decimal point");
    assertThat(error("1e+").getMessage()).startsWith("t.json:1:4: expected a digit in the exponent");
    assertThat(error(".5").getMessage()).startsWith("t.json:1:1: expected a JSON value, found '.'");
  }

  @Test
  void reportsWordsThatAreNotJsonWithAHint() {
    assertThat(error("[True]").getMessage())
        .isEqualTo("t.json:1:2: expected a JSON value, found 'True' (JSON writes true and false in lower case)");
    assertThat(error("[None]").getMessage()).contains("(JSON writes null)");
    assertThat(error("[NaN]").getMessage()).contains("NaN and Infinity are not JSON numbers");
    assertThat(error("{\"a\": abc}").getMessage()).startsWith("t.json:1:7: expected a JSON value, found 'abc'");
    assertThat(error("{a: 1}").getMessage())
        .isEqualTo("t.json:1:2: expected a member name in double quotes, found 'a'");
    assertThat(error("['a']").getMessage()).contains("strings need double quotes");
    assertThat(error("// c\n1").getMessage()).contains("JSON has no comments");
  }

  @Test
  void reportsMissingColonAndEndOfInput() {
    assertThat(error("{\"a\" 1}").getMessage())
        .isEqualTo("t.json:1:6: expected ':' after the member name \"a\", found '1'");
    assertThat(error("[1,").getMessage())
        .isEqualTo("t.json:1:4: expected a JSON value, found end of input");
    assertThat(error("  ").getMessage()).startsWith("t.json:1:3: expected a JSON value, found end of input");
    assertThat(error("{\"a\":1").getMessage())
        .isEqualTo("t.json:1:7: expected ',' or '}' after an object member, found end of input");
  }

  @Test
  void countsCarriageReturnsAsLineBreaks() {
    assertThat(error("[1,\r\n2,\r3 x]").getMessage()).startsWith("t.json:3:3:");
  }

  @Test
  void namesTheSourceAsStringByDefault() {
    assertThatThrownBy(() -> Json.parse("[")).hasMessageStartingWith("<string>:1:2:");
  }

  @Test
  void isAGraphException() {
    assertThat(error("x")).isInstanceOf(io.tendril.graph.GraphException.class);
  }
}

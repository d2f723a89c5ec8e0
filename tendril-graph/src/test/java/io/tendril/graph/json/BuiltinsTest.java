package io.tendril.graph.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.FnN;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * Every built-in against the value Python 3.13 gives for the same expression (noted beside each
 * check), plus the errors for wrong types, counts and 64-bit overflow.
 */
class BuiltinsTest {

  private static Object call(String name, Object... args) throws Exception {
    return Builtins.find(name).orElseThrow().call(args);
  }

  private static Object json(String text) {
    return Json.parse(text);
  }

  @Test
  void listsItsNamesAndNamesEachFunctionBare() {
    assertThat(Builtins.names())
        .containsExactly(
            "inc", "dec", "add", "sub", "mul", "neg", "abs", "truediv", "div", "floordiv", "mod",
            "pow", "sum", "max", "min", "len", "identity", "list", "concat", "range", "getitem");
    for (String name : Builtins.names()) {
      FnN<Object> fn = Builtins.find(name).orElseThrow();
      assertThat(fn.functionName()).isEqualTo(name);
      assertThat(Builtins.find(name).orElseThrow()).isSameAs(fn);
    }
    assertThat(Builtins.find("nope")).isEmpty();
  }

  @Test
  void incAndDec() throws Exception {
    assertThat(call("inc", 1L)).isEqualTo(2L); // 1 + 1
    assertThat(call("inc", 2.5)).isEqualTo(3.5); // 2.5 + 1
    assertThat(call("inc", 7)).isEqualTo(8L).isInstanceOf(Long.class);
    assertThat(call("dec", -3L)).isEqualTo(-4L); // -3 - 1
    assertThat(call("dec", 0.5)).isEqualTo(-0.5);
  }

  @Test
  void add() throws Exception {
    assertThat(call("add", 1L, 1L)).isEqualTo(2L);
    assertThat(call("add", 1L, 2.5)).isEqualTo(3.5).isInstanceOf(Double.class); // 1 + 2.5
    assertThat(call("add", "ab", "cd")).isEqualTo("abcd"); // 'ab' + 'cd'
    assertThat(call("add", json("[1,2]"), json("[3]"))).isEqualTo(List.of(1L, 2L, 3L)); // [1,2]+[3]
  }

  @Test
  void subMulNegAbs() throws Exception {
    assertThat(call("sub", 10L, 3L)).isEqualTo(7L);
    assertThat(call("sub", 1.5, 2L)).isEqualTo(-0.5); // 1.5 - 2
    assertThat(call("mul", 6L, 7L)).isEqualTo(42L);
    assertThat(call("mul", 2L, 1.5)).isEqualTo(3.0); // 2 * 1.5
    assertThat(call("mul", "ab", 3L)).isEqualTo("ababab"); // 'ab' * 3
    assertThat(call("mul", json("[1,2]"), 2L)).isEqualTo(List.of(1L, 2L, 1L, 2L)); // [1,2] * 2
    assertThat(call("mul", 2L, json("[0]"))).isEqualTo(List.of(0L, 0L)); // 2 * [0]
    assertThat(call("mul", "x", -1L)).isEqualTo(""); // 'x' * -1
    assertThat(call("neg", 5L)).isEqualTo(-5L);
    assertThat(call("neg", -2.5)).isEqualTo(2.5);
    assertThat(call("abs", -7L)).isEqualTo(7L);
    assertThat(call("abs", -2.5)).isEqualTo(2.5);
  }

  @Test
  void truedivAlwaysGivesAFloat() throws Exception {
    assertThat(call("truediv", 7L, 2L)).isEqualTo(3.5);
    assertThat(call("truediv", 6L, 3L)).isEqualTo(2.0).isInstanceOf(Double.class); // 6/3
    assertThat(call("div", -7L, 2L)).isEqualTo(-3.5);
    assertThat(call("truediv", 1L, 3L)).isEqualTo(0.3333333333333333);
    // Integers beyond 2**53 divide exactly, then round once, as in Python:
    assertThat(call("truediv", 9007199254740993L, 3L)).isEqualTo(3002399751580331.0);
    assertThat(call("truediv", 1L << 62, 3L)).isEqualTo(1.5372286728091292e+18);
    assertThat(call("truediv", Long.MAX_VALUE, 7L)).isEqualTo(1.3176245766935393e+18);
    assertThat(Builtins.find("div").orElseThrow().functionName()).isEqualTo("div");
  }

  @Test
  void floordivAndModFollowPythonsSigns() throws Exception {
    assertThat(call("floordiv", 7L, 2L)).isEqualTo(3L);
    assertThat(call("floordiv", -7L, 2L)).isEqualTo(-4L); // -7 // 2
    assertThat(call("floordiv", 7L, -2L)).isEqualTo(-4L);
    assertThat(call("floordiv", 7.5, 2L)).isEqualTo(3.0);
    assertThat(call("floordiv", -7.5, 2L)).isEqualTo(-4.0);
    assertThat(call("floordiv", 7L, 2.0)).isEqualTo(3.0);
    assertThat(call("mod", 7L, 3L)).isEqualTo(1L);
    assertThat(call("mod", -7L, 3L)).isEqualTo(2L); // -7 % 3
    assertThat(call("mod", 7L, -3L)).isEqualTo(-2L);
    assertThat(call("mod", 7.5, 2L)).isEqualTo(1.5);
    assertThat(call("mod", -7.5, 2L)).isEqualTo(0.5);
    assertThat(call("mod", 5.0, -3L)).isEqualTo(-1.0);
    assertThat(call("mod", -0.0, 5L)).isEqualTo(0.0); // -0.0 % 5 is 0.0
    assertThat((Double) call("mod", 0.0, -5L)).isEqualTo(-0.0); // 0.0 % -5 is -0.0
    assertThat(Json.write(call("mod", 0.0, -5L))).isEqualTo("-0.0");
  }

  @Test
  void pow() throws Exception {
    assertThat(call("pow", 2L, 10L)).isEqualTo(1024L);
    assertThat(call("pow", 2L, -1L)).isEqualTo(0.5); // 2 ** -1
    assertThat(call("pow", -2L, 3L)).isEqualTo(-8L);
    assertThat(call("pow", 2.0, 0.5)).isEqualTo(1.4142135623730951);
    assertThat(call("pow", -2L, -2L)).isEqualTo(0.25);
    assertThat(call("pow", 0L, 0L)).isEqualTo(1L);
    assertThat(call("pow", 10L, 18L)).isEqualTo(1000000000000000000L);
    assertThat(call("pow", -2.0, 2.0)).isEqualTo(4.0);
    assertThat(call("pow", 4L, 0.5)).isEqualTo(2.0);
    assertThat(call("pow", 1L, Long.MAX_VALUE)).isEqualTo(1L);
  }

  @Test
  void sumFollowsPythonIncludingCompensatedFloats() throws Exception {
    assertThat(call("sum", json("[1,2,3]"))).isEqualTo(6L);
    assertThat(call("sum", json("[1,2.5]"))).isEqualTo(3.5);
    assertThat(call("sum", json("[0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1]"))).isEqualTo(1.0);
    assertThat(call("sum", json("[0.1,0.2,0.3]"))).isEqualTo(0.6);
    assertThat(call("sum", json("[1e100,1.0,-1e100]"))).isEqualTo(1.0);
    assertThat(call("sum", json("[1e100,1,-1e100]"))).isEqualTo(0.0); // ints among floats add plainly
    assertThat(call("sum", json("[1,1e100,1.0,-1e100]"))).isEqualTo(1.0);
    assertThat(call("sum", json("[[1],[2,3]]"), json("[]"))).isEqualTo(List.of(1L, 2L, 3L));
    assertThat(call("sum", json("[]"), 5L)).isEqualTo(5L);
    assertThat(call("sum", json("[1.5,2]"), 10L)).isEqualTo(13.5);
    assertThat(call("sum", json("[]"))).isEqualTo(0L);
  }

  @Test
  void maxAndMin() throws Exception {
    assertThat(call("max", json("[3,1,4,1,5]"))).isEqualTo(5L);
    assertThat(call("max", 3L, 4.5)).isEqualTo(4.5);
    assertThat(call("max", json("[\"b\",\"a\",\"c\"]"))).isEqualTo("c");
    assertThat(call("max", json("[[1,2],[1,3],[0,9]]"))).isEqualTo(List.of(1L, 3L));
    assertThat(call("min", json("[3,1,4]"))).isEqualTo(1L);
    assertThat(call("min", 2L, 1.5, 3L)).isEqualTo(1.5);
    assertThat(call("max", "hello")).isEqualTo("o");
    assertThat(call("min", json("[1, 1.0]"))).isEqualTo(1L).isInstanceOf(Long.class); // the first wins
    assertThat(call("max", json("[1, 1.0]"))).isEqualTo(1L).isInstanceOf(Long.class);
    // An integer and a float compare exactly: 2**53 + 1 > float(2**53).
    assertThat(call("max", 9007199254740993L, 9007199254740992.0)).isEqualTo(9007199254740993L);
    // Strings compare by code point: U+1F600 sorts after U+FFFD.
    assertThat(call("max", "\uFFFD", "😀")).isEqualTo("😀");
  }

  @Test
  void lenCountsCodePointsOfStrings() throws Exception {
    assertThat(call("len", json("[1,2,3]"))).isEqualTo(3L);
    assertThat(call("len", "héllo😀")).isEqualTo(6L);
    assertThat(call("len", json("{\"a\":1,\"b\":2}"))).isEqualTo(2L);
  }

  @Test
  void identityListAndConcat() throws Exception {
    Object m = json("{\"a\":1}");
    assertThat(call("identity", m)).isSameAs(m);
    assertThat(call("list", 1L, "a", null)).isEqualTo(java.util.Arrays.asList(1L, "a", null));
    assertThat(call("list")).isEqualTo(List.of());
    assertThat(call("concat", json("[[1],[2,3],[]]"))).isEqualTo(List.of(1L, 2L, 3L));
    assertThat(call("concat", json("[1]"), json("[2,3]"))).isEqualTo(List.of(1L, 2L, 3L));
    assertThat(call("concat", json("[[1]]"), json("[[2]]"))).isEqualTo(List.of(List.of(1L), List.of(2L)));
    assertThat(call("concat")).isEqualTo(List.of());
  }

  @Test
  void range() throws Exception {
    assertThat(call("range", 5L)).isEqualTo(List.of(0L, 1L, 2L, 3L, 4L));
    assertThat(call("range", 2L, 10L, 3L)).isEqualTo(List.of(2L, 5L, 8L));
    assertThat(call("range", 10L, 0L, -3L)).isEqualTo(List.of(10L, 7L, 4L, 1L));
    assertThat(call("range", 5L, 2L)).isEqualTo(List.of());
    assertThat(call("range", Long.MAX_VALUE - 1, Long.MAX_VALUE, 5L)).isEqualTo(List.of(Long.MAX_VALUE - 1));
  }

  @Test
  void getitem() throws Exception {
    assertThat(call("getitem", json("[1,2,3]"), -1L)).isEqualTo(3L);
    assertThat(call("getitem", json("[1,2,3]"), 0L)).isEqualTo(1L);
    assertThat(call("getitem", "héllo😀", -1L)).isEqualTo("😀");
    assertThat(call("getitem", json("{\"a\":7}"), "a")).isEqualTo(7L);
  }

  @Test
  void integerOverflowIsAnErrorNeverAWrongNumber() {
    assertThatThrownBy(() -> call("inc", Long.MAX_VALUE))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageStartingWith("inc: integer overflow: 9223372036854775807 + 1 does not fit in 64 bits");
    assertThatThrownBy(() -> call("dec", Long.MIN_VALUE)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("add", Long.MAX_VALUE, 1L)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("sub", Long.MIN_VALUE, 1L)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("mul", 1L << 32, 1L << 32)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("neg", Long.MIN_VALUE)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("abs", Long.MIN_VALUE)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("pow", 2L, 63L)).hasMessageContaining("2 ** 63 does not fit in 64 bits");
    assertThatThrownBy(() -> call("floordiv", Long.MIN_VALUE, -1L)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("sum", List.of(Long.MAX_VALUE, 1L)))
        .hasMessageStartingWith("sum: integer overflow");
    assertThatThrownBy(() -> call("pow", 10.0, 400L))
        .hasMessageContaining("beyond the range of a 64-bit float");
  }

  @Test
  void divisionByZeroIsAnArithmeticException() {
    assertThatThrownBy(() -> call("truediv", 1L, 0L))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageStartingWith("truediv: division by zero");
    assertThatThrownBy(() -> call("truediv", 1.0, 0.0)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> call("floordiv", 1L, 0L)).hasMessageStartingWith("floordiv: integer division by zero");
    assertThatThrownBy(() -> call("floordiv", 1.0, 0L)).hasMessageStartingWith("floordiv: float floor division by zero");
    assertThatThrownBy(() -> call("mod", 1L, 0L)).hasMessageStartingWith("mod: integer modulo by zero");
    assertThatThrownBy(() -> call("mod", 1L, 0.0)).hasMessageStartingWith("mod: float modulo by zero");
    assertThatThrownBy(() -> call("pow", 0L, -1L)).hasMessageStartingWith("pow: 0.0 cannot be raised to a negative power");
    assertThatThrownBy(() -> call("pow", -8L, 0.5)).hasMessageContaining("complex number");
  }

  @Test
  void wrongTypesNameTheFunctionAndWhatItGot() {
    assertThatThrownBy(() -> call("inc", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inc expects a number, got String \"a\"");
    assertThatThrownBy(() -> call("inc", true)).hasMessage("inc expects a number, got Boolean true");
    assertThatThrownBy(() -> call("add", "a", 1L))
        .hasMessage("add expects two numbers, two strings or two lists, got String \"a\" and Long 1");
    assertThatThrownBy(() -> call("sub", List.of(1L), 1L))
        .hasMessage("sub expects two numbers, got List [1] and Long 1");
    assertThatThrownBy(() -> call("len", 5L)).hasMessage("len expects a list, a string or a map, got Long 5");
    assertThatThrownBy(() -> call("sum", 5L)).hasMessageStartingWith("sum expects a list");
    assertThatThrownBy(() -> call("sum", List.of("a"), "")).hasMessageStartingWith("sum cannot sum strings");
    assertThatThrownBy(() -> call("sum", List.of(List.of(1L))))
        .hasMessage("sum expects two numbers, two strings or two lists, got Long 0 and List [1]");
    assertThatThrownBy(() -> call("max", List.of("a", 1L)))
        .hasMessageStartingWith("max cannot compare Long 1 with String \"a\"");
    assertThatThrownBy(() -> call("max", 5L)).hasMessageStartingWith("max of one argument expects a list");
    assertThatThrownBy(() -> call("min", List.of())).hasMessage("min of an empty list");
    assertThatThrownBy(() -> call("concat", List.of(1L, 2L)))
        .hasMessageStartingWith("concat of one argument expects a list of lists, but its element 0 is Long 1");
    assertThatThrownBy(() -> call("concat", List.of(1L), 2L))
        .hasMessage("concat expects lists, but argument 2 is Long 2");
    assertThatThrownBy(() -> call("range", 1.5)).hasMessage("range expects integers, but argument 1 is Double 1.5");
    assertThatThrownBy(() -> call("range", 1L, 2L, 0L)).hasMessage("range: the step must not be zero");
    assertThatThrownBy(() -> call("getitem", List.of(1L), "a"))
        .hasMessage("getitem: list indexes must be integers, got String \"a\"");
    assertThatThrownBy(() -> call("getitem", 3L, 0L))
        .hasMessage("getitem expects a list, a string or a map, got Long 3");
  }

  @Test
  void wrongCountsNameTheFunction() {
    assertThatThrownBy(() -> call("inc", 1L, 2L)).hasMessage("inc takes 1 argument (a number), got 2");
    assertThatThrownBy(() -> call("add", 1L))
        .hasMessage("add takes 2 arguments (two numbers, two strings or two lists), got 1");
    assertThatThrownBy(() -> call("sum")).hasMessageStartingWith("sum takes 1 to 2 arguments");
    assertThatThrownBy(() -> call("max")).hasMessageStartingWith("max takes at least 1 argument");
    assertThatThrownBy(() -> call("identity")).hasMessageStartingWith("identity takes 1 argument");
  }

  @Test
  void lookupErrorsMatchPythonsIndexAndKeyErrors() {
    assertThatThrownBy(() -> call("getitem", List.of(1L, 2L), 2L))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("getitem: index 2 is out of range for a list of 2");
    assertThatThrownBy(() -> call("getitem", List.of(1L, 2L), -3L)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> call("getitem", Map.of("a", 1L), "b"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("getitem: the map has no key String \"b\"");
  }

  @Test
  void aSerializedBuiltinComesBackAsTheSharedInstance() throws Exception {
    FnN<Object> inc = Builtins.find("inc").orElseThrow();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(inc);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isSameAs(inc);
    }
  }
}

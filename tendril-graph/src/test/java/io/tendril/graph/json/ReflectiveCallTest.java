package io.tendril.graph.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.FnN;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code Class::method} names: lookup errors at load time, overload choice, conversions, results. */
class ReflectiveCallTest {
  private static final String CLS = "io.tendril.graph.json.StaticFns";
  private final FunctionResolver resolver = FunctionResolver.withContextClassLoader();

  private Object call(String method, Object... args) throws Exception {
    return resolver.resolve(CLS + "::" + method).call(args);
  }

  @Test
  void theFunctionIsNamedAsWrittenAndShared() {
    FnN<Object> fn = resolver.resolve(CLS + "::twice");
    assertThat(fn.functionName()).isEqualTo(CLS + "::twice");
    assertThat(resolver.resolve(CLS + "::twice")).isSameAs(fn);
    assertThat(resolver.resolve("inc")).isSameAs(Builtins.find("inc").orElseThrow());
    assertThat(resolver.classLoader()).isNotNull();
  }

  @Test
  void convertsArgumentsAndNormalizesResults() throws Exception {
    assertThat(call("twice", 21L)).isEqualTo(42L);
    assertThat(call("addInts", 2L, 3L)).isEqualTo(5L).isInstanceOf(Long.class);
    assertThat(call("scale", 3L, 0.5)).isEqualTo(1.5);
    assertThat(call("scale", 3L, 2L)).isEqualTo(6.0);
    assertThat(call("greet", "ann")).isEqualTo("hello ann");
    assertThat(call("size", List.of(1L, 2L))).isEqualTo(2L);
    assertThat(call("first", List.of(7L, 8L))).isEqualTo(7L);
    assertThat(call("pair", 3L)).isEqualTo(new int[] {3, 3});
    assertThat(call("initial", "abc")).isEqualTo("a");
    assertThat(call("half", 3L)).isEqualTo(1.5).isInstanceOf(Double.class);
    assertThat(call("nothing")).isNull();
  }

  @Test
  void picksTheOverloadByCountAndTypes() throws Exception {
    assertThat(call("kind", 1L)).isEqualTo("long");
    assertThat(call("kind", 1.5)).isEqualTo("double");
    assertThat(call("kind", "a")).isEqualTo("string");
    assertThat(call("kind", 1L, 2L)).isEqualTo("two longs");
    assertThat(resolver.resolve("java.lang.Math::max").call(1L, 2L)).isEqualTo(2L);
    assertThat(resolver.resolve("java.lang.Math::max").call(1L, 2.5)).isEqualTo(2.5);
    assertThat(resolver.resolve("java.lang.Math::abs").call(-3L)).isEqualTo(3L);
  }

  @Test
  void callsVarargsMethods() throws Exception {
    assertThat(call("total", 1L, 2L, 3L)).isEqualTo(6L);
    assertThat(call("total")).isEqualTo(0L);
    assertThat(call("total", List.of(4L, 5L))).isEqualTo(9L);
    assertThat(call("label", "p", 1L, "x")).isEqualTo("p2");
    assertThat(call("label", "p")).isEqualTo("p0");
  }

  @Test
  void aConversionFailureNamesTheMethodAndParameter() {
    assertThatThrownBy(() -> call("twice", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(CLS + "::twice(long): parameter 1 expects a long, got String \"a\"");
    assertThatThrownBy(() -> call("addInts", 1L << 40, 1L))
        .hasMessage(CLS + "::addInts(int, int): parameter 1 expects an int, got Long 1099511627776 (outside the int range)");
    assertThatThrownBy(() -> call("half", 0.1))
        .hasMessage(CLS + "::half(float): parameter 1 expects a float, got Double 0.1 (not exact as a float)");
    assertThatThrownBy(() -> call("twice", (Object) null))
        .hasMessageContaining("parameter 1 expects a long, got null (a primitive cannot be null)");
    assertThatThrownBy(() -> call("kind", 1L, "a"))
        .hasMessage(CLS + "::kind(long, long): parameter 2 expects a long, got String \"a\"");
    assertThatThrownBy(() -> call("kind", true))
        .hasMessage("no overload of " + CLS + "::kind takes (Boolean true): kind(String): parameter 1"
            + " expects a String, got Boolean true; kind(double): parameter 1 expects a double, got"
            + " Boolean true; kind(long): parameter 1 expects a long, got Boolean true");
  }

  @Test
  void aWrongCountListsTheSignatures() {
    assertThatThrownBy(() -> call("twice", 1L, 2L))
        .hasMessage(CLS + "::twice takes 1 argument (twice(long)), got 2 arguments");
    assertThatThrownBy(() -> call("kind", 1L, 2L, 3L))
        .hasMessage(CLS + "::kind takes 1 or 2 arguments (kind(String), kind(double), kind(long),"
            + " kind(long, long)), got 3 arguments");
  }

  @Test
  void anAmbiguousCallIsAnErrorNamingBothOverloads() {
    assertThatThrownBy(() -> call("amb", (Object) null))
        .hasMessage("ambiguous call of " + CLS + "::amb with (null): both amb(List) and amb(String)"
            + " fit equally well; give the overloads different names");
  }

  @Test
  void exceptionsOfTheMethodPassThrough() {
    assertThatThrownBy(() -> call("fail", "boom")).isInstanceOf(IOException.class).hasMessage("boom");
  }

  @Test
  void unknownNamesAreReportedWhenResolved() {
    assertThatThrownBy(() -> resolver.resolve("foo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no function 'foo': not a built-in (" + String.join(", ", Builtins.names())
            + ") and not Class::method; add its jar with --classpath");
    assertThatThrownBy(() -> resolver.resolve("Inc")).hasMessageEndingWith("(did you mean 'inc'?)");
    assertThatThrownBy(() -> resolver.resolve("java.lang.Math.max"))
        .hasMessageEndingWith("(to call a static method of a Java class, write 'java.lang.Math::max')");
    assertThatThrownBy(() -> resolver.resolve("com.example.Missing::f"))
        .hasMessage("no function 'com.example.Missing::f': class com.example.Missing is not on the"
            + " classpath; add its jar with --classpath");
    assertThatThrownBy(() -> resolver.resolve("::f")).hasMessageContaining("write a Java method as Class::method");
    assertThatThrownBy(() -> resolver.resolve(CLS + "::nope"))
        .hasMessageStartingWith("no function '" + CLS + "::nope': class " + CLS
            + " has no public static method nope (its public static methods: addInts, amb,");
    assertThatThrownBy(() -> resolver.resolve(CLS + "::notStatic"))
        .hasMessage("no function '" + CLS + "::notStatic': notStatic of " + CLS
            + " is an instance method; only public static methods can be called");
    assertThatThrownBy(() -> resolver.resolve(CLS + "::hidden"))
        .hasMessageEndingWith("hidden of " + CLS + " is not public; only public static methods can be called");
  }

  @Test
  void looksClassesUpOnTheGivenClassLoader() throws Exception {
    FunctionResolver platform = new FunctionResolver(ClassLoader.getPlatformClassLoader());
    assertThat(platform.resolve("java.lang.Math::negateExact").call(4L)).isEqualTo(-4L);
    assertThatThrownBy(() -> platform.resolve(CLS + "::twice")).hasMessageContaining("is not on the classpath");
    assertThatThrownBy(() -> new FunctionResolver(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSerializedMethodFunctionIsResolvedAgain() throws Exception {
    FnN<Object> fn = resolver.resolve(CLS + "::twice");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(fn);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      FnN<?> back = (FnN<?>) in.readObject();
      assertThat(back.functionName()).isEqualTo(CLS + "::twice");
      assertThat(back.call(5L)).isEqualTo(10L);
    }
  }
}

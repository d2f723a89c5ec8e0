package io.tendril.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.Fn;
import io.tendril.graph.Fn0;
import io.tendril.graph.Fn1;
import io.tendril.graph.Fn2;
import io.tendril.graph.Fn3;
import io.tendril.graph.FnN;
import io.tendril.graph.Task;
import io.tendril.graph.json.Builtins;
import io.tendril.graph.json.FunctionResolver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Describing functions, carrying descriptors as bytes, and resolving and calling them again. */
class FunctionDescriptorsTest {
  private static final String OPS = "io.tendril.protocol.codec.CodecOps";
  private final FunctionDescriptors fds = FunctionDescriptors.standard();
  private final ClassLoader loader = getClass().getClassLoader();

  /** Describes, encodes, decodes and resolves a function: what the two sides do between them. */
  private ResolvedFunction remote(Fn fn) {
    FunctionDescriptor d = fds.describe(fn);
    FunctionDescriptor received = FunctionDescriptors.decode(FunctionDescriptors.encode(d));
    assertThat(received).isEqualTo(d).hasSameHashCodeAs(d);
    return fds.resolve(received, loader);
  }

  /** A function class: stateless, public, with a public no-argument constructor. */
  public static final class Square implements Fn1<Integer, Integer> {
    /** Makes the function. */
    public Square() {}

    @Override
    public Integer call(Integer x) {
      return x * x;
    }
  }

  /** A function class with state, which would not travel. */
  public static final class Scale implements Fn1<Integer, Integer> {
    private final int factor;

    /** Scale by one. */
    public Scale() {
      this(1);
    }

    Scale(int factor) {
      this.factor = factor;
    }

    @Override
    public Integer call(Integer x) {
      return x * factor;
    }
  }

  /** A function class that throws. */
  public static final class Explode implements Fn0<Object> {
    /** Makes the function. */
    public Explode() {}

    @Override
    public Object call() throws Exception {
      throw new IOException("exploded");
    }
  }

  /** A non-static inner class: holds the test instance. */
  final class Inner implements Fn1<Integer, Integer> {
    @Override
    public Integer call(Integer x) {
      return x + base;
    }
  }

  /** Used by a lambda that captures {@code this}. */
  private int base = 100;

  @Test
  void staticMethodReferences() throws Exception {
    FunctionDescriptor inc = fds.describe((Fn1<Integer, Integer>) CodecOps::inc);
    assertThat(inc.kind()).isEqualTo(FunctionKind.STATIC_METHOD);
    assertThat(inc.className()).isEqualTo(OPS);
    assertThat(inc.methodName()).isEqualTo("inc");
    assertThat(inc.methodType()).isEqualTo("(I)I");
    assertThat(inc.arity()).isEqualTo(1);
    assertThat(inc.hasCapturedArgs()).isFalse();
    assertThat(inc.name()).isEqualTo(OPS + "::inc");
    Fn1<Integer, Integer> sameCallSite = CodecOps::inc;
    assertThat(fds.describe(sameCallSite)).isSameAs(fds.describe(sameCallSite));

    assertThat(remote((Fn1<Integer, Integer>) CodecOps::inc).call(new Object[] {41})).isEqualTo(42);
    assertThat(remote((Fn2<Integer, Integer, Integer>) CodecOps::add).call(new Object[] {2, 3})).isEqualTo(5);
    assertThat(remote((Fn1<Long, Long>) CodecOps::twice).call(new Object[] {21L})).isEqualTo(42L);
    FunctionDescriptor voidMethod = new FunctionDescriptor(
        FunctionKind.STATIC_METHOD, OPS, "nothing", "(Ljava/lang/Object;)V", 1, new byte[0]);
    assertThat(fds.resolve(voidMethod, loader).call(new Object[] {"x"})).isNull();
  }

  @Test
  void varargsFunctionsGetTheirArgumentsAsOneArray() throws Exception {
    FnN<Long> sum = CodecOps::sum;
    FunctionDescriptor d = fds.describe(sum);
    assertThat(d.arity()).isEqualTo(FunctionDescriptor.VARARGS);
    assertThat(d.methodType()).isEqualTo("([Ljava/lang/Object;)J");
    ResolvedFunction f = remote(sum);
    assertThat(f.call(new Object[] {1, 2L, 3})).isEqualTo(6L);
    assertThat(f.call(new Object[0])).isEqualTo(0L);
    assertThat(f.call(new Object[] {10})).isEqualTo(10L);
  }

  @Test
  void instanceMethodReferencesWithACapturedReceiver() throws Exception {
    Fn1<String, String> concat = "abc"::concat;
    FunctionDescriptor d = fds.describe(concat);
    assertThat(d.kind()).isEqualTo(FunctionKind.VIRTUAL_METHOD);
    assertThat(d.className()).isEqualTo("java.lang.String");
    assertThat(d.hasCapturedArgs()).isTrue();
    assertThat(remote(concat).call(new Object[] {"def"})).isEqualTo("abcdef");

    List<Integer> list = List.of(1, 2, 3);
    Fn1<Object, Boolean> contains = list::contains;
    assertThat(fds.describe(contains).kind()).isEqualTo(FunctionKind.INTERFACE_METHOD);
    assertThat(remote(contains).call(new Object[] {2})).isEqualTo(true);
  }

  @Test
  void instanceMethodReferencesWhoseReceiverIsTheFirstArgument() throws Exception {
    Fn1<String, Integer> length = String::length;
    assertThat(fds.describe(length).hasCapturedArgs()).isFalse();
    assertThat(remote(length).call(new Object[] {"four"})).isEqualTo(4);
    Fn1<List<?>, Integer> size = List::size;
    assertThat(remote(size).call(new Object[] {List.of(1, 2)})).isEqualTo(2);
    Fn1<Point, Integer> manhattan = Point::manhattan;
    assertThat(remote(manhattan).call(new Object[] {new Point(-3, 4)})).isEqualTo(7);
  }

  @Test
  void constructorReferences() throws Exception {
    Fn2<Integer, Integer, Point> make = Point::new;
    FunctionDescriptor d = fds.describe(make);
    assertThat(d.kind()).isEqualTo(FunctionKind.CONSTRUCTOR);
    assertThat(d.name()).isEqualTo("io.tendril.protocol.codec.Point::new");
    assertThat(remote(make).call(new Object[] {1, 2})).isEqualTo(new Point(1, 2));
    Fn0<ArrayList<Object>> empty = ArrayList::new;
    assertThat(remote(empty).call(new Object[0])).isEqualTo(List.of());
  }

  @Test
  void lambdasCarryTheValuesTheyCaptured() throws Exception {
    int k = 5;
    Fn1<Integer, Integer> addK = x -> x + k;
    FunctionDescriptor d = fds.describe(addK);
    assertThat(d.kind()).isEqualTo(FunctionKind.STATIC_METHOD);
    assertThat(d.methodName()).startsWith("lambda$");
    assertThat(d.hasCapturedArgs()).isTrue();
    assertThat(remote(addK).call(new Object[] {1})).isEqualTo(6);

    List<String> words = List.of("a", "bb");
    String sep = "-";
    Fn3<Integer, Integer, Integer, String> join = (a, b, c) -> String.join(sep, words) + a + b + c;
    assertThat(remote(join).call(new Object[] {1, 2, 3})).isEqualTo("a-bb123");

    Fn0<String> constant = () -> "no captures";
    assertThat(fds.describe(constant).hasCapturedArgs()).isFalse();
    assertThat(remote(constant).call(new Object[0])).isEqualTo("no captures");
  }

  @Test
  void lambdasCapturingRecordsOfAllowedClasses() throws Exception {
    FunctionDescriptors withPoints = FunctionDescriptors.using(ValueCodec.builder().allow(Point.class).build());
    Point p = new Point(3, 4);
    Fn1<Integer, Integer> f = x -> x * p.manhattan();
    FunctionDescriptor d = withPoints.describe(f);
    assertThat(withPoints.resolve(FunctionDescriptors.decode(FunctionDescriptors.encode(d)), loader)
        .call(new Object[] {2})).isEqualTo(14);
    assertThatThrownBy(() -> fds.describe(f))
        .isInstanceOf(UnnameableFunctionException.class)
        .hasMessageContaining("class io.tendril.protocol.codec.Point is not allowed by the value codec");
  }

  @Test
  void lambdasCapturingAnAllowedThisCarryIt() throws Exception {
    FunctionDescriptors withPoints = FunctionDescriptors.using(ValueCodec.builder().allow(Point.class).build());
    Fn1<Integer, Integer> shifter = new Point(10, 20).shifter();
    FunctionDescriptor d = withPoints.describe(shifter);
    assertThat(d.kind()).isIn(FunctionKind.PRIVATE_METHOD, FunctionKind.VIRTUAL_METHOD);
    assertThat(d.className()).isEqualTo(Point.class.getName());
    assertThat(withPoints.resolve(FunctionDescriptors.decode(FunctionDescriptors.encode(d)), loader)
        .call(new Object[] {1})).isEqualTo(31);
  }

  @Test
  void functionClassesAreNamedByClass() throws Exception {
    FunctionDescriptor d = fds.describe(new Square());
    assertThat(d.kind()).isEqualTo(FunctionKind.FUNCTION_CLASS);
    assertThat(d.className()).isEqualTo(Square.class.getName());
    assertThat(d.arity()).isEqualTo(1);
    assertThat(remote(new Square()).call(new Object[] {7})).isEqualTo(49);
  }

  @Test
  void registeredFunctionsAreNamedByName() throws Exception {
    FnN<Object> add = Builtins.find("add").orElseThrow();
    FunctionDescriptor d = fds.describe(add);
    assertThat(d.kind()).isEqualTo(FunctionKind.NAMED);
    assertThat(d.name()).isEqualTo("add");
    assertThat(remote(add).call(new Object[] {2L, 3L})).isEqualTo(5L);

    FnN<Object> twice = FunctionResolver.withContextClassLoader().resolve(OPS + "::twice");
    assertThat(fds.describe(twice).name()).isEqualTo(OPS + "::twice");
    assertThat(remote(twice).call(new Object[] {4L})).isEqualTo(8L);
  }

  @Test
  void aResolvedFunctionRunsATaskLikeTheLocalOne() throws Exception {
    Task task = Task.of((Fn2<Integer, Integer, Integer>) CodecOps::add, "x", "y");
    Object[] args = {20, 22};
    assertThat(remote(task.fn()).call(args)).isEqualTo(task.call(args));
  }

  @Test
  void exceptionsOfTheFunctionPropagateUnwrapped() {
    Fn1<String, String> fail = CodecOps::fail;
    assertThatThrownBy(() -> remote(fail).call(new Object[] {"boom"}))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("boom");
    Fn1<Object, Object> unchecked = CodecOps::failUnchecked;
    assertThatThrownBy(() -> remote(unchecked).call(new Object[] {"bad state"}))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("bad state");
    int limit = 3;
    Fn1<Integer, Integer> lambda = x -> {
      if (x > limit) {
        throw new ArithmeticException("too big: " + x);
      }
      return x;
    };
    assertThatThrownBy(() -> remote(lambda).call(new Object[] {4}))
        .isExactlyInstanceOf(ArithmeticException.class)
        .hasMessage("too big: 4");
    assertThatThrownBy(() -> remote(new Explode()).call(new Object[0]))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("exploded");
    assertThatThrownBy(() -> remote(Builtins.find("inc").orElseThrow()).call(new Object[] {"a"}))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inc expects a number");
  }

  @Test
  void wrongArgumentCountsAndTypesFailAsTheyWouldLocally() throws Exception {
    ResolvedFunction add = remote((Fn2<Integer, Integer, Integer>) CodecOps::add);
    assertThatThrownBy(() -> add.call(new Object[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(OPS + "::add takes 2 arguments, got 1");
    assertThatThrownBy(() -> add.call(new Object[] {1, "two"})).isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> remote(new Square()).call(new Object[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes 1 argument, got 2");
  }

  @Test
  void aLambdaCapturingAValueTheCodecRefusesCannotBeNamed() {
    Thread thread = Thread.currentThread();
    Fn0<String> f = () -> thread.getName();
    assertThatThrownBy(() -> fds.describe(f))
        .isInstanceOf(UnnameableFunctionException.class)
        .hasMessageStartingWith("cannot send io.tendril.protocol.codec.FunctionDescriptorsTest::lambda$")
        .hasMessageContaining("it captures a value the value codec cannot encode")
        .hasMessageContaining("use a static method reference such as Ops::inc, or a lambda that captures"
            + " only values the value codec allows");
  }

  @Test
  void aLambdaCapturingThisCannotBeNamed() {
    Fn1<Integer, Integer> f = x -> x + base;
    assertThatThrownBy(() -> fds.describe(f))
        .isInstanceOf(UnnameableFunctionException.class)
        .hasMessageContaining("the lambda captures 'this' (an instance of io.tendril.protocol.codec.FunctionDescriptorsTest)")
        .hasMessageContaining("make the method it calls static, or copy the field into a local variable");
  }

  @Test
  void anonymousInnerLocalAndStatefulClassesCannotBeNamed() {
    Fn1<Integer, Integer> anonymous = new Fn1<>() {
      @Override
      public Integer call(Integer x) {
        return x;
      }
    };
    assertThatThrownBy(() -> fds.describe(anonymous))
        .isInstanceOf(UnnameableFunctionException.class)
        .hasMessageContaining("cannot send the anonymous class io.tendril.protocol.codec.FunctionDescriptorsTest$1")
        .hasMessageContaining("use a static method reference such as Ops::inc");
    assertThatThrownBy(() -> fds.describe(new Inner()))
        .isInstanceOf(UnnameableFunctionException.class)
        .hasMessageContaining("a non-static inner class holds its enclosing instance")
        .hasMessageContaining("declare it static");
    final class Local implements Fn0<Integer> {
      @Override
      public Integer call() {
        return 1;
      }
    }
    assertThatThrownBy(() -> fds.describe(new Local()))
        .isInstanceOf(UnnameableFunctionException.class)
        .hasMessageContaining("the local class");
    assertThatThrownBy(() -> fds.describe(new Scale(3)))
        .isInstanceOf(UnnameableFunctionException.class)
        .hasMessageContaining("it has instance fields [factor]")
        .hasMessageContaining("keep function classes stateless");
  }

  @Test
  void aMissingClassOrMethodIsReportedWithWhereItWasLookedFor() {
    FunctionDescriptor missingClass = new FunctionDescriptor(
        FunctionKind.STATIC_METHOD, "com.example.missing.Ops", "inc", "(I)I", 1, new byte[0]);
    assertThatThrownBy(() -> fds.resolve(missingClass, loader))
        .isInstanceOf(FunctionNotFoundException.class)
        .hasMessageContaining("class com.example.missing.Ops is not found on")
        .hasMessageContaining("is the jar that holds com.example.missing.Ops on the environment's classpath?");
    FunctionDescriptor missingMethod = new FunctionDescriptor(
        FunctionKind.STATIC_METHOD, OPS, "dec", "(I)I", 1, new byte[0]);
    assertThatThrownBy(() -> fds.resolve(missingMethod, loader))
        .isInstanceOf(FunctionNotFoundException.class)
        .hasMessageContaining("class " + OPS + " found on")
        .hasMessageContaining("has no static method dec(I)I");
    FunctionDescriptor missingType = new FunctionDescriptor(
        FunctionKind.STATIC_METHOD, OPS, "inc", "(Lcom/example/Nope;)I", 1, new byte[0]);
    assertThatThrownBy(() -> fds.resolve(missingType, loader))
        .isInstanceOf(FunctionNotFoundException.class)
        .hasMessageContaining("names class com.example.Nope");
    FunctionDescriptor missingName = new FunctionDescriptor(
        FunctionKind.NAMED, "", "no_such_builtin", "", FunctionDescriptor.VARARGS, new byte[0]);
    assertThatThrownBy(() -> fds.resolve(missingName, loader))
        .isInstanceOf(FunctionNotFoundException.class)
        .hasMessageContaining("cannot resolve the function 'no_such_builtin'");
  }

  @Test
  void descriptorsThatDoNotFitTheirMethodAreRefused() {
    FunctionDescriptor wrongArity = new FunctionDescriptor(
        FunctionKind.STATIC_METHOD, OPS, "inc", "(I)I", 2, new byte[0]);
    assertThatThrownBy(() -> fds.resolve(wrongArity, loader))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("says it takes 2 arguments");
    FunctionDescriptor wrongCaptures = new FunctionDescriptor(
        FunctionKind.STATIC_METHOD, OPS, "add", "(II)I", 1, ValueCodec.standard().encode(new Object[] {"x"}));
    assertThatThrownBy(() -> fds.resolve(wrongCaptures, loader))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("does not fit its parameter of type int");
    FunctionDescriptor notAFunction = new FunctionDescriptor(
        FunctionKind.FUNCTION_CLASS, "java.lang.String", "", "", 1, new byte[0]);
    assertThatThrownBy(() -> fds.resolve(notAFunction, loader))
        .isInstanceOf(FunctionNotFoundException.class)
        .hasMessageContaining("does not implement Fn1");
    assertThatThrownBy(() -> new FunctionDescriptor(FunctionKind.NAMED, "x", "add", "", -1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FunctionDescriptor(FunctionKind.STATIC_METHOD, OPS, "inc", "(I)I", 5, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCacheResolvesEachDescriptorOnce() throws Exception {
    FunctionCache cache = fds.cache(loader);
    FunctionDescriptor inc = fds.describe((Fn1<Integer, Integer>) CodecOps::inc);
    ResolvedFunction first = cache.resolve(inc);
    assertThat(cache.resolve(FunctionDescriptors.decode(FunctionDescriptors.encode(inc)))).isSameAs(first);

    List<ResolvedFunction> adders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int k = i;
      adders.add(cache.resolve(fds.describe((Fn1<Integer, Integer>) x -> x + k)));
    }
    assertThat(adders.get(0).call(new Object[] {10})).isEqualTo(10);
    assertThat(adders.get(2).call(new Object[] {10})).isEqualTo(12);
    assertThat(cache.size()).isEqualTo(4);
    assertThat(cache.classLoader()).isSameAs(loader);
  }

  @Test
  void aFullCacheStartsOver() throws Exception {
    FunctionCache cache = new FunctionCache(ValueCodec.standard(), loader, 2);
    for (int i = 0; i < 5; i++) {
      int k = i;
      ResolvedFunction f = cache.resolve(fds.describe((Fn1<Integer, Integer>) x -> x * k));
      assertThat(f.call(new Object[] {3})).isEqualTo(3 * i);
      assertThat(cache.size()).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void descriptorsPrintTheirFunction() {
    FunctionDescriptor d = fds.describe((Fn1<String, String>) "abc"::concat);
    assertThat(d.toString()).contains("VIRTUAL_METHOD java.lang.String::concat").contains("captured=");
    assertThat(d.withoutCapturedArgs().hasCapturedArgs()).isFalse();
    assertThat(d.capturedArgs()).isNotSameAs(d.capturedArgs()).isEqualTo(d.capturedArgs());
  }
}

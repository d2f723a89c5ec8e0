package io.tendril.graph;

import static io.tendril.graph.GraphsTest.onSmallStack;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Optimize}: the structural cases of dask/tests/test_optimization.py for cull, inline,
 * inline_functions and fuse_linear; results preserved on random graphs; stack safety.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OptimizeTest {

  // ----- task functions

  static long increment(long x) {
    return x + 1;
  }

  static long dbl(long x) {
    return 2 * x;
  }

  static long neg(long x) {
    return -x;
  }

  static long plus(long a, long b) {
    return a + b;
  }

  static long add3(long a, long b, long c) {
    return a + b + c;
  }

  static long add4(long a, long b, long c, long d) {
    return a + b + c + d;
  }

  static long fortyTwo() {
    return 42;
  }

  static long sum(List<?> xs) {
    long s = 0;
    for (Object x : xs) {
      s += ((Number) x).longValue();
    }
    return s;
  }

  static long len(List<?> xs) {
    return xs.size();
  }

  static long sumAll(Object... xs) {
    return sum(List.of(xs));
  }

  static List<Long> pair(long a, long b) {
    return List.of(a, b);
  }

  static final Fn1<Long, Long> INC = OptimizeTest::increment;
  static final Fn1<Long, Long> DOUBLE = OptimizeTest::dbl;
  static final Fn1<Long, Long> NEG = OptimizeTest::neg;
  static final Fn2<Long, Long, Long> ADD = OptimizeTest::plus;
  static final Fn3<Long, Long, Long, Long> ADD3 = OptimizeTest::add3;
  static final Fn4<Long, Long, Long, Long, Long> ADD4 = OptimizeTest::add4;
  static final Fn0<Long> FORTY_TWO = OptimizeTest::fortyTwo;
  static final Fn1<List<?>, Long> SUM = OptimizeTest::sum;
  static final Fn1<List<?>, Long> LEN = OptimizeTest::len;
  static final FnN<Long> SUM_ALL = OptimizeTest::sumAll;
  static final Fn2<Long, Long, List<Long>> PAIR = OptimizeTest::pair;

  static Map<Object, Object> graph(Object... kv) {
    return GraphsTest.graph(kv);
  }

  static Task inc(Object x) {
    return Task.of(INC, x);
  }

  static Task add(Object a, Object b) {
    return Task.of(ADD, a, b);
  }

  /** Dask's {@code with_deps}: the graph with the dependencies read from it. */
  static Optimize.Fused withDeps(Map<Object, Object> dsk) {
    return new Optimize.Fused(dsk, Graphs.dependencies(dsk));
  }

  // =============================================================================================
  // cull

  @Test
  void cullKeepsOnlyWhatTheKeysNeed() {
    Map<Object, Object> d = graph("x", 1L, "y", inc("x"), "z", inc("x"), "out", add("y", 10L));
    Optimize.Culled culled = Optimize.cull(d, "out");
    assertThat(culled.graph()).isEqualTo(graph("x", 1L, "y", inc("x"), "out", add("y", 10L)));
    assertThat(culled.dependencies())
        .isEqualTo(Map.of("x", Set.of(), "y", Set.of("x"), "out", Set.of("y")));
    assertThat(Optimize.cull(d, List.of("out"))).isEqualTo(culled);
    assertThat(Optimize.cull(d, List.of("out", "z")).graph()).isEqualTo(d);
    assertThat(Optimize.cull(d, List.of(List.of("out"), List.of("z"))))
        .isEqualTo(Optimize.cull(d, List.of("out", "z")));
    assertThat(Optimize.cull(d, Set.of("y")).graph()).isEqualTo(graph("x", 1L, "y", inc("x")));
    assertThat(Optimize.cull(d, List.of()).graph()).isEmpty();
  }

  @Test
  void cullReportsMissingKeys() {
    Map<Object, Object> d = graph("x", 1L, "y", inc("x"));
    assertThatThrownBy(() -> Optimize.cull(d, "badkey"))
        .isInstanceOf(GraphException.class)
        .hasMessageStartingWith("'badkey' is not a key in the graph");
    assertThatThrownBy(() -> Optimize.cull(d, List.of("y", List.of(Key.of("x", 0)))))
        .isInstanceOf(GraphException.class)
        .hasMessageStartingWith("('x', 0) is not a key in the graph");
    assertThatThrownBy(() -> Optimize.cull(d, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Optimize.cull(null, "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cullMatchesIntegralKeysByValueAndKeepsTheGraphsKeys() {
    Map<Object, Object> d = new LinkedHashMap<>();
    d.put(1, 5L);
    d.put(2L, inc(1L));
    d.put(3, inc(2));
    Optimize.Culled culled = Optimize.cull(d, 2);
    assertThat(culled.graph()).containsOnlyKeys(1, 2L);
    assertThat(culled.graph().keySet()).anySatisfy(k -> assertThat(k).isInstanceOf(Integer.class));
    assertThat(culled.dependencies().get(2L)).containsExactly(1);
  }

  // =============================================================================================
  // inline

  @Test
  void inlineMatchesDask() {
    Map<Object, Object> d = graph("a", 1L, "b", inc("a"), "c", inc("b"), "d", add("a", "c"));
    assertThat(Optimize.inline(d, null, null))
        .isEqualTo(graph("a", 1L, "b", inc(1L), "c", inc("b"), "d", add(1L, "c")));
    assertThat(Optimize.inline(d, List.of("a", "b", "c"), null))
        .isEqualTo(graph("a", 1L, "b", inc(1L), "c", inc(inc(1L)), "d", add(1L, inc(inc(1L)))));

    d = graph("x", 1L, "y", inc("x"), "z", add("x", "y"));
    assertThat(Optimize.inline(d, List.of(), null))
        .isEqualTo(graph("x", 1L, "y", inc(1L), "z", add(1L, "y")));
    assertThat(Optimize.inline(d, List.of("y"), null))
        .isEqualTo(graph("x", 1L, "y", inc(1L), "z", add(1L, inc(1L))));
    assertThat(Optimize.inline(d, List.of("y"), false, null))
        .isEqualTo(graph("x", 1L, "y", inc("x"), "z", add("x", inc("x"))));

    d = graph("a", 1L, "b", "a", "c", "b", "d", List.of("a", "b", "c"),
        "e", add(Task.of(LEN, "d"), "a"));
    assertThat(Optimize.inline(d, List.of("d"), null))
        .isEqualTo(graph("a", 1L, "b", 1L, "c", 1L, "d", List.of(1L, 1L, 1L),
            "e", add(Task.of(LEN, List.of(1L, 1L, 1L)), 1L)));
    assertThat(Optimize.inline(d, List.of("a"), false, null))
        .isEqualTo(graph("a", 1L, "b", 1L, "c", "b", "d", List.of(1L, "b", "c"),
            "e", add(Task.of(LEN, "d"), 1L)));
  }

  @Test
  void inlineTakesDependenciesFromCull() {
    Map<Object, Object> d = graph("a", 1L, "b", "a", "c", "b", "d", List.of("a", "b", "c"),
        "e", add(Task.of(LEN, "d"), "a"));
    Optimize.Culled culled = Optimize.cull(d, List.of("d", "e"));
    Map<Object, Object> result = Optimize.inline(culled.graph(), Set.of("b"), culled.dependencies());
    assertThat(result).isEqualTo(graph("a", 1L, "b", 1L, "c", 1L, "d", List.of(1L, 1L, 1L),
        "e", add(Task.of(LEN, "d"), 1L)));
    assertThat(Schedulers.sync().get(result, "e")).isEqualTo(4L);
  }

  @Test
  void inlineToleratesStaleDependencies() {
    Map<Object, Object> d = graph("x", 1L, "y", inc("x"), "z", add("x", "y"));
    Map<Object, Set<Object>> stale = new HashMap<>();
    stale.put("y", Set.of()); // wrong: y reads x
    stale.put("ghost", Set.of("x", "y")); // not in the graph
    // z is missing: read from its value
    Map<Object, Object> result = Optimize.inline(d, List.of("y"), stale);
    assertThat(result).isEqualTo(graph("x", 1L, "y", inc(1L), "z", add(1L, inc(1L))));
  }

  @Test
  void inlineLeavesTheInputAloneAndSharesUnchangedValues() {
    Task untouched = Task.of(NEG, "w");
    Map<Object, Object> d = graph("x", 1L, "y", inc("x"), "w", Task.of(FORTY_TWO), "v", untouched);
    Map<Object, Object> copy = new LinkedHashMap<>(d);
    Map<Object, Object> result = Optimize.inline(d, List.of(), null);
    assertThat(d).isEqualTo(copy);
    assertThat(result.get("v")).isSameAs(untouched);
    assertThat(result).isNotSameAs(d);
  }

  @Test
  void inliningKeysThatFormACycleIsAnError() {
    Map<Object, Object> d = graph("a", inc("b"), "b", inc("a"));
    assertThatThrownBy(() -> Optimize.inline(d, List.of("a", "b"), null))
        .isInstanceOf(GraphException.class)
        .hasMessageStartingWith("cycle in the graph: ");
  }

  // =============================================================================================
  // inlineFunctions

  @Test
  void inlineFunctionsMatchesDask() {
    Map<Object, Object> dsk = graph("out", add("i", "d"), "i", inc("x"), "d", Task.of(DOUBLE, "y"),
        "x", 1L, "y", 1L);
    Map<Object, Object> expected = graph("out", add(inc("x"), "d"), "d", Task.of(DOUBLE, "y"),
        "x", 1L, "y", 1L);
    assertThat(Optimize.inlineFunctions(dsk, List.of(), List.of(INC), null)).isEqualTo(expected);
    // Functions match by name: a method reference written elsewhere, or the name itself.
    assertThat(Optimize.inlineFunctions(dsk, List.of(), List.<Fn1<Long, Long>>of(OptimizeTest::increment), null))
        .isEqualTo(expected);
    assertThat(Optimize.inlineFunctions(dsk, List.of(), List.of("io.tendril.graph.OptimizeTest::increment"), null))
        .isEqualTo(expected);
    assertThat(Optimize.inlineFunctions(dsk, null, List.of(INC), Graphs.dependencies(dsk)))
        .isEqualTo(expected);
  }

  @Test
  void inlineFunctionsDoesNotShrinkFastFunctionsAtTheTop() {
    Map<Object, Object> dsk = graph("x", inc("y"), "y", 1L);
    assertThat(Optimize.inlineFunctions(dsk, List.of(), List.of(INC), null)).isEqualTo(dsk);
  }

  @Test
  void inlineFunctionsTraversesLists() {
    Map<Object, Object> dsk = graph("out", Task.of(SUM, List.of("i", "d")), "i", inc("x"),
        "d", Task.of(DOUBLE, "y"), "x", 1L, "y", 1L);
    assertThat(Optimize.inlineFunctions(dsk, List.of(), List.of(INC), null))
        .isEqualTo(graph("out", Task.of(SUM, List.of(inc("x"), "d")), "d", Task.of(DOUBLE, "y"),
            "x", 1L, "y", 1L));
  }

  @Test
  void inlineFunctionsProtectsOutputKeys() {
    Map<Object, Object> dsk = graph("x", inc(1L), "y", Task.of(DOUBLE, "x"));
    assertThat(Optimize.inlineFunctions(dsk, List.of(), List.of(INC), null))
        .isEqualTo(graph("y", Task.of(DOUBLE, inc(1L))));
    assertThat(Optimize.inlineFunctions(dsk, List.of("x"), List.of(INC), null)).isEqualTo(dsk);
    assertThat(Optimize.inlineFunctions(dsk, "x", List.of(INC), null)).isEqualTo(dsk);
  }

  @Test
  void inlineFunctionsNeedsEveryFunctionToBeFast() {
    Map<Object, Object> dsk = graph("x", 1L, "i", inc(Task.of(DOUBLE, "x")), "j", inc("x"),
        "out", add("i", "j"));
    assertThat(Optimize.inlineFunctions(dsk, "out", List.of(INC), null))
        .isEqualTo(graph("x", 1L, "i", inc(Task.of(DOUBLE, "x")), "out", add("i", inc("x"))));
    assertThat(Optimize.inlineFunctions(dsk, "out", List.of(INC, DOUBLE), null))
        .isEqualTo(graph("x", 1L, "out", add(inc(Task.of(DOUBLE, "x")), inc("x"))));
  }

  @Test
  void inlineFunctionsInlinesChainsAndOptionallyConstants() {
    Map<Object, Object> dsk = graph("x", 1L, "a", inc("x"), "b", inc("a"), "out", Task.of(DOUBLE, "b"));
    assertThat(Optimize.inlineFunctions(dsk, "out", List.of(INC), null))
        .isEqualTo(graph("x", 1L, "out", Task.of(DOUBLE, inc(inc("x")))));
    assertThat(Optimize.inlineFunctions(dsk, "out", List.of(INC), true, null))
        .isEqualTo(graph("x", 1L, "out", Task.of(DOUBLE, inc(inc(1L)))));
    // Nothing to inline: constants stay, as in Dask.
    assertThat(Optimize.inlineFunctions(graph("x", 1L, "y", inc("x")), "y", List.of(INC), true, null))
        .isEqualTo(graph("x", 1L, "y", inc("x")));
  }

  @Test
  void inlineFunctionsWithoutFastFunctionsCopiesTheGraph() {
    Map<Object, Object> dsk = graph("x", 1L, "y", inc("x"), "z", inc("y"));
    Map<Object, Object> result = Optimize.inlineFunctions(dsk, List.of(), List.of(), null);
    assertThat(result).isEqualTo(dsk).isNotSameAs(dsk);
    assertThat(Optimize.inlineFunctions(dsk, List.of(), null, null)).isEqualTo(dsk);
    assertThatThrownBy(() -> Optimize.inlineFunctions(dsk, List.of(), List.of(1.5), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pass Fn objects");
  }

  // =============================================================================================
  // fuse (fuse_linear, rename_keys=True)

  @Test
  void fuseMatchesDask() {
    Map<Object, Object> d = graph("w", inc("x"), "x", inc("y"), "y", inc("z"), "z", add("a", "b"),
        "a", 1L, "b", 2L);
    assertThat(Optimize.fuse(d)).isEqualTo(withDeps(graph(
        "z-y-x-w", inc(inc(inc(add("a", "b")))), "a", 1L, "b", 2L, "w", "z-y-x-w")));

    d = graph("NEW", inc("y"), "w", inc("x"), "x", inc("y"), "y", inc("z"), "z", add("a", "b"),
        "a", 1L, "b", 2L);
    assertThat(Optimize.fuse(d)).isEqualTo(withDeps(graph(
        "NEW", inc("z-y"), "x-w", inc(inc("z-y")), "z-y", inc(add("a", "b")), "a", 1L, "b", 2L,
        "w", "x-w", "y", "z-y")));

    d = graph("v", inc("y"), "u", inc("w"), "w", inc("x"), "x", inc("y"), "y", inc("z"),
        "z", add("a", "b"), "a", inc("c"), "b", inc("d"), "c", 1L, "d", 2L);
    assertThat(Optimize.fuse(d)).isEqualTo(withDeps(graph(
        "x-w-u", inc(inc(inc("z-y"))), "v", inc("z-y"), "z-y", inc(add("c-a", "d-b")),
        "c-a", inc(1L), "d-b", inc(2L), "a", "c-a", "b", "d-b", "u", "x-w-u", "y", "z-y")));

    d = graph("a", inc("x"), "b", inc("x"), "c", inc("x"), "d", inc("c"), "x", inc("y"), "y", 0L);
    assertThat(Optimize.fuse(d)).isEqualTo(withDeps(graph(
        "a", inc("y-x"), "b", inc("y-x"), "c-d", inc(inc("y-x")), "y-x", inc(0L),
        "d", "c-d", "x", "y-x")));

    // (add, b, b) reads b twice: b is not fused into it.
    d = graph("a", 1L, "b", inc("a"), "c", add("b", "b"));
    assertThat(Optimize.fuse(d)).isEqualTo(withDeps(graph(
        "a-b", inc(1L), "c", add("a-b", "a-b"), "b", "a-b")));
  }

  @Test
  void fuseNeverFusesAwayTheGivenKeys() {
    Map<Object, Object> d = graph("a", 1L, "b", inc("a"), "c", inc("b"));
    assertThat(Optimize.fuse(d, List.of("b"), null)).isEqualTo(withDeps(graph(
        "a-b", inc(1L), "c", inc("a-b"), "b", "a-b")));

    d = graph("w", inc("x"), "x", inc("y"), "y", inc("z"), "z", add("a", "b"), "a", 1L, "b", 2L);
    assertThat(Optimize.fuse(d, List.of("x", "z"), null)).isEqualTo(withDeps(graph(
        "w", inc("y-x"), "y-x", inc(inc("z")), "z", add("a", "b"), "a", 1L, "b", 2L, "x", "y-x")));
  }

  @Test
  void fuseDocstringExample() {
    Map<Object, Object> d = graph("a", 1L, "b", inc("a"), "c", inc("b"));
    Map<Object, Object> expected = graph("a-b-c", inc(inc(1L)), "c", "a-b-c");
    assertThat(Optimize.fuse(d).graph()).isEqualTo(expected);
    assertThat(Optimize.fuse(d, "c", null).graph()).isEqualTo(expected);
    assertThat(List.copyOf(Optimize.fuse(d).graph().keySet())).containsExactly("a-b-c", "c");
    // As in Dask, the alias of a top key not among the given keys is dropped.
    assertThat(Optimize.fuse(d, List.of("elsewhere"), null).graph())
        .isEqualTo(graph("a-b-c", inc(inc(1L))));
    assertThat(Schedulers.sync().get(Optimize.fuse(d).graph(), "c")).isEqualTo(3L);
  }

  @Test
  void fuseNamesTupleKeysAndKeepsIntegerKeys() {
    Map<Object, Object> d = graph(Key.of("a", 0), 1L, Key.of("b", 0), inc(Key.of("a", 0)),
        Key.of("c", 0), inc(Key.of("b", 0)));
    assertThat(Optimize.fuse(d)).isEqualTo(withDeps(graph(
        Key.of("a-b-c", 0), inc(inc(1L)), Key.of("c", 0), Key.of("a-b-c", 0))));

    Map<Object, Object> ints = graph(1L, 5L, 2L, inc(1), 3L, inc(2L));
    assertThat(Optimize.fuse(ints)).isEqualTo(withDeps(graph(3L, inc(inc(5L)))));

    // Lower keys are shortened with key_split; the top key is kept whole.
    Map<Object, Object> named = graph("x-1", 1L, "inc-ab12cd34", inc("x-1"), "total-3", inc("inc-ab12cd34"));
    assertThat(Optimize.fuse(named).graph()).containsOnlyKeys("x-inc-total-3", "total-3");
  }

  @Test
  void fuseNeverRenamesOntoATakenKey() {
    Map<Object, Object> d = graph("a", 1L, "b", inc("a"), "a-b", 5L);
    assertThat(Optimize.fuse(d)).isEqualTo(withDeps(graph("b", inc(1L), "a-b", 5L)));

    // Two chains that would both be named a-b-c: the chain Dask fuses first gets the name.
    d = graph("a-1", 1L, "b-1", inc("a-1"), "c", inc("b-1"), "a-2", 2L, "b-c", inc("a-2"));
    Optimize.Fused fused = Optimize.fuse(d);
    assertThat(fused).isEqualTo(withDeps(graph(
        "c", inc(inc(1L)), "a-b-c", inc(2L), "b-c", "a-b-c")));
    assertThat(Schedulers.sync().get(fused.graph(), List.of("c", "b-c"))).isEqualTo(List.of(3L, 3L));
  }

  @Test
  void fuseLeavesBranchingGraphsAlone() {
    // a reads two keys, a has two readers, out reads two keys: no link is linear.
    Map<Object, Object> d = graph("x", 1L, "y", 2L, "a", add("x", "y"), "b", inc("a"), "c", inc("a"),
        "out", add("b", "c"));
    assertThat(Optimize.fuse(d)).isEqualTo(withDeps(d));
  }

  @Test
  void fuseUsesDependenciesFromCullAndKeepsAliases() {
    Map<Object, Object> d = graph("x", 1L, "y", inc("x"), "z", inc("y"), "other", inc("x"),
        "out", Task.of(DOUBLE, "z"));
    Optimize.Culled culled = Optimize.cull(d, "out");
    Optimize.Fused fused = Optimize.fuse(culled.graph(), "out", culled.dependencies());
    assertThat(fused).isEqualTo(withDeps(graph("x-y-z-out", Task.of(DOUBLE, inc(inc(1L))),
        "out", "x-y-z-out")));
    assertThat(Schedulers.sync().get(fused.graph(), "out")).isEqualTo(6L);
  }

  @Test
  void fuseReportsACycleOfSingleReaders() {
    Map<Object, Object> d = graph("a", inc("c"), "b", inc("a"), "c", inc("b"));
    assertThatThrownBy(() -> Optimize.fuse(d))
        .isInstanceOf(GraphException.class)
        .hasMessageStartingWith("cycle in the graph: ");
  }

  @Test
  void keySplitMatchesDask() {
    assertThat(Optimize.keySplit("x")).isEqualTo("x");
    assertThat(Optimize.keySplit("x-1")).isEqualTo("x");
    assertThat(Optimize.keySplit("x-1-2-3")).isEqualTo("x");
    assertThat(Optimize.keySplit(Key.of("x-2", 1))).isEqualTo("x");
    assertThat(Optimize.keySplit("('x-2', 1)")).isEqualTo("x");
    assertThat(Optimize.keySplit("('x', 1)")).isEqualTo("x");
    assertThat(Optimize.keySplit("hello-world-1")).isEqualTo("hello-world");
    assertThat(Optimize.keySplit("ae05086432ca935f6eba409a8ecd4896")).isEqualTo("data");
    assertThat(Optimize.keySplit("<module.submodule.myclass object at 0xdaf372"))
        .isEqualTo("myclass");
    assertThat(Optimize.keySplit("x-abcdefab")).isEqualTo("x");
    assertThat(Optimize.keySplit("x-abcdefgh-y")).isEqualTo("x");
    assertThat(Optimize.keySplit("x-qbcdefgh-y")).isEqualTo("x-qbcdefgh-y");
    assertThat(Optimize.keySplit(7L)).isEqualTo("Other");
    assertThat(Optimize.keySplit("")).isEqualTo("Other");
    assertThat(Optimize.keySplit(Key.of(3, 4))).isEqualTo("Other");
  }

  // =============================================================================================
  // The pipeline of the class Javadoc

  @Test
  void pipelineOfTheClassJavadoc() {
    Fn1<Long, Long> fastInc = INC;
    Map<Object, Object> dsk = graph("a", 1L, "b", 2L, "ab", add("a", "b"), "i", inc("ab"),
        "j", inc("i"), "total", Task.of(DOUBLE, "j"), "unused", Task.of(NEG, "a"));

    List<Object> out = List.of("total");
    Optimize.Culled culled = Optimize.cull(dsk, out);
    Map<Object, Object> g = Optimize.inline(culled.graph(), List.of(), culled.dependencies());
    g = Optimize.inlineFunctions(g, out, List.of(fastInc), null);
    Optimize.Fused fused = Optimize.fuse(g, out, null);
    Object results = Schedulers.sync().get(fused.graph(), out);

    assertThat(results).isEqualTo(List.of(10L));
    assertThat(fused.graph()).isEqualTo(graph("a", 1L, "b", 2L,
        "ab-total", Task.of(DOUBLE, inc(inc(add(1L, 2L)))), "total", "ab-total"));
  }

  // =============================================================================================
  // Results preserved on random graphs

  static Stream<Long> seeds() {
    return LongStream.rangeClosed(1, 30).boxed();
  }

  /**
   * A random DAG: literals, literal lists, aliases, lists of expressions and tasks of 0 to 4
   * arguments with nested tasks and lists; string, tuple and integral keys, referred to with
   * either integral type. Every key reads only keys made before it. Results are longs or lists of
   * longs, typed so every task gets what it expects.
   */
  static final class RandomGraph {
    final Random rnd;
    final Map<Object, Object> dsk = new LinkedHashMap<>();
    final List<Object> outputs = new ArrayList<>();
    private final List<Object> keys = new ArrayList<>();
    private final List<Integer> longKeys = new ArrayList<>();
    private final List<Integer> listKeys = new ArrayList<>();

    RandomGraph(long seed) {
      rnd = new Random(seed);
      int n = 6 + rnd.nextInt(35);
      for (int i = 0; i < n; i++) {
        Object key = newKey(i);
        Object value;
        boolean list;
        int r = rnd.nextInt(100);
        if (r < 15) {
          value = (long) rnd.nextInt(100);
          list = false;
        } else if (r < 20) {
          List<Object> lit = new ArrayList<>();
          for (int j = rnd.nextInt(4); j > 0; j--) {
            lit.add((long) rnd.nextInt(100));
          }
          value = lit;
          list = true;
        } else if (r < 35 && i > 0) {
          int j = rnd.nextInt(i);
          value = ref(j);
          list = listKeys.contains(j);
        } else if (r < 43) {
          value = listOfExprs(0);
          list = true;
        } else if (r < 48) {
          value = Task.of(PAIR, longExpr(1), longExpr(1));
          list = true;
        } else {
          value = longTask(0);
          list = false;
        }
        keys.add(key);
        (list ? listKeys : longKeys).add(i);
        dsk.put(key, value);
      }
      Set<Integer> picked = new LinkedHashSet<>();
      for (int j = rnd.nextInt(3); j >= 0; j--) {
        picked.add(rnd.nextInt(n));
      }
      picked.add(n - 1);
      for (int j : picked) {
        outputs.add(ref(j));
      }
    }

    private Object newKey(int i) {
      return switch (rnd.nextInt(5)) {
        case 0 -> "k" + i;
        case 1 -> "inc-" + i;
        case 2 -> Key.of(rnd.nextBoolean() ? "t" : "t-" + i, i % 3, i);
        case 3 -> 1000 + i;
        default -> 1000L + i;
      };
    }

    /** A reference to key j, an integral key given as the other integral type half the time. */
    Object ref(int j) {
      Object k = keys.get(j);
      if (k instanceof Integer v && rnd.nextBoolean()) {
        return (long) v;
      }
      if (k instanceof Long v && rnd.nextBoolean()) {
        return (int) (long) v;
      }
      if (k instanceof Key t) {
        return Key.of(t.parts().toArray());
      }
      return k;
    }

    private int pick(List<Integer> from) {
      return from.get(rnd.nextInt(from.size()));
    }

    private Object longExpr(int depth) {
      if (depth >= 3 || rnd.nextInt(10) < 5) {
        return longKeys.isEmpty() || rnd.nextInt(3) == 0 ? (Object) (long) rnd.nextInt(100) : ref(pick(longKeys));
      }
      return longTask(depth + 1);
    }

    private Task longTask(int depth) {
      return switch (rnd.nextInt(9)) {
        case 0, 8 -> Task.of(INC, longExpr(depth));
        case 1 -> Task.of(NEG, longExpr(depth));
        case 2 -> Task.of(ADD, longExpr(depth), longExpr(depth));
        case 3 -> Task.of(ADD3, longExpr(depth), longExpr(depth), longExpr(depth));
        case 4 -> Task.of(ADD4, longExpr(depth), longExpr(depth), longExpr(depth), longExpr(depth));
        case 5 -> Task.of(FORTY_TWO);
        case 6 -> Task.of(SUM, listExpr(depth));
        default -> {
          Object[] args = new Object[rnd.nextInt(5)];
          for (int i = 0; i < args.length; i++) {
            args[i] = longExpr(depth);
          }
          yield Task.ofVarargs(SUM_ALL, args);
        }
      };
    }

    private Object listExpr(int depth) {
      int r = rnd.nextInt(3);
      if (r == 0 && !listKeys.isEmpty()) {
        return ref(pick(listKeys));
      }
      if (r == 1 && depth < 3) {
        return Task.of(PAIR, longExpr(depth + 1), longExpr(depth + 1));
      }
      return listOfExprs(depth);
    }

    private List<Object> listOfExprs(int depth) {
      List<Object> l = new ArrayList<>();
      for (int j = rnd.nextInt(5); j > 0; j--) {
        l.add(longExpr(depth + 1));
      }
      return l;
    }
  }

  // ----- oracles, written independently of the code under test (recursive: values are shallow)

  /** Canonical key -> the key as the graph holds it. */
  static Map<Object, Object> canonicalKeys(Map<Object, Object> dsk) {
    Map<Object, Object> out = new HashMap<>();
    for (Object k : dsk.keySet()) {
      out.put(Keys.normalize(k), k);
    }
    return out;
  }

  /** The keys (canonical) of the graph that a value refers to. */
  static Set<Object> refs(Object value, Map<Object, Object> graphKeys) {
    Set<Object> out = new LinkedHashSet<>();
    collectRefs(value, graphKeys, out);
    return out;
  }

  private static void collectRefs(Object v, Map<Object, Object> graphKeys, Set<Object> out) {
    if (v instanceof Task t) {
      for (Object a : t.args()) {
        collectRefs(a, graphKeys, out);
      }
    } else if (v instanceof List<?> l) {
      for (Object a : l) {
        collectRefs(a, graphKeys, out);
      }
    } else if (Keys.isKey(v) && graphKeys.containsKey(Keys.normalize(v))) {
      out.add(Keys.normalize(v));
    }
  }

  static int countRefs(Object v, Object canonicalKey) {
    if (v instanceof Task t) {
      return t.args().stream().mapToInt(a -> countRefs(a, canonicalKey)).sum();
    }
    if (v instanceof List<?> l) {
      return l.stream().mapToInt(a -> countRefs(a, canonicalKey)).sum();
    }
    return Keys.isKey(v) && Keys.normalize(v).equals(canonicalKey) ? 1 : 0;
  }

  static Map<Object, Set<Object>> oracleDependencies(Map<Object, Object> dsk) {
    Map<Object, Object> graphKeys = canonicalKeys(dsk);
    Map<Object, Set<Object>> out = new HashMap<>();
    for (Map.Entry<Object, Object> e : dsk.entrySet()) {
      out.put(Keys.normalize(e.getKey()), refs(e.getValue(), graphKeys));
    }
    return out;
  }

  /** How many keys read each key (canonical). */
  static Map<Object, Integer> dependentCounts(Map<Object, Object> dsk) {
    Map<Object, Integer> counts = new HashMap<>();
    for (Object k : dsk.keySet()) {
      counts.put(Keys.normalize(k), 0);
    }
    for (Set<Object> ds : oracleDependencies(dsk).values()) {
      for (Object d : ds) {
        counts.merge(d, 1, Integer::sum);
      }
    }
    return counts;
  }

  static Set<Object> canonicalSet(Iterable<?> keys) {
    Set<Object> out = new HashSet<>();
    for (Object k : keys) {
      out.add(Keys.normalize(k));
    }
    return out;
  }

  /** The result of every key (canonical), computed by the synchronous scheduler. */
  static Map<Object, Object> resultsOf(Map<Object, Object> dsk) {
    List<Object> keys = new ArrayList<>(dsk.keySet());
    List<?> values = (List<?>) Schedulers.sync().get(dsk, keys);
    Map<Object, Object> out = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      out.put(Keys.normalize(keys.get(i)), values.get(i));
    }
    return out;
  }

  /** Asserts that every key both graphs hold has the same result in both; returns how many. */
  static int assertSameResults(Map<Object, Object> original, Map<Object, Object> optimized) {
    Map<Object, Object> expected = resultsOf(original);
    Map<Object, Object> actual = resultsOf(optimized);
    int common = 0;
    for (Map.Entry<Object, Object> e : actual.entrySet()) {
      if (expected.containsKey(e.getKey())) {
        assertThat(e.getValue()).as("result of %s", e.getKey()).isEqualTo(expected.get(e.getKey()));
        common++;
      }
    }
    return common;
  }

  /** Asserts that no value of a graph refers to any of the given (canonical) keys. */
  static void assertNoReferenceTo(Map<Object, Object> dsk, Set<Object> gone, Map<Object, Object> originalKeys) {
    for (Map.Entry<Object, Object> e : dsk.entrySet()) {
      Set<Object> r = refs(e.getValue(), originalKeys);
      r.retainAll(gone);
      assertThat(r).as("references of %s", e.getKey()).isEmpty();
    }
  }

  /**
   * Picks about a third of the keys to inline, dropping those whose inlined value would grow
   * beyond a few hundred nodes: inlining a key read twice by a key read twice... doubles each time.
   */
  static Set<Object> chooseToInline(RandomGraph rg) {
    Map<Object, Object> graphKeys = canonicalKeys(rg.dsk);
    Map<Object, Long> size = new HashMap<>();
    Set<Object> chosen = new HashSet<>();
    for (Map.Entry<Object, Object> e : rg.dsk.entrySet()) {
      Object k = Keys.normalize(e.getKey());
      long s = expandedSize(e.getValue(), graphKeys, chosen, size);
      size.put(k, s);
      if (rg.rnd.nextInt(3) == 0 && s <= 300) {
        chosen.add(k);
      }
    }
    return chosen;
  }

  private static long expandedSize(Object v, Map<Object, Object> graphKeys, Set<Object> chosen, Map<Object, Long> size) {
    if (v instanceof Task t) {
      long s = 1;
      for (Object a : t.args()) {
        s += expandedSize(a, graphKeys, chosen, size);
      }
      return s;
    }
    if (v instanceof List<?> l) {
      long s = 1;
      for (Object a : l) {
        s += expandedSize(a, graphKeys, chosen, size);
      }
      return s;
    }
    if (Keys.isKey(v) && chosen.contains(Keys.normalize(v))) {
      return size.get(Keys.normalize(v));
    }
    return 1;
  }

  static List<Object> ownKeys(RandomGraph rg, Set<Object> canonical) {
    List<Object> out = new ArrayList<>();
    for (Object k : rg.dsk.keySet()) {
      if (canonical.contains(Keys.normalize(k))) {
        out.add(k);
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void cullPreservesResults(long seed) {
    RandomGraph rg = new RandomGraph(seed);
    Map<Object, Object> input = new LinkedHashMap<>(rg.dsk);
    Optimize.Culled culled = Optimize.cull(rg.dsk, rg.outputs);
    assertThat(rg.dsk).isEqualTo(input);

    // Exactly the closure of the outputs, values untouched.
    Map<Object, Set<Object>> deps = oracleDependencies(rg.dsk);
    Set<Object> closure = new HashSet<>();
    List<Object> work = new ArrayList<>(canonicalSet(rg.outputs));
    while (!work.isEmpty()) {
      Object k = work.remove(work.size() - 1);
      if (closure.add(k)) {
        work.addAll(deps.get(k));
      }
    }
    assertThat(canonicalSet(culled.graph().keySet())).isEqualTo(closure);
    for (Map.Entry<Object, Object> e : culled.graph().entrySet()) {
      assertThat(e.getValue()).isSameAs(rg.dsk.get(e.getKey()));
      assertThat(canonicalSet(culled.dependencies().get(e.getKey())))
          .isEqualTo(deps.get(Keys.normalize(e.getKey())));
    }
    assertThat(assertSameResults(rg.dsk, culled.graph())).isEqualTo(closure.size());
    assertThat(Schedulers.sync().get(culled.graph(), rg.outputs))
        .isEqualTo(Schedulers.sync().get(rg.dsk, rg.outputs));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void inlineWithConstantsPreservesResults(long seed) {
    RandomGraph rg = new RandomGraph(seed);
    Set<Object> chosen = chooseToInline(rg);
    Map<Object, Set<Object>> given = seed % 2 == 0 ? Graphs.dependencies(rg.dsk) : null;
    Map<Object, Object> result = Optimize.inline(rg.dsk, ownKeys(rg, chosen), given);

    Map<Object, Object> graphKeys = canonicalKeys(rg.dsk);
    Map<Object, Set<Object>> deps = oracleDependencies(rg.dsk);
    Set<Object> inlined = new HashSet<>(chosen);
    for (Map.Entry<Object, Object> e : rg.dsk.entrySet()) {
      Object v = e.getValue();
      boolean alias = Keys.isKey(v) && graphKeys.containsKey(Keys.normalize(v));
      boolean constant = !(v instanceof Task) && deps.get(Keys.normalize(e.getKey())).isEmpty();
      if (alias || constant) {
        inlined.add(Keys.normalize(e.getKey()));
      }
    }
    // Dask's inline keeps every key (inlined ones too), and no value reads an inlined key any more.
    assertThat(canonicalSet(result.keySet())).isEqualTo(canonicalSet(rg.dsk.keySet()));
    assertNoReferenceTo(result, inlined, graphKeys);
    for (Map.Entry<Object, Object> e : rg.dsk.entrySet()) {
      Set<Object> r = refs(e.getValue(), graphKeys);
      r.retainAll(inlined);
      if (r.isEmpty()) {
        assertThat(result.get(e.getKey())).isSameAs(e.getValue());
      }
    }
    assertThat(assertSameResults(rg.dsk, result)).isEqualTo(rg.dsk.size());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void inlineWithoutConstantsPreservesResults(long seed) {
    RandomGraph rg = new RandomGraph(seed);
    Set<Object> chosen = chooseToInline(rg);
    Map<Object, Object> result = Optimize.inline(rg.dsk, ownKeys(rg, chosen), false, null);
    Map<Object, Object> graphKeys = canonicalKeys(rg.dsk);
    assertThat(canonicalSet(result.keySet())).isEqualTo(canonicalSet(rg.dsk.keySet()));
    assertNoReferenceTo(result, chosen, graphKeys);
    for (Map.Entry<Object, Object> e : rg.dsk.entrySet()) {
      Set<Object> r = refs(e.getValue(), graphKeys);
      r.retainAll(chosen);
      if (r.isEmpty()) {
        assertThat(result.get(e.getKey())).isSameAs(e.getValue());
      }
    }
    assertThat(assertSameResults(rg.dsk, result)).isEqualTo(rg.dsk.size());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void inlineFunctionsPreservesResults(long seed) {
    RandomGraph rg = new RandomGraph(seed);
    List<Object> fast = List.of(INC, NEG, "io.tendril.graph.OptimizeTest::fortyTwo");
    Set<String> fastNames = Set.of(INC.functionName(), NEG.functionName(), FORTY_TWO.functionName());
    Map<Object, Integer> readers = dependentCounts(rg.dsk);
    Set<Object> outputs = canonicalSet(rg.outputs);
    Set<Object> expectedGone = new HashSet<>();
    for (Map.Entry<Object, Object> e : rg.dsk.entrySet()) {
      Object k = Keys.normalize(e.getKey());
      if (e.getValue() instanceof Task t && readers.get(k) > 0 && !outputs.contains(k)
          && fastNames.containsAll(functionNames(t))) {
        expectedGone.add(k);
      }
    }
    for (boolean constants : new boolean[] {false, true}) {
      Map<Object, Set<Object>> given = seed % 2 == 0 ? Graphs.dependencies(rg.dsk) : null;
      Map<Object, Object> result = Optimize.inlineFunctions(rg.dsk, rg.outputs, fast, constants, given);
      Set<Object> gone = canonicalSet(rg.dsk.keySet());
      gone.removeAll(canonicalSet(result.keySet()));
      assertThat(gone).as("keys inlined away").isEqualTo(expectedGone);
      assertThat(canonicalSet(result.keySet())).containsAll(outputs);
      assertNoReferenceTo(result, gone, canonicalKeys(rg.dsk));
      assertThat(assertSameResults(rg.dsk, result)).isEqualTo(rg.dsk.size() - gone.size());
    }
  }

  /** Function names of a value, read recursively (an oracle for Graphs.functionsOf). */
  static Set<String> functionNames(Object v) {
    Set<String> out = new HashSet<>();
    if (v instanceof Task t) {
      out.add(t.fn().functionName());
      for (Object a : t.args()) {
        out.addAll(functionNames(a));
      }
    } else if (v instanceof List<?> l) {
      for (Object a : l) {
        out.addAll(functionNames(a));
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void fusePreservesResults(long seed) {
    RandomGraph rg = new RandomGraph(seed);
    Map<Object, Integer> readers = dependentCounts(rg.dsk);
    Set<Object> outputs = canonicalSet(rg.outputs);
    Map<Object, Set<Object>> given = seed % 2 == 0 ? Graphs.dependencies(rg.dsk) : null;
    for (Object keys : new Object[] {rg.outputs, null}) {
      Optimize.Fused fused = Optimize.fuse(rg.dsk, keys, given);
      Map<Object, Object> g = fused.graph();
      // The dependencies returned describe the graph returned.
      Map<Object, Set<Object>> actualDeps = oracleDependencies(g);
      assertThat(canonicalSet(fused.dependencies().keySet())).isEqualTo(canonicalSet(g.keySet()));
      for (Map.Entry<Object, Set<Object>> e : fused.dependencies().entrySet()) {
        assertThat(canonicalSet(e.getValue())).as("dependencies of %s", e.getKey())
            .isEqualTo(actualDeps.get(Keys.normalize(e.getKey())));
      }
      // Only keys with exactly one reader are fused away, never the given keys.
      Set<Object> gone = canonicalSet(rg.dsk.keySet());
      gone.removeAll(canonicalSet(g.keySet()));
      for (Object k : gone) {
        if (keys != null) {
          assertThat(outputs).doesNotContain(k);
        }
        // A key with one reader was fused away; with given keys, a renamed top key's alias is
        // dropped too unless it is one of them.
        assertThat(readers.get(k) == 1 || keys != null).as("%s had one reader", k).isTrue();
      }
      if (keys != null) {
        assertThat(canonicalSet(g.keySet())).containsAll(outputs);
        assertThat(Schedulers.sync().get(g, rg.outputs)).isEqualTo(Schedulers.sync().get(rg.dsk, rg.outputs));
      }
      assertThat(assertSameResults(rg.dsk, g)).isEqualTo(rg.dsk.size() - gone.size());
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void pipelinePreservesResults(long seed) {
    RandomGraph rg = new RandomGraph(seed);
    Object expected = Schedulers.sync().get(rg.dsk, rg.outputs);

    Optimize.Culled culled = Optimize.cull(rg.dsk, rg.outputs);
    Map<Object, Object> g = Optimize.inline(culled.graph(), List.of(), culled.dependencies());
    g = Optimize.inlineFunctions(g, rg.outputs, List.of(INC, NEG, FORTY_TWO), null);
    Optimize.Fused fused = Optimize.fuse(g, rg.outputs, null);

    assertThat(Schedulers.sync().get(fused.graph(), rg.outputs)).isEqualTo(expected);
    assertThat(Schedulers.threaded().get(fused.graph(), rg.outputs)).isEqualTo(expected);
    // Every step can also take the dependencies of the one before.
    Optimize.Fused fromCull = Optimize.fuse(culled.graph(), rg.outputs, culled.dependencies());
    assertThat(Schedulers.sync().get(fromCull.graph(), rg.outputs)).isEqualTo(expected);
    assertThat(fromCull).isEqualTo(Optimize.fuse(culled.graph(), rg.outputs, null));
  }

  /** Guards the generator: over all seeds, every optimization must have had work to do. */
  @Test
  void randomGraphsGiveEveryOptimizationWorkToDo() {
    int culledAway = 0;
    int constants = 0;
    int functionsInlined = 0;
    int fusedAway = 0;
    int renamedTuples = 0;
    int repeatedReads = 0;
    for (long seed : seeds().toList()) {
      RandomGraph rg = new RandomGraph(seed);
      culledAway += rg.dsk.size() - Optimize.cull(rg.dsk, rg.outputs).graph().size();
      Map<Object, Object> inlined = Optimize.inline(rg.dsk, List.of(), null);
      for (Object k : rg.dsk.keySet()) {
        if (inlined.get(k) != rg.dsk.get(k)) {
          constants++;
        }
      }
      functionsInlined += rg.dsk.size()
          - Optimize.inlineFunctions(rg.dsk, rg.outputs, List.of(INC, NEG, FORTY_TWO), null).size();
      Map<Object, Object> fused = Optimize.fuse(rg.dsk, rg.outputs, null).graph();
      for (Object k : rg.dsk.keySet()) {
        if (!fused.containsKey(k)) {
          fusedAway++;
        }
      }
      for (Object k : fused.keySet()) {
        if (k instanceof Key && !rg.dsk.containsKey(k)) {
          renamedTuples++;
        }
      }
      for (Map.Entry<Object, Object> e : rg.dsk.entrySet()) {
        for (Object d : refs(e.getValue(), canonicalKeys(rg.dsk))) {
          if (countRefs(e.getValue(), d) > 1) {
            repeatedReads++;
          }
        }
      }
    }
    assertThat(culledAway).isGreaterThan(30);
    assertThat(constants).isGreaterThan(30);
    assertThat(functionsInlined).isGreaterThan(10);
    assertThat(fusedAway).isGreaterThan(30);
    assertThat(renamedTuples).isGreaterThan(3);
    assertThat(repeatedReads).isGreaterThan(3);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void toposortOrdersRandomGraphs(long seed) {
    RandomGraph rg = new RandomGraph(seed);
    GraphsTest.assertValidOrder(rg.dsk, Graphs.toposort(rg.dsk));
    assertThat(Graphs.dependents(Graphs.dependencies(rg.dsk)).keySet())
        .containsExactlyInAnyOrderElementsOf(rg.dsk.keySet());
  }

  // =============================================================================================
  // Stack safety

  @Test
  void cullAChainOfAMillionKeys() {
    Map<Object, Object> dsk = GraphsTest.chainTopFirst(GraphsTest.CHAIN);
    String top = "x" + (GraphsTest.CHAIN - 1);
    onSmallStack(() -> {
      Optimize.Culled all = Optimize.cull(dsk, top);
      assertThat(all.graph()).hasSize(GraphsTest.CHAIN);
      assertThat(all.dependencies().get(top)).containsExactly("x" + (GraphsTest.CHAIN - 2));
      assertThat(Optimize.cull(dsk, "x10").graph()).hasSize(11);
      Map<Object, Object> inlined = Optimize.inline(dsk, List.of(), null);
      assertThat(inlined.get("x1")).isEqualTo(Task.of(GraphsTest.INC, 0L));
      assertThat(inlined.get("x2")).isSameAs(dsk.get("x2"));
    });
  }

  @Test
  void fuseAndInlineLongChains() {
    int n = 200_000;
    Map<Object, Object> dsk = GraphsTest.chainTopFirst(n);
    String top = "x" + (n - 1);
    onSmallStack(() -> {
      Optimize.Fused fused = Optimize.fuse(dsk, top, null);
      assertThat(fused.graph()).hasSize(2);
      Object newKey = fused.graph().get(top);
      assertThat((String) newKey).startsWith("x0-x1-x2-").endsWith("-" + top);
      assertThat(Schedulers.sync().get(fused.graph(), top)).isEqualTo((long) n - 1);

      Map<Object, Object> functions = Optimize.inlineFunctions(dsk, top, List.of(GraphsTest.INC), null);
      assertThat(functions).containsOnlyKeys("x0", top);
      assertThat(Schedulers.sync().get(functions, top)).isEqualTo((long) n - 1);

      List<Object> everything = new ArrayList<>(dsk.keySet());
      Map<Object, Object> inlined = Optimize.inline(dsk, everything, null);
      assertThat(inlined).hasSize(n);
      assertThat(Graphs.dependencies(inlined, top)).isEmpty();
      assertThat(Schedulers.sync().get(inlined, top)).isEqualTo((long) n - 1);
    });
  }

  @Test
  void valuesNestedAHundredThousandDeep() {
    int depth = GraphsTest.DEPTH;
    Object deepTask = "child";
    for (int i = 0; i < depth; i++) {
      deepTask = inc(deepTask);
    }
    Map<Object, Object> dsk = graph("x", 1L, "child", inc("x"), "parent", deepTask,
        "list", GraphsTest.deepList(depth, "x"), "other", 7L);
    onSmallStack(() -> {
      Optimize.Culled culled = Optimize.cull(dsk, List.of("parent", "list"));
      assertThat(culled.graph()).containsOnlyKeys("x", "child", "parent", "list");
      assertThat(culled.dependencies().get("list")).containsExactly("x");

      Map<Object, Object> inlined = Optimize.inline(dsk, List.of(), null);
      assertThat(GraphsTest.innermost(inlined.get("list"))).isEqualTo(1L);

      Optimize.Fused fused = Optimize.fuse(dsk, "parent", null);
      // x has two readers (child and list), so the chain is child -> parent.
      assertThat(fused.graph()).containsOnlyKeys("x", "child-parent", "parent", "list", "other");
      assertThat(fused.dependencies().get("child-parent")).containsExactly("x");
      assertThat(Schedulers.sync().get(fused.graph(), "parent")).isEqualTo(2L + depth);

      Map<Object, Object> functions = Optimize.inlineFunctions(dsk, "parent", List.of(INC), null);
      assertThat(functions).doesNotContainKey("child");
      assertThat(Schedulers.sync().get(functions, "parent")).isEqualTo(2L + depth);
    });
  }
}

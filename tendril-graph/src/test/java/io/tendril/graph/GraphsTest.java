package io.tendril.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Graphs}: Dask's core utilities, mirroring dask/tests/test_core.py where they apply. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GraphsTest {
  static long inc(long x) {
    return x + 1;
  }

  static long add(long a, long b) {
    return a + b;
  }

  static long sum(List<?> xs) {
    long s = 0;
    for (Object x : xs) {
      s += ((Number) x).longValue();
    }
    return s;
  }

  static final Fn1<Long, Long> INC = GraphsTest::inc;
  static final Fn2<Long, Long, Long> ADD = GraphsTest::add;
  static final Fn1<List<?>, Long> SUM = GraphsTest::sum;

  static Map<Object, Object> graph(Object... kv) {
    Map<Object, Object> g = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      g.put(kv[i], kv[i + 1]);
    }
    return g;
  }

  /** Runs code on a thread with a small stack, so that recursion proportional to depth fails. */
  static void onSmallStack(Runnable body) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        body.run();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "small-stack", 512 * 1024);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (failure.get() instanceof Error e) {
      throw e;
    }
    if (failure.get() instanceof RuntimeException e) {
      throw e;
    }
  }

  // ----- dependencies

  @Test
  void dependenciesFollowArgumentsNestedTasksListsAndAliases() {
    Map<Object, Object> dsk = graph(
        "a", 1L,
        "b", 2L,
        "c", Task.of(ADD, "a", Task.of(INC, "b")),
        "d", Task.of(SUM, List.of("a", List.of("b", Task.of(INC, "c")), 5L)),
        "e", "d",
        "f", Task.of(INC, "not-a-key"),
        "g", List.of("a", "e"));
    Map<Object, Set<Object>> deps = Graphs.dependencies(dsk);
    assertThat(deps.keySet()).containsExactly("a", "b", "c", "d", "e", "f", "g");
    assertThat(deps.get("a")).isEmpty();
    assertThat(deps.get("c")).containsExactly("a", "b");
    assertThat(deps.get("d")).containsExactly("a", "b", "c");
    assertThat(deps.get("e")).containsExactly("d");
    assertThat(deps.get("f")).isEmpty();
    assertThat(deps.get("g")).containsExactly("a", "e");
    assertThat(Graphs.dependencies(dsk, "d")).containsExactly("a", "b", "c");
  }

  @Test
  void dependenciesDoNotLookIntoMapsOrMissingTupleKeys() {
    Map<Object, Object> dsk = graph(
        "a", 1L,
        "b", Task.of(INC, Map.of("k", "a")),
        "c", Task.of(INC, Key.of("missing", 0)),
        "d", Task.of(INC, Key.of("x", 1)),
        Key.of("x", 1L), 3L);
    Map<Object, Set<Object>> deps = Graphs.dependencies(dsk);
    assertThat(deps.get("b")).isEmpty();
    assertThat(deps.get("c")).isEmpty();
    assertThat(deps.get("d")).containsExactly(Key.of("x", 1));
  }

  @Test
  void integralKeysMatchByValueAndComeBackAsTheGraphHoldsThem() {
    Map<Object, Object> dsk = new HashMap<>();
    dsk.put(1, 10L);
    dsk.put(2L, Task.of(INC, 1L));
    dsk.put("s", Task.of(ADD, 1, (short) 2));
    Map<Object, Set<Object>> deps = Graphs.dependencies(dsk);
    assertThat(deps.get(2L)).containsExactly(1);
    assertThat(deps.get(2L).iterator().next()).isInstanceOf(Integer.class);
    assertThat(deps.get("s")).containsExactlyInAnyOrder(1, 2L);
    assertThat(deps.get("s").contains(1L) && deps.get("s").contains(2)).isTrue(); // by value
    assertThat(Graphs.dependencies(dsk, 2)).containsExactly(1);
    assertThat(Graphs.dependencies(dsk, 1L)).isEmpty();
  }

  @Test
  void dependenciesOfAMissingKeyIsAnError() {
    Map<Object, Object> dsk = graph("a", 1L);
    assertThatThrownBy(() -> Graphs.dependencies(dsk, "b"))
        .isInstanceOf(GraphException.class)
        .hasMessageStartingWith("'b' is not a key in the graph");
  }

  @Test
  void dependencySetsAreUnmodifiable() {
    Set<Object> deps = Graphs.dependencies(graph("a", 1L, "b", Task.of(INC, "a"))).get("b");
    assertThatThrownBy(() -> deps.add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(deps::clear).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void badKeysAreReported() {
    Map<Object, Object> doubleKey = new HashMap<>();
    doubleKey.put(1.5, 1L);
    assertThatThrownBy(() -> Graphs.dependencies(doubleKey))
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("cannot be a key of the graph");
    Map<Object, Object> twice = new LinkedHashMap<>();
    twice.put(1, 1L);
    twice.put(1L, 2L);
    assertThatThrownBy(() -> Graphs.toposort(twice))
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("holds the key 1 twice");
    assertThatThrownBy(() -> Graphs.toposort(null)).isInstanceOf(IllegalArgumentException.class);
  }

  // ----- dependents

  @Test
  void dependentsReverseTheDependencies() {
    Map<Object, List<Object>> deps = new LinkedHashMap<>();
    deps.put("a", List.of());
    deps.put("b", List.of("a"));
    deps.put("c", List.of("a", "b", "a"));
    deps.put("d", List.of("z"));
    Map<Object, Set<Object>> rev = Graphs.dependents(deps);
    assertThat(rev.keySet()).containsExactlyInAnyOrder("a", "b", "c", "d", "z");
    assertThat(rev.get("a")).containsExactly("b", "c");
    assertThat(rev.get("b")).containsExactly("c");
    assertThat(rev.get("c")).isEmpty();
    assertThat(rev.get("d")).isEmpty();
    assertThat(rev.get("z")).containsExactly("d");
  }

  @Test
  void dependentsMergeIntegralKeysByValue() {
    Map<Object, List<Object>> deps = new LinkedHashMap<>();
    deps.put(1L, List.of());
    deps.put("x", List.of(1));
    Map<Object, Set<Object>> rev = Graphs.dependents(deps);
    assertThat(rev).hasSize(2);
    assertThat(rev.get(1L)).containsExactly("x");
  }

  // ----- toposort

  @Test
  void toposortPutsDependenciesFirst() {
    Map<Object, Object> dsk = graph(
        "out", Task.of(ADD, "left", "right"),
        "left", Task.of(INC, "x"),
        "right", Task.of(INC, "x"),
        "x", 1L,
        "alone", 5L);
    List<Object> order = Graphs.toposort(dsk);
    assertValidOrder(dsk, order);
  }

  static void assertValidOrder(Map<Object, Object> dsk, List<Object> order) {
    assertThat(order).containsExactlyInAnyOrderElementsOf(dsk.keySet());
    Map<Object, Integer> position = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      position.put(Keys.normalize(order.get(i)), i);
    }
    Map<Object, Set<Object>> deps = Graphs.dependencies(dsk);
    for (Map.Entry<Object, Set<Object>> e : deps.entrySet()) {
      for (Object d : e.getValue()) {
        assertThat(position.get(Keys.normalize(d)))
            .as("%s before %s", d, e.getKey())
            .isLessThan(position.get(Keys.normalize(e.getKey())));
      }
    }
  }

  @Test
  void toposortUsesGivenDependencies() {
    Map<Object, Object> dsk = graph("a", 1L, "b", 2L, "c", 3L);
    Map<Object, Set<Object>> deps = new HashMap<>();
    deps.put("a", Set.of("c"));
    deps.put("c", Set.of("b", "not-in-graph"));
    assertThat(Graphs.toposort(dsk, deps)).containsExactly("b", "c", "a");
  }

  @Test
  void toposortNamesTheCycleInTheDirectionDataFlows() {
    // b reads a, c reads b, a reads c: data flows a -> b -> c -> a.
    Map<Object, Object> dsk = graph(
        "a", Task.of(INC, "c"), "b", Task.of(INC, "a"), "c", Task.of(INC, "b"), "d", 1L);
    assertThatThrownBy(() -> Graphs.toposort(dsk))
        .isInstanceOf(GraphException.class)
        .hasMessageStartingWith("cycle in the graph: ")
        .satisfies(e -> assertThat(e.getMessage())
            .containsAnyOf("'a' -> 'b' -> 'c' -> 'a'", "'b' -> 'c' -> 'a' -> 'b'", "'c' -> 'a' -> 'b' -> 'c'"));
    assertThatThrownBy(() -> Graphs.toposort(graph("x", "x")))
        .isInstanceOf(GraphException.class)
        .hasMessageStartingWith("cycle in the graph: 'x' -> 'x'");
    assertThatThrownBy(() -> Graphs.toposort(graph("a", Task.of(INC, "b"), "b", Task.of(INC, "a"))))
        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("'a' -> 'b' -> 'a'", "'b' -> 'a' -> 'b'"));
  }

  // ----- subs

  @Test
  void subsReplacesTheKeyInTasksAndLists() {
    assertThat(Graphs.subs(Task.of(SUM, List.of(1L, "x")), "x", 2L)).isEqualTo(Task.of(SUM, List.of(1L, 2L)));
    assertThat(Graphs.subs(Task.of(SUM, List.of(1L, List.of("x"))), "x", 2L))
        .isEqualTo(Task.of(SUM, List.of(1L, List.of(2L))));
    assertThat(Graphs.subs(Task.of(ADD, "x", Task.of(INC, "x")), "x", "y"))
        .isEqualTo(Task.of(ADD, "y", Task.of(INC, "y")));
    assertThat(Graphs.subs("x", "x", 5L)).isEqualTo(5L);
    assertThat(Graphs.subs(List.of("x", "z"), "x", 5L)).isEqualTo(List.of(5L, "z"));
    assertThat(Graphs.subs(Task.of(INC, 1), 1L, "one")).isEqualTo(Task.of(INC, "one"));
    assertThat(Graphs.subs(Task.of(INC, Key.of("k", 0)), Key.of("k", 0L), 7L)).isEqualTo(Task.of(INC, 7L));
  }

  @Test
  void subsLeavesOtherValuesAloneAndSharesThem() {
    Task t = Task.of(ADD, "y", Task.of(INC, Map.of("x", "x")));
    assertThat(Graphs.subs(t, "x", 1L)).isSameAs(t);
    assertThat(Graphs.subs("xx", "x", 1L)).isEqualTo("xx");
    assertThat(Graphs.subs(Task.of(INC, 2.0), 2L, 3L)).isEqualTo(Task.of(INC, 2.0));
    // The replacement is inserted as is, not searched again.
    assertThat(Graphs.subs(Task.of(INC, "x"), "x", List.of("x"))).isEqualTo(Task.of(INC, List.of("x")));
    Task shared = Task.of(INC, "z");
    Task outer = (Task) Graphs.subs(Task.of(ADD, "x", shared), "x", 1L);
    assertThat(outer.arg(1)).isSameAs(shared);
    assertThatThrownBy(() -> Graphs.subs(t, 1.5, 1L)).isInstanceOf(GraphException.class);
  }

  // ----- functionsOf

  @Test
  void functionsOfFindsNestedFunctions() {
    String inc = INC.functionName();
    String add = ADD.functionName();
    assertThat(inc).isEqualTo("io.tendril.graph.GraphsTest::inc");
    assertThat(Graphs.functionsOf(Task.of(INC, 1L))).containsExactly(inc);
    assertThat(Graphs.functionsOf(Task.of(INC, Task.of(ADD, 1L, 2L)))).containsExactlyInAnyOrder(inc, add);
    assertThat(Graphs.functionsOf(Task.of(INC, List.of(Task.of(ADD, 1L, 2L))))).containsExactlyInAnyOrder(inc, add);
    assertThat(Graphs.functionsOf(Task.of(INC, List.of(List.of(List.of(Task.of(ADD, 1L, 2L)))))))
        .containsExactlyInAnyOrder(inc, add);
    assertThat(Graphs.functionsOf(1L)).isEmpty();
    assertThat(Graphs.functionsOf("x")).isEmpty();
    assertThat(Graphs.functionsOf(List.of(Task.of(INC, 1L)))).containsExactly(inc);
    // A method reference written elsewhere has the same name.
    assertThat(Graphs.functionsOf(Task.of((Fn1<Long, Long>) GraphsTest::inc, 1L))).containsExactly(inc);
  }

  // ----- stack safety

  static final int CHAIN = 1_000_000;
  static final int DEPTH = 100_000;

  /** x0 = 0, xi = inc(x(i-1)), inserted top first so a depth-first search goes the whole way. */
  static Map<Object, Object> chainTopFirst(int n) {
    Map<Object, Object> dsk = LinkedHashMap.newLinkedHashMap(n);
    for (int i = n - 1; i > 0; i--) {
      dsk.put("x" + i, Task.of(INC, "x" + (i - 1)));
    }
    dsk.put("x0", 0L);
    return dsk;
  }

  @Test
  void chainOfAMillionKeys() {
    Map<Object, Object> dsk = chainTopFirst(CHAIN);
    onSmallStack(() -> {
      Map<Object, Set<Object>> deps = Graphs.dependencies(dsk);
      assertThat(deps).hasSize(CHAIN);
      assertThat(deps.get("x500000")).containsExactly("x499999");
      List<Object> order = Graphs.toposort(dsk);
      assertThat(order).hasSize(CHAIN);
      for (int i = 0; i < CHAIN; i++) {
        if (!order.get(i).equals("x" + i)) {
          throw new AssertionError("position " + i + " holds " + order.get(i));
        }
      }
      assertThat(Graphs.toposort(dsk, deps)).isEqualTo(order);
      Map<Object, Set<Object>> rev = Graphs.dependents(deps);
      assertThat(rev.get("x0")).containsExactly("x1");
      assertThat(rev.get("x" + (CHAIN - 1))).isEmpty();
    });
  }

  @Test
  void cycleOfAMillionKeysIsReportedShortly() {
    Map<Object, Object> dsk = chainTopFirst(CHAIN);
    dsk.put("x0", Task.of(INC, "x" + (CHAIN - 1)));
    onSmallStack(() -> assertThatThrownBy(() -> Graphs.toposort(dsk))
        .isInstanceOf(GraphException.class)
        .hasMessageStartingWith("cycle in the graph: ")
        .hasMessageContaining("more) ->")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(1000)));
  }

  /** [[[...["x"]...]]] nested {@code depth} deep. */
  static Object deepList(int depth, Object leaf) {
    Object v = leaf;
    for (int i = 0; i < depth; i++) {
      List<Object> l = new ArrayList<>(1);
      l.add(v);
      v = l;
    }
    return v;
  }

  static Object innermost(Object v) {
    while (v instanceof List<?> l) {
      v = l.get(0);
    }
    return v;
  }

  @Test
  void valuesNestedAHundredThousandDeep() {
    Object deep = deepList(DEPTH, "x");
    Object deepTask = "x";
    for (int i = 0; i < DEPTH; i++) {
      deepTask = i % 2 == 0 ? Task.of(INC, deepTask) : Task.of(SUM, deepTask);
    }
    Map<Object, Object> dsk = graph("x", 1L, "y", deep, "z", deepTask);
    Object finalDeepTask = deepTask;
    onSmallStack(() -> {
      Map<Object, Set<Object>> deps = Graphs.dependencies(dsk);
      assertThat(deps.get("y")).containsExactly("x");
      assertThat(deps.get("z")).containsExactly("x");
      assertThat(Graphs.toposort(dsk)).startsWith("x");
      Object replaced = Graphs.subs(deep, "x", 42L);
      assertThat(innermost(replaced)).isEqualTo(42L);
      assertThat(innermost(deep)).isEqualTo("x"); // the input is unchanged
      assertThat(Graphs.functionsOf(finalDeepTask))
          .containsExactlyInAnyOrder(INC.functionName(), SUM.functionName());
      assertThat(Graphs.subs(finalDeepTask, "other", 1L)).isSameAs(finalDeepTask);
    });
  }
}

package io.tendril.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Scheduler} keeps, Dask's {@code GetFunctionTestMixin}: extend it and
 * return the scheduler under test. Run here against the synchronous and threaded schedulers, and
 * packaged in the test jar for other implementations.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SchedulerContract {

  /** The scheduler under test. */
  protected abstract Scheduler scheduler();

  protected Object get(Map<?, ?> dsk, Object keys) {
    return scheduler().get(dsk, keys);
  }

  /**
   * Whether tasks run in this JVM, so that a task's function may count its calls in a local
   * variable; a scheduler that runs functions elsewhere returns false and those cases are skipped.
   */
  protected boolean runsInThisProcess() {
    return true;
  }

  /** How long the long chain of tasks is (the chain of aliases is always a million long). */
  protected int longChain() {
    return 1_000_000;
  }

  /** How deep values and nested tasks are nested in the deep-nesting case. */
  protected int deepNesting() {
    return 100_000;
  }

  /**
   * Checks the cause of a {@link TaskFailedException}: here the exception the task threw; a
   * scheduler that runs tasks elsewhere checks its stand-in for it.
   */
  protected void assertCause(Throwable cause, Class<? extends Throwable> type, String message) {
    assertThat(cause).isInstanceOf(type).hasMessage(message);
  }

  private static Map<Object, Object> graph(Object... kv) {
    Map<Object, Object> g = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      g.put(kv[i], kv[i + 1]);
    }
    return g;
  }

  @Test
  void literalAliasAndTask() {
    Map<Object, Object> dsk = graph("x", 1L, "y", Task.of(Ops::inc, "x"), "z", "y", "w", "z");
    assertThat(get(dsk, "x")).isEqualTo(1L);
    assertThat(get(dsk, "y")).isEqualTo(2L);
    assertThat(get(dsk, "z")).isEqualTo(2L);
    assertThat(get(dsk, "w")).isEqualTo(2L);
  }

  @Test
  void nestedKeysGiveTheSameNesting() {
    Map<Object, Object> dsk = graph("x", 1L, "y", Task.of(Ops::inc, "x"), "z", Task.of(Ops::add, "x", "y"));
    assertThat(get(dsk, List.of("x", "y"))).isEqualTo(List.of(1L, 2L));
    assertThat(get(dsk, List.of(List.of("x", List.of("z")), "y", List.of())))
        .isEqualTo(List.of(List.of(1L, List.of(3L)), 2L, List.of()));
    assertThat(get(dsk, List.of())).isEqualTo(List.of());
    assertThat(get(dsk, List.of("z", "z"))).isEqualTo(List.of(3L, 3L));
  }

  @Test
  void tupleKeysCompareByValue() {
    Map<Object, Object> dsk = graph(
        Key.of("x", 0), 10L,
        Key.of("x", 1), Task.of(Ops::inc, Key.of("x", 0L)),
        Key.of("sum", 0, Key.of("nested", 1)), Task.of(Ops::add, Key.of("x", 0), Key.of("x", 1)));
    assertThat(get(dsk, Key.of("x", 1L))).isEqualTo(11L);
    assertThat(get(dsk, Key.of("sum", 0L, Key.of("nested", 1)))).isEqualTo(21L);
    assertThat(Key.of("x", 0, 1)).hasToString("('x', 0, 1)");
  }

  @Test
  void integralKeysCompareByValue() {
    Map<Object, Object> dsk = graph(1, 5L, 2L, Task.of(Ops::inc, 1L), (short) 3, Task.of(Ops::add, 1, 2));
    assertThat(get(dsk, 2)).isEqualTo(6L);
    assertThat(get(dsk, 3L)).isEqualTo(11L);
  }

  @Test
  void argumentsResolveRecursivelyThroughListsAndNestedTasks() {
    Map<Object, Object> dsk = graph(
        "a", 1L,
        "b", 2L,
        "s", Task.of(Ops::sum, List.of("a", "b", Task.of(Ops::inc, "b"), 10L)),
        "n", Task.of(Ops::add, Task.of(Ops::inc, Task.of(Ops::inc, "a")), "b"),
        "l", List.of("a", List.of("b", Task.of(Ops::neg, "a")), "not-a-key"));
    assertThat(get(dsk, "s")).isEqualTo(16L);
    assertThat(get(dsk, "n")).isEqualTo(5L);
    assertThat(get(dsk, "l")).isEqualTo(List.of(1L, List.of(2L, -1L), "not-a-key"));
  }

  @Test
  void listsOfTasksAsValues() {
    Map<Object, Object> dsk = graph(
        "x", 3L, "ys", List.of(Task.of(Ops::inc, "x"), Task.of(Ops::neg, "x")), "t", Task.of(Ops::sum, "ys"));
    assertThat(get(dsk, "ys")).isEqualTo(List.of(4L, -3L));
    assertThat(get(dsk, "t")).isEqualTo(1L);
  }

  @Test
  void stringsThatAreNotKeysAndMapsAreLiterals() {
    Map<String, Object> literal = Map.of("x", "x");
    Map<Object, Object> dsk = graph(
        "x", 1L, "m", literal, "size", Task.of(Ops::size, Map.of("x", 1, "y", 2)),
        "lit", Task.of(Ops::identity, "hello"), "pairs", Task.of(Ops::pair, "x", literal));
    assertThat(get(dsk, "m")).isSameAs(literal);
    assertThat(get(dsk, "size")).isEqualTo(2);
    assertThat(get(dsk, "lit")).isEqualTo("hello");
    assertThat(get(dsk, "pairs")).isEqualTo(List.of(1L, literal));
  }

  @Test
  void everyArity() {
    Map<Object, Object> dsk = graph(
        "zero", Task.of(Ops::fortyTwo),
        "one", Task.of(Ops::inc, "zero"),
        "two", Task.of(Ops::add, "zero", "one"),
        "three", Task.of(Ops::add3, "zero", "one", "two"),
        "four", Task.of(Ops::add4, "zero", "one", "two", "three"),
        "many", Task.ofVarargs(Ops::sumAll, "zero", "one", "two", "three", "four", 1L),
        "lambda", Task.of((Long a, Long b) -> a * b, "zero", 2L));
    assertThat(get(dsk, List.of("zero", "one", "two", "three", "four", "many", "lambda")))
        .isEqualTo(List.of(42L, 43L, 85L, 170L, 340L, 681L, 84L));
  }

  @Test
  void nullResultsAreValues() {
    Map<Object, Object> dsk = graph("x", 1L, "n", Task.of(Ops::nothing, "x"), "p", Task.of(Ops::pair, "n", "x"));
    assertThat(get(dsk, "n")).isNull();
    assertThat(get(dsk, "p")).isEqualTo(Arrays.asList(null, 1L));
  }

  @Test
  void onlyWhatTheKeysNeedIsComputed() {
    assumeTrue(runsInThisProcess(), "counts calls in a local variable");
    AtomicInteger calls = new AtomicInteger();
    Fn1<Long, Long> counted = x -> {
      calls.incrementAndGet();
      return x;
    };
    Map<Object, Object> dsk = graph("x", 1L, "needed", Task.of(counted, "x"), "unneeded", Task.of(counted, "x"));
    assertThat(get(dsk, "needed")).isEqualTo(1L);
    assertThat(calls).hasValue(1);
  }

  @Test
  void sharedDependencyRunsOnce() {
    assumeTrue(runsInThisProcess(), "counts calls in a local variable");
    AtomicInteger calls = new AtomicInteger();
    Fn1<Long, Long> counted = x -> {
      calls.incrementAndGet();
      return x + 1;
    };
    Map<Object, Object> dsk = graph("x", 1L, "shared", Task.of(counted, "x"),
        "a", Task.of(Ops::add, "shared", "shared"), "b", Task.of(Ops::inc, "shared"));
    assertThat(get(dsk, List.of("a", "b", "shared"))).isEqualTo(List.of(4L, 3L, 2L));
    assertThat(calls).hasValue(1);
  }

  @Test
  void failingTaskReportsKeyAndOriginalException() {
    Map<Object, Object> dsk = graph("x", 1L, Key.of("bad", 3), Task.of(Ops::fail, "x"), "after", Task.of(Ops::inc, Key.of("bad", 3)));
    assertThatThrownBy(() -> get(dsk, "after"))
        .isInstanceOf(TaskFailedException.class)
        .satisfies(e -> {
          TaskFailedException t = (TaskFailedException) e;
          assertThat(t.key()).isEqualTo(Key.of("bad", 3));
          assertCause(t.getCause(), java.io.IOException.class, "bad input 1");
          assertThat(t.getMessage()).contains("('bad', 3)").contains("bad input 1");
        });
  }

  @Test
  void failureStopsTheRun() throws Exception {
    assumeTrue(runsInThisProcess(), "counts calls in a local variable");
    // Many independent tasks after a failing one: none may start after get has thrown, and the
    // dependent of the failing task never starts.
    Set<Object> started = ConcurrentHashMap.newKeySet();
    Map<Object, Object> dsk = new LinkedHashMap<>();
    dsk.put("bad", Task.of(Ops::fail, 1L));
    dsk.put("child", Task.of((Long x) -> {
      started.add("child");
      return x;
    }, "bad"));
    List<Object> keys = new ArrayList<>();
    keys.add("child");
    for (int i = 0; i < 2000; i++) {
      Key k = Key.of("slow", i);
      dsk.put(k, Task.of((Long x) -> {
        started.add(x);
        Thread.sleep(1);
        return x;
      }, (long) i));
      keys.add(k);
    }
    assertThatThrownBy(() -> get(dsk, keys)).isInstanceOf(TaskFailedException.class);
    int afterThrow = started.size();
    Thread.sleep(200);
    assertThat(started).hasSize(afterThrow).doesNotContain("child");
    assertThat(afterThrow).isLessThan(2000);
  }

  @Test
  void cycleIsReportedByNameBeforeAnythingRuns() {
    AtomicInteger calls = new AtomicInteger();
    Fn1<Object, Object> counted = x -> {
      calls.incrementAndGet();
      return x;
    };
    Map<Object, Object> dsk = graph("x", 1L, "early", Task.of(counted, "x"),
        "a", Task.of(Ops::pair, "early", "c"), "b", Task.of(Ops::identity, "a"), "c", Task.of(Ops::identity, "b"));
    assertThatThrownBy(() -> get(dsk, "c"))
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("cycle")
        .hasMessageContaining("'a'").hasMessageContaining("'b'").hasMessageContaining("'c'")
        .hasMessageNotContaining("'early'");
    assertThat(calls).hasValue(0);
    assertThatThrownBy(() -> get(graph("self", Task.of(Ops::inc, "self")), "self"))
        .isInstanceOf(GraphException.class).hasMessageContaining("'self' -> 'self'");
    assertThatThrownBy(() -> get(graph("p", "q", "q", "p"), "p"))
        .isInstanceOf(GraphException.class).hasMessageContaining("cycle");
  }

  @Test
  void missingKeysAreReportedByName() {
    Map<Object, Object> dsk = graph("x", 1L, "y", Task.of(Ops::inc, Key.of("x", 9)));
    assertThatThrownBy(() -> get(dsk, "nope"))
        .isInstanceOf(GraphException.class).hasMessageContaining("'nope' is not a key in the graph");
    assertThatThrownBy(() -> get(dsk, List.of("x", List.of(Key.of("z", 1)))))
        .isInstanceOf(GraphException.class).hasMessageContaining("('z', 1) is not a key in the graph");
    assertThatThrownBy(() -> get(dsk, "y"))
        .isInstanceOf(GraphException.class).hasMessageContaining("('x', 9)").hasMessageContaining("'y'");
  }

  @Test
  void misuseSaysWhatToDo() {
    assertThatThrownBy(() -> get(null, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("graph is null").hasMessageContaining("Map");
    Map<Object, Object> taskKey = new HashMap<>();
    taskKey.put(Task.of(Ops::inc, 1L), 1L);
    assertThatThrownBy(() -> get(taskKey, "x"))
        .isInstanceOf(GraphException.class).hasMessageContaining("a Task cannot be a key").hasMessageContaining("Key.of");
    Map<Object, Object> doubleKey = new HashMap<>();
    doubleKey.put(1.5, 1L);
    assertThatThrownBy(() -> get(doubleKey, 1.5))
        .isInstanceOf(GraphException.class).hasMessageContaining("Double").hasMessageContaining("cannot be a key");
    assertThatThrownBy(() -> get(graph("x", 1L), Task.of(Ops::inc, "x")))
        .isInstanceOf(GraphException.class).hasMessageContaining("Task was requested");
    assertThatThrownBy(() -> get(graph("x", 1L), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys");
    Map<Object, Object> twice = new LinkedHashMap<>();
    twice.put(1, 1L);
    twice.put(1L, 2L);
    assertThatThrownBy(() -> get(twice, 1)).isInstanceOf(GraphException.class).hasMessageContaining("twice");
  }

  @Test
  void emptyGraph() {
    assertThat(get(Map.of(), List.of())).isEqualTo(List.of());
    assertThatThrownBy(() -> get(Map.of(), "x")).isInstanceOf(GraphException.class).hasMessageContaining("empty");
  }

  @Test
  void wideGraphSum() {
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> chunks = new ArrayList<>();
    for (int c = 0; c < 50; c++) {
      List<Object> parts = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Key k = Key.of("inc", c * 200 + i);
        dsk.put(k, Task.of(Ops::inc, (long) (c * 200 + i)));
        parts.add(k);
      }
      dsk.put(Key.of("chunk", c), Task.of(Ops::sum, parts));
      chunks.add(Key.of("chunk", c));
    }
    dsk.put("total", Task.of(Ops::sum, chunks));
    assertThat(get(dsk, "total")).isEqualTo(10_000L * 10_001L / 2);
  }

  @Test
  void treeReduction() {
    Map<Object, Object> dsk = new HashMap<>();
    int leaves = 1024;
    for (int i = 0; i < leaves; i++) {
      dsk.put(Key.of("t", 0, i), Task.of(Ops::inc, (long) i));
    }
    int level = 0;
    for (int width = leaves; width > 1; width /= 2, level++) {
      for (int i = 0; i < width / 2; i++) {
        dsk.put(Key.of("t", level + 1, i), Task.of(Ops::add, Key.of("t", level, 2 * i), Key.of("t", level, 2 * i + 1)));
      }
    }
    assertThat(get(dsk, Key.of("t", level, 0))).isEqualTo((long) leaves * (leaves + 1) / 2);
  }

  @Test
  void chainOfAMillionKeysDoesNotOverflowTheStack() {
    int chain = longChain();
    Map<Object, Object> dsk = new HashMap<>(2 * chain);
    dsk.put(Key.of("c", 0), 0L);
    for (int i = 1; i <= chain; i++) {
      dsk.put(Key.of("c", i), Task.of(Ops::inc, Key.of("c", i - 1)));
    }
    assertThat(get(dsk, Key.of("c", chain))).isEqualTo((long) chain);
    int n = 1_000_000;
    // The same chain made of aliases.
    Map<Object, Object> aliases = new HashMap<>(2 * n);
    aliases.put(0, "end");
    for (int i = 1; i <= n; i++) {
      aliases.put(i, i - 1);
    }
    assertThat(get(aliases, n)).isEqualTo("end");
  }

  @Test
  void valuesNestedAHundredThousandDeep() {
    int depth = deepNesting();
    Object nested = "x";
    for (int i = 0; i < depth; i++) {
      nested = List.of(nested);
    }
    Object deepTask = "x";
    for (int i = 0; i < depth; i++) {
      deepTask = Task.of(Ops::inc, deepTask);
    }
    Map<Object, Object> dsk = graph("x", 7L, "lists", nested, "tasks", deepTask, "arg", Task.of(Ops::identity, nested));
    Object result = get(dsk, List.of("lists", "tasks", "arg"));
    List<?> r = (List<?>) result;
    for (Object lists : List.of(r.get(0), r.get(2))) {
      Object cur = lists;
      int levels = 0;
      while (cur instanceof List<?> l) {
        assertThat(l).hasSize(1);
        cur = l.get(0);
        levels++;
      }
      assertThat(levels).isEqualTo(depth);
      assertThat(cur).isEqualTo(7L);
    }
    assertThat(r.get(1)).isEqualTo(7L + depth);
  }

  @Test
  void requestedKeysNestedDeep() {
    Object keys = "x";
    for (int i = 0; i < 100_000; i++) {
      keys = List.of(keys);
    }
    Object cur = get(graph("x", 1L), keys);
    int levels = 0;
    while (cur instanceof List<?> l) {
      cur = l.get(0);
      levels++;
    }
    assertThat(levels).isEqualTo(100_000);
    assertThat(cur).isEqualTo(1L);
  }

  @Test
  void graphIsNotModified() {
    Map<Object, Object> dsk = graph("x", 1L, "y", Task.of(Ops::inc, "x"));
    Map<Object, Object> copy = new LinkedHashMap<>(dsk);
    get(dsk, "y");
    assertThat(dsk).isEqualTo(copy);
  }

  @Test
  void delayedValuesComputeOnThisScheduler() {
    Delayed<Long> x = Delayed.call(Ops::inc, 1L);
    Delayed<Long> z = Delayed.call(Ops::add, x, Delayed.value(10L));
    assertThat(z.compute(scheduler())).isEqualTo(12L);
    try (var scope = Schedulers.use(scheduler())) {
      assertThat(z.compute()).isEqualTo(12L);
      assertThat(Delayed.computeAll(x, z)).containsExactly(2L, 12L);
    }
  }
}

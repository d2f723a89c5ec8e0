package io.tendril.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delayed values build graphs from ordinary calls and compute them on any scheduler. */
class DelayedTest {

  static int myadd(int x, int y) {
    return x + y;
  }

  static int inc(int x) {
    return x + 1;
  }

  @AfterEach
  void resetDefault() {
    Schedulers.setDefault(null);
  }

  @Test
  void callAndComputeLikeTheDaskExample() {
    Delayed<Integer> z = Delayed.call(DelayedTest::myadd, 1, 2);
    int result = z.compute();
    assertThat(result).isEqualTo(3);
    assertThat(z.key()).startsWith("myadd-");
    assertThat(z.graph()).containsOnlyKeys(z.key());
    Task task = (Task) z.graph().get(z.key());
    assertThat(task.name()).isEqualTo(DelayedTest.class.getName() + "::myadd");
    assertThat(task.args()).containsExactly(1, 2);
  }

  @Test
  void delayedArgumentsAndListsOfThem() {
    Delayed<Integer> a = Delayed.call(DelayedTest::inc, 1);
    Delayed<Integer> b = Delayed.call(DelayedTest::inc, a);
    List<Object> parts = new ArrayList<>();
    parts.add(a);
    parts.add(List.of(b, 100));
    Delayed<Long> total = Delayed.call(DelayedTest::deepSum, parts);
    assertThat(total.compute(Schedulers.sync())).isEqualTo(2L + 3L + 100L);
    Map<Object, Object> g = total.graph();
    assertThat(g).containsOnlyKeys(a.key(), b.key(), total.key());
    assertThat(new ArrayList<>(g.keySet())).containsExactly(a.key(), b.key(), total.key());
    assertThat(total.dependencies()).containsExactly(a, b);
  }

  static long deepSum(List<?> xs) {
    long s = 0;
    for (Object x : xs) {
      s += x instanceof List<?> l ? deepSum(l) : ((Number) x).longValue();
    }
    return s;
  }

  @Test
  void computeAllSharesWork() {
    AtomicInteger calls = new AtomicInteger();
    Delayed<Integer> shared = Delayed.call((Integer x) -> {
      calls.incrementAndGet();
      return x * 10;
    }, 4);
    Delayed<Integer> p = Delayed.call(DelayedTest::inc, shared);
    Delayed<Integer> q = shared.then(DelayedTest::inc).then(DelayedTest::inc);
    assertThat(Delayed.computeAll(p, q, shared)).containsExactly(41, 42, 40);
    assertThat(calls).hasValue(1);
  }

  @Test
  void scopedAndGlobalDefaults() {
    List<Object> used = new ArrayList<>();
    Scheduler recording = (dsk, keys) -> {
      used.add("recording");
      return Schedulers.sync().get(dsk, keys);
    };
    Delayed<Integer> z = Delayed.call(DelayedTest::myadd, 1, 2);
    assertThat(Schedulers.current()).isSameAs(Schedulers.threaded());
    try (var scope = Schedulers.use(recording)) {
      assertThat(z.compute()).isEqualTo(3);
      try (var inner = Schedulers.use(Schedulers.sync())) {
        assertThat(Schedulers.current()).isSameAs(Schedulers.sync());
      }
      assertThat(Schedulers.current()).isSameAs(recording);
    }
    assertThat(used).hasSize(1);
    assertThat(Schedulers.current()).isSameAs(Schedulers.threaded());
    Schedulers.setDefault(recording);
    assertThat(z.compute()).isEqualTo(3);
    assertThat(used).hasSize(2);
  }

  @Test
  void deepDelayedChainBuildsWithoutRecursion() {
    Delayed<Integer> d = Delayed.value(0);
    for (int i = 0; i < 100_000; i++) {
      d = d.then(DelayedTest::inc);
    }
    assertThat(d.compute(Schedulers.sync())).isEqualTo(100_000);
  }

  @Test
  void failuresNameTheDelayedKey() {
    Delayed<Integer> bad = Delayed.call((Integer x) -> x / 0, 1);
    assertThatThrownBy(() -> bad.compute(Schedulers.sync()))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining(bad.key())
        .hasCauseInstanceOf(ArithmeticException.class);
  }

  @Test
  void misuseSaysWhatToDo() {
    Delayed<Integer> a = Delayed.value(1);
    assertThatThrownBy(() -> Delayed.call(DelayedTest::inc, Map.of("k", a)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maps are literals");
    assertThatThrownBy(() -> Delayed.call(DelayedTest::inc, Task.of(DelayedTest::inc, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Task");
    assertThatThrownBy(() -> a.compute(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheduler is null");
  }
}

package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ready calls of a graph run come out highest priority first, equal priorities in arrival order. */
class ReadyCallsTest {

  @Test
  void highestPriorityFirstThenInTheOrderTheyBecameReady() {
    ReadyCalls r = new ReadyCalls();
    r.add(1, 0);
    r.add(2, 5);
    r.add(3, 0);
    r.add(4, 5);
    r.add(5, -2);
    assertThat(r.size()).isEqualTo(5);
    assertThat(r.topPriority()).isEqualTo(5.0);
    assertThat(r.peek()).isEqualTo(2);
    List<Integer> out = new ArrayList<>();
    while (!r.isEmpty()) {
      out.add(r.poll());
    }
    assertThat(out).containsExactly(2, 4, 1, 3, 5);
    assertThat(r.size()).isZero();
  }

  @Test
  void negativeAndPositiveZeroAreOnePriority() {
    ReadyCalls r = new ReadyCalls();
    r.add(1, -0.0);
    r.add(2, 0.0);
    r.add(3, -0.0);
    assertThat(List.of(r.poll(), r.poll(), r.poll())).containsExactly(1, 2, 3);
  }

  @Test
  void anEmptyQueueSaysSo() {
    ReadyCalls r = new ReadyCalls();
    assertThat(r.isEmpty()).isTrue();
    assertThatThrownBy(r::poll).isInstanceOf(NoSuchElementException.class).hasMessageContaining("no call is ready");
    assertThatThrownBy(r::peek).isInstanceOf(NoSuchElementException.class).hasMessageContaining("no call is ready");
    assertThatThrownBy(r::topPriority).isInstanceOf(NoSuchElementException.class);
  }

  /** Against a heap ordered the same way, with rings that grow and wrap while calls come and go. */
  @Test
  void agreesWithAHeapOverRandomInterleavedAddsAndPolls() {
    Random random = new Random(42);
    ReadyCalls r = new ReadyCalls();
    PriorityQueue<long[]> heap = new PriorityQueue<>(Comparator.<long[]>comparingLong(e -> -e[1])
        .thenComparingLong(e -> e[2]));
    long seq = 0;
    int next = 0;
    for (int step = 0; step < 200_000; step++) {
      if (heap.isEmpty() || random.nextInt(100) < 55) {
        long priority = random.nextInt(4) == 0 ? random.nextInt(1000) : random.nextInt(3);
        r.add(next, priority);
        heap.add(new long[] {next++, priority, seq++});
      } else {
        assertThat(r.peek()).isEqualTo((int) heap.peek()[0]);
        assertThat(r.topPriority()).isEqualTo((double) heap.peek()[1]);
        assertThat(r.poll()).as("step %d", step).isEqualTo((int) heap.poll()[0]);
      }
      assertThat(r.size()).isEqualTo(heap.size());
    }
    while (!heap.isEmpty()) {
      assertThat(r.poll()).isEqualTo((int) heap.poll()[0]);
    }
    assertThat(r.isEmpty()).isTrue();
  }
}

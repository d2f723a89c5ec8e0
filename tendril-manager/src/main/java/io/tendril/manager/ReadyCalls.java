package io.tendril.manager;

import java.util.Map;
import java.util.TreeMap;

/**
 * The calls of a graph run whose inputs exist and that are not yet submitted: highest priority
 * first, and among equal priorities in the order they became ready. Calls of one priority share a
 * first-in first-out ring of entry ids, so the common case — thousands of leaves of one priority —
 * costs a constant time per call rather than a heap's logarithm of comparisons. Not thread-safe:
 * a run's caller thread owns it.
 */
final class ReadyCalls {
  /** Rings by priority; a priority's ring is removed when it empties. */
  private final TreeMap<Double, IntRing> byPriority = new TreeMap<>();
  private int size;

  /** Adds an entry at a priority, after those already there at that priority. */
  void add(int id, double priority) {
    // -0.0 and 0.0 compare apart in a TreeMap of Doubles but are one priority.
    Double key = priority == 0 ? 0.0 : priority;
    IntRing ring = byPriority.get(key);
    if (ring == null) {
      ring = new IntRing();
      byPriority.put(key, ring);
    }
    ring.add(id);
    size++;
  }

  /** Whether no call is ready. */
  boolean isEmpty() {
    return size == 0;
  }

  /** How many calls are ready. */
  int size() {
    return size;
  }

  /**
   * The highest priority among the ready calls.
   *
   * @throws java.util.NoSuchElementException if none is ready
   */
  double topPriority() {
    return byPriority.lastKey();
  }

  /**
   * The entry that {@link #poll} would return, without removing it.
   *
   * @throws java.util.NoSuchElementException if none is ready
   */
  int peek() {
    return top().getValue().first();
  }

  /**
   * Removes and returns the entry of highest priority that became ready first.
   *
   * @throws java.util.NoSuchElementException if none is ready
   */
  int poll() {
    Map.Entry<Double, IntRing> top = top();
    int id = top.getValue().removeFirst();
    if (top.getValue().isEmpty()) {
      byPriority.remove(top.getKey());
    }
    size--;
    return id;
  }

  private Map.Entry<Double, IntRing> top() {
    Map.Entry<Double, IntRing> top = byPriority.lastEntry();
    if (top == null) {
      throw new java.util.NoSuchElementException("no call is ready");
    }
    return top;
  }

  /** A growable first-in first-out ring of ints. */
  private static final class IntRing {
    private int[] items = new int[8];
    private int head;
    private int count;

    void add(int id) {
      if (count == items.length) {
        int[] bigger = new int[items.length * 2];
        for (int i = 0; i < count; i++) {
          bigger[i] = items[(head + i) % items.length];
        }
        items = bigger;
        head = 0;
      }
      items[(head + count) % items.length] = id;
      count++;
    }

    int first() {
      return items[head];
    }

    int removeFirst() {
      int id = items[head];
      head = (head + 1) % items.length;
      count--;
      return id;
    }

    boolean isEmpty() {
      return count == 0;
    }
  }
}

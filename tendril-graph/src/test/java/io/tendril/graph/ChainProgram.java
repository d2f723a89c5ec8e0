package io.tendril.graph;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A program run in a child JVM with a small heap by {@link MemoryReleaseTest}: a chain of tasks
 * where each result is a fresh kilobyte array, so a scheduler that kept every intermediate result
 * would need about a gigabyte for a million tasks.
 *
 * <p>The graph is a {@link Map} that makes its entries when asked (as a graph read from a stream
 * would), so the heap measures the scheduler rather than a million map entries.
 *
 * <p>Arguments: the number of tasks, {@code sync} or {@code threaded}, and {@code last} (request
 * the last key) or {@code all} (request every key, which must not fit).
 */
public final class ChainProgram {
  private ChainProgram() {}

  static long[] step(long[] previous) {
    long[] next = new long[128];
    next[0] = previous[0] + 1;
    return next;
  }

  /** Keys 0..n; key 0 is a literal array and key i applies {@link #step} to key i - 1. */
  static final class ChainGraph extends AbstractMap<Object, Object> {
    private final int n;

    ChainGraph(int n) {
      this.n = n;
    }

    @Override
    public Object get(Object key) {
      if (!(key instanceof Integer i) || i < 0 || i > n) {
        return null;
      }
      return i == 0 ? new long[128] : Task.of(ChainProgram::step, i - 1);
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public int size() {
      return n + 1;
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return n + 1;
        }

        @Override
        public Iterator<Entry<Object, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next <= n;
            }

            @Override
            public Entry<Object, Object> next() {
              int k = next++;
              return new SimpleImmutableEntry<>(k, ChainGraph.this.get(k));
            }
          };
        }
      };
    }
  }

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    Scheduler scheduler = args[1].equals("sync") ? Schedulers.sync() : Schedulers.threaded();
    Object keys;
    if (args[2].equals("all")) {
      List<Object> all = new ArrayList<>();
      for (int i = 0; i <= n; i++) {
        all.add(i);
      }
      keys = all;
    } else {
      keys = n;
    }
    Object result = scheduler.get(new ChainGraph(n), keys);
    long last = result instanceof long[] a ? a[0] : ((long[]) ((List<?>) result).get(n))[0];
    System.out.println("last=" + last);
  }
}

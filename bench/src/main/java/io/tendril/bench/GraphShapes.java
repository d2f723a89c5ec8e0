package io.tendril.bench;

import io.tendril.graph.Key;
import io.tendril.graph.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three graph shapes of the side-by-side benchmark, built exactly as {@code bench/dask_local.py}
 * builds them for Dask: tuple keys {@code ('inc', i)}, {@code ('sum', j)}, {@code ('add', level,
 * j)} and the string key {@code "total"}.
 *
 * <p>Integer literals are passed as {@code Long}. No graph has an integral key, so a literal is
 * never taken for a reference (integral keys compare by value).
 *
 * <ul>
 *   <li>{@link #wide}: {@code n} {@code inc} tasks summed in chunks, then summed once more.
 *   <li>{@link #chain}: {@code n} {@code inc} tasks in a line.
 *   <li>{@link #tree}: {@code n} {@code inc} leaves (a power of two) reduced pairwise with {@code
 *       add}.
 * </ul>
 */
public final class GraphShapes {
  private GraphShapes() {}

  /**
   * A built graph, the key to request, the number of tasks and the result the graph must give.
   *
   * @param name the shape's name: wide, chain or tree
   * @param graph the graph
   * @param target the key to request
   * @param tasks how many tasks the graph holds (all of them are needed by {@code target})
   * @param expected the correct result, computed in closed form
   */
  public record Shape(String name, Map<Object, Object> graph, Object target, int tasks, long expected) {}

  /** Dask's {@code inc}. */
  public static long inc(long x) {
    return x + 1;
  }

  /** Dask's {@code add}. */
  public static long add(long x, long y) {
    return x + y;
  }

  /** Python's built-in {@code sum} over a list of numbers. */
  public static long sum(List<?> xs) {
    long s = 0;
    for (Object x : xs) {
      s += (Long) x;
    }
    return s;
  }

  /**
   * {@code n} {@code inc} tasks, summed in chunks of {@code chunk} keys (each {@code sum} task
   * takes one list of keys), then the chunk sums summed by one task under {@code "total"}.
   *
   * @param n the number of inc tasks, a multiple of {@code chunk}
   * @param chunk keys per sum task
   * @return the shape, {@code n + n / chunk + 1} tasks
   */
  public static Shape wide(int n, int chunk) {
    if (n % chunk != 0) {
      throw new IllegalArgumentException("n (" + n + ") must be a multiple of chunk (" + chunk + ")");
    }
    int sums = n / chunk;
    Map<Object, Object> dsk = new LinkedHashMap<>(2 * (n + sums + 1));
    for (int i = 0; i < n; i++) {
      dsk.put(Key.of("inc", i), Task.of(GraphShapes::inc, (long) i));
    }
    List<Object> sumKeys = new ArrayList<>(sums);
    for (int j = 0; j < sums; j++) {
      List<Object> part = new ArrayList<>(chunk);
      for (int i = j * chunk; i < (j + 1) * chunk; i++) {
        part.add(Key.of("inc", i));
      }
      Key k = Key.of("sum", j);
      dsk.put(k, Task.of(GraphShapes::sum, part));
      sumKeys.add(k);
    }
    dsk.put("total", Task.of(GraphShapes::sum, sumKeys));
    // sum of (i + 1) for i in [0, n)
    return new Shape("wide", dsk, "total", n + sums + 1, (long) n * (n + 1) / 2);
  }

  /**
   * {@code n} {@code inc} tasks in a line: {@code ('inc', 0) = inc(0)}, {@code ('inc', i) =
   * inc(('inc', i - 1))}.
   *
   * @param n the length
   * @return the shape, {@code n} tasks, result {@code n}
   */
  public static Shape chain(int n) {
    Map<Object, Object> dsk = new LinkedHashMap<>(2 * n);
    dsk.put(Key.of("inc", 0), Task.of(GraphShapes::inc, 0L));
    for (int i = 1; i < n; i++) {
      dsk.put(Key.of("inc", i), Task.of(GraphShapes::inc, Key.of("inc", i - 1)));
    }
    return new Shape("chain", dsk, Key.of("inc", n - 1), n, n);
  }

  /**
   * {@code n} {@code inc} leaves reduced pairwise: level 0 is {@code ('inc', i)}, level {@code l
   * >= 1} is {@code ('add', l, j) = add(left, right)} of two entries of the level below.
   *
   * @param n the number of leaves, a power of two
   * @return the shape, {@code 2n - 1} tasks
   */
  public static Shape tree(int n) {
    if (n < 2 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("n (" + n + ") must be a power of two >= 2");
    }
    Map<Object, Object> dsk = new LinkedHashMap<>(4 * n);
    List<Object> level = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Key k = Key.of("inc", i);
      dsk.put(k, Task.of(GraphShapes::inc, (long) i));
      level.add(k);
    }
    int depth = 0;
    while (level.size() > 1) {
      depth++;
      List<Object> next = new ArrayList<>(level.size() / 2);
      for (int j = 0; j < level.size() / 2; j++) {
        Key k = Key.of("add", depth, j);
        dsk.put(k, Task.of(GraphShapes::add, level.get(2 * j), level.get(2 * j + 1)));
        next.add(k);
      }
      level = next;
    }
    return new Shape("tree", dsk, level.get(0), 2 * n - 1, (long) n * (n + 1) / 2);
  }

  /**
   * The shape of the side-by-side benchmark by name, at its standard size.
   *
   * @param name wide, chain or tree
   * @return the shape: wide 100,000 inc + 100 sums of 1,000 + 1 (100,101 tasks); chain of
   *     100,000; tree of 65,536 leaves (131,071 tasks)
   */
  public static Shape standard(String name) {
    return switch (name) {
      case "wide" -> wide(100_000, 1_000);
      case "chain" -> chain(100_000);
      case "tree" -> tree(65_536);
      default -> throw new IllegalArgumentException("unknown shape " + name + ": wide, chain or tree");
    };
  }
}

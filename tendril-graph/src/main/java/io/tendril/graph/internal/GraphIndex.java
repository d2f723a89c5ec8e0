package io.tendril.graph.internal;

import io.tendril.graph.Keys;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Owns the array form of a graph that the graph utilities and optimizations work on: the keys as
 * the graph holds them, the values, and an index from canonical key to position (its id, in the
 * graph's iteration order). Dependencies are arrays of ids. Filled by {@code Graphs.index}, which
 * checks the keys; read by {@link DependencyMaps}, {@link Toposorter}, {@link Culler}, {@link
 * Inliner} and {@link LinearFuser}.
 */
public final class GraphIndex {
  static final int[] NO_IDS = new int[0];

  final int n;
  final Object[] keys;
  final Object[] values;
  private final KeyIndex table;

  /**
   * Creates an empty index for a graph of {@code n} entries, to be filled by {@link #add}.
   *
   * @param n the number of entries of the graph
   */
  public GraphIndex(int n) {
    this.n = n;
    this.keys = new Object[n];
    this.values = new Object[n];
    this.table = new KeyIndex(n);
  }

  /**
   * Adds the next entry of the graph.
   *
   * @param key the key as the graph holds it; must be a key ({@code Keys.isKey})
   * @param value its value
   * @return the new id, or {@code -1 - existingId} when the graph already holds an equal key
   *     (integral keys compare by value)
   */
  public int add(Object key, Object value) {
    int id = table.add(Keys.normalize(key));
    if (id >= 0) {
      keys[id] = key;
      values[id] = value;
    }
    return id;
  }

  /**
   * The key at a position, as the graph holds it.
   *
   * @param id a position
   * @return the key
   */
  public Object key(int id) {
    return keys[id];
  }

  /**
   * The position of a key (any integral type).
   *
   * @param key any value
   * @return its position, or -1 when the graph lacks it or it is not a key
   */
  public int id(Object key) {
    return Keys.isKey(key) ? table.get(Keys.normalize(key)) : -1;
  }

  /** The position of a key already in canonical form, or -1. */
  int idOfCanonical(Object canonical) {
    return table.get(canonical);
  }

  Object canonical(int id) {
    return Keys.normalize(keys[id]);
  }

  Scanner scanner() {
    return new Scanner();
  }

  /** The dependencies read from every value. */
  int[][] actualDependencies() {
    int[][] deps = new int[n][];
    Scanner s = scanner();
    for (int i = 0; i < n; i++) {
      deps[i] = s.scan(values[i]);
    }
    return deps;
  }

  /**
   * Marks the positions of some keys: one key or collections nested to any depth; keys the graph
   * lacks are ignored, and null marks none.
   */
  boolean[] marks(Object keys) {
    boolean[] marked = new boolean[n];
    if (keys != null) {
      for (Object k : FlatKeys.of(keys)) {
        int id = id(k);
        if (id >= 0) {
          marked[id] = true;
        }
      }
    }
    return marked;
  }

  /** An unmodifiable set of the keys at some positions. */
  Set<Object> keySet(int[] ids) {
    Object[] items = new Object[ids.length];
    for (int i = 0; i < ids.length; i++) {
      items[i] = keys[ids[i]];
    }
    return new KeySet(items);
  }

  /** A new graph of these keys with other values, leaving out the positions marked in skip. */
  Map<Object, Object> toMap(Object[] newValues, boolean[] skip) {
    Map<Object, Object> out = LinkedHashMap.newLinkedHashMap(n);
    for (int i = 0; i < n; i++) {
      if (skip == null || !skip[i]) {
        out.put(keys[i], newValues[i]);
      }
    }
    return out;
  }

  /** Reads the distinct dependencies of values, in order of first reference; reusable. */
  final class Scanner {
    private final ValueWalker walker = new ValueWalker();
    private final int[] seen = new int[n];
    private final Consumer<Object> onKey = this::accept;
    private int round;
    private int[] buf = new int[8];
    private int count;

    int[] scan(Object value) {
      round++;
      count = 0;
      walker.walk(value, onKey);
      return count == 0 ? NO_IDS : Arrays.copyOf(buf, count);
    }

    private void accept(Object canonical) {
      int d = table.get(canonical);
      if (d >= 0 && seen[d] != round) {
        seen[d] = round;
        if (count == buf.length) {
          buf = Arrays.copyOf(buf, count * 2);
        }
        buf[count++] = d;
      }
    }
  }
}

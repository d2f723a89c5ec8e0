package io.tendril.graph.internal;

import io.tendril.graph.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Owns dependency maps, from each key to the keys it depends on (or to those that depend on it):
 * reading them from a graph's values, turning one given by a caller into arrays of positions, and
 * reversing them (Dask's {@code reverse_dict}). Called by {@code Graphs.dependencies} and {@code
 * Graphs.dependents}, and, for given dependencies, by {@link Toposorter}, {@link Inliner} and
 * {@link LinearFuser}.
 */
public final class DependencyMaps {
  private DependencyMaps() {}

  /**
   * The dependencies of every key of a graph, read from the values.
   *
   * @param g the graph
   * @return a new map in the graph's order, from each key to the unmodifiable set of its
   *     dependencies
   */
  public static Map<Object, Set<Object>> of(GraphIndex g) {
    int[][] deps = g.actualDependencies();
    Map<Object, Set<Object>> out = LinkedHashMap.newLinkedHashMap(g.n);
    for (int i = 0; i < g.n; i++) {
      out.put(g.keys[i], g.keySet(deps[i]));
    }
    return out;
  }

  /**
   * The keys of a graph that a value refers to, without building an index of the graph.
   *
   * @param dsk the graph
   * @param value a value, typically of a key of {@code dsk}
   * @return an unmodifiable set of keys as the graph holds them, ordered by first reference
   */
  public static Set<Object> ofValue(Map<?, ?> dsk, Object value) {
    List<Object> found = new ArrayList<>();
    Set<Object> seen = new HashSet<>();
    new ValueWalker().walk(value, k -> {
      if (seen.add(k)) {
        Object dep = ownKey(dsk, k);
        if (dep != null) {
          found.add(dep);
        }
      }
    });
    return new KeySet(found.toArray());
  }

  /**
   * The graph's own key object equal to a key (integral keys by value). Looks the key up under
   * each integral type, so no index of the graph is built.
   *
   * @param dsk the graph
   * @param key any value
   * @return the key as the graph holds it, or null when the graph lacks it or it is not a key
   */
  public static Object ownKey(Map<?, ?> dsk, Object key) {
    if (!Keys.isKey(key)) {
      return null;
    }
    Object c = Keys.normalize(key);
    if (contains(dsk, key)) {
      return key;
    }
    if (c instanceof Long l) {
      if (c != key && contains(dsk, c)) {
        return c;
      }
      long v = l;
      if (v == (int) v && !(key instanceof Integer) && contains(dsk, (int) v)) {
        return (int) v;
      }
      if (v == (short) v && !(key instanceof Short) && contains(dsk, (short) v)) {
        return (short) v;
      }
      if (v == (byte) v && !(key instanceof Byte) && contains(dsk, (byte) v)) {
        return (byte) v;
      }
    }
    return null;
  }

  private static boolean contains(Map<?, ?> dsk, Object key) {
    try {
      return dsk.containsKey(key);
    } catch (ClassCastException | NullPointerException e) {
      return false;
    }
  }

  /**
   * Reverses a dependency map: for each key, the keys that depend on it, Dask's {@code
   * reverse_dict}. Every key of {@code dependencies}, and every key that appears only as a
   * dependency, is in the result.
   *
   * @param dependencies a map from each key to its dependencies
   * @return a new map from each key to the unmodifiable set of its dependents, in first-seen order
   */
  public static Map<Object, Set<Object>> dependents(Map<?, ? extends Collection<?>> dependencies) {
    if (dependencies == null) {
      throw new IllegalArgumentException(
          "dependencies is null: pass a map from keys to their dependencies, e.g. Graphs.dependencies(dsk)");
    }
    final class Entry {
      final Object key;
      final int number;
      final List<Object> readers = new ArrayList<>(2);
      int lastReader = -1;

      Entry(Object key, int number) {
        this.key = key;
        this.number = number;
      }
    }
    Map<Object, Entry> entries = LinkedHashMap.newLinkedHashMap(dependencies.size());
    Function<Object, Entry> entry =
        k -> entries.computeIfAbsent(Keys.normalize(k), c -> new Entry(k, entries.size()));
    for (Map.Entry<?, ? extends Collection<?>> e : dependencies.entrySet()) {
      Entry reader = entry.apply(e.getKey());
      Collection<?> deps = e.getValue();
      if (deps == null) {
        continue;
      }
      for (Object d : deps) {
        Entry dep = entry.apply(d);
        if (dep.lastReader != reader.number) {
          dep.lastReader = reader.number;
          dep.readers.add(reader.key);
        }
      }
    }
    Map<Object, Set<Object>> out = LinkedHashMap.newLinkedHashMap(entries.size());
    for (Entry e : entries.values()) {
      out.put(e.key, new KeySet(e.readers.toArray()));
    }
    return out;
  }

  /**
   * Dependencies given by a caller, as positions; null reads all from the values. Entries for keys
   * the graph lacks and dependencies the graph lacks are ignored; keys without an entry are read
   * from their values.
   */
  static int[][] positions(GraphIndex g, Map<?, ? extends Collection<?>> given) {
    if (given == null) {
      return g.actualDependencies();
    }
    int n = g.n;
    int[][] deps = new int[n][];
    int[] seen = new int[n];
    int round = 0;
    int[] buf = new int[8];
    for (Map.Entry<?, ? extends Collection<?>> e : given.entrySet()) {
      int id = g.id(e.getKey());
      Collection<?> ds = e.getValue();
      if (id < 0 || ds == null) {
        continue;
      }
      round++;
      int count = 0;
      if (deps[id] != null) { // the same key given twice, as 1 and 1L: merge
        for (int d : deps[id]) {
          seen[d] = round;
          if (count == buf.length) {
            buf = Arrays.copyOf(buf, count * 2);
          }
          buf[count++] = d;
        }
      }
      for (Object k : ds) {
        int d = g.id(k);
        if (d >= 0 && seen[d] != round) {
          seen[d] = round;
          if (count == buf.length) {
            buf = Arrays.copyOf(buf, count * 2);
          }
          buf[count++] = d;
        }
      }
      deps[id] = count == 0 ? GraphIndex.NO_IDS : Arrays.copyOf(buf, count);
    }
    GraphIndex.Scanner s = null;
    for (int i = 0; i < n; i++) {
      if (deps[i] == null) {
        if (s == null) {
          s = g.scanner();
        }
        deps[i] = s.scan(g.values[i]);
      }
    }
    return deps;
  }
}

package io.tendril.graph;

import io.tendril.graph.internal.DependencyMaps;
import io.tendril.graph.internal.GraphIndex;
import io.tendril.graph.internal.Substitution;
import io.tendril.graph.internal.Toposorter;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Owns the pure utilities that read a task graph without running it, Dask's {@code dask.core}: the
 * keys a value refers to ({@link #dependencies(Map)}, Dask's {@code get_dependencies}), who reads a
 * key ({@link #dependents}, Dask's {@code reverse_dict}), an order that puts dependencies first
 * ({@link #toposort(Map)}), substituting a key inside a value ({@link #subs}) and the functions a
 * value calls ({@link #functionsOf}).
 *
 * <p>Values are read with the graph's own semantics: a value refers to a key of the graph when it
 * is that key (an alias), or when the key appears as an argument of a task, of a nested task or
 * inside a list, at any depth. Maps and other literals are not looked into. A string or a number
 * that is not a key of the graph is a literal, and so is a tuple {@link Key} the graph lacks (the
 * schedulers report the latter when the graph runs; these utilities do not). Integral keys compare
 * by value, so an argument {@code 1} refers to the key {@code 1L}.
 *
 * <p>Keys are returned as the graph holds them (the objects of its key set), so {@code
 * dsk.get(k)} works for every returned key. Dependency sets are unmodifiable, ordered by first
 * reference and compare integral keys by value.
 *
 * <p>Every method is iterative: values nested 10<sup>5</sup> deep and chains of 10<sup>6</sup> keys
 * do not overflow the stack. No method changes its arguments.
 */
public final class Graphs {
  private Graphs() {}

  /**
   * The dependencies of every key of a graph: for each key, the keys of the graph its value refers
   * to. Dask's {@code {k: get_dependencies(dsk, k) for k in dsk}}.
   *
   * @param dsk the graph
   * @return a new map in the graph's iteration order, from each key to the unmodifiable set of its
   *     dependencies (empty for literals)
   * @throws GraphException if a key of the graph cannot be a key or is held twice ({@code 1} and
   *     {@code 1L})
   */
  public static Map<Object, Set<Object>> dependencies(Map<?, ?> dsk) {
    return DependencyMaps.of(index(dsk));
  }

  /**
   * The dependencies of one key: the keys of the graph its value refers to. Dask's {@code
   * get_dependencies(dsk, key)}. Costs time in the size of the value, not of the graph.
   *
   * @param dsk the graph
   * @param key a key of the graph
   * @return an unmodifiable set of keys as the graph holds them, ordered by first reference
   * @throws GraphException if the graph does not hold the key
   */
  public static Set<Object> dependencies(Map<?, ?> dsk, Object key) {
    requireGraph(dsk);
    Object own = DependencyMaps.ownKey(dsk, key);
    if (own == null) {
      throw new GraphException(
          describeKey(key) + " is not a key in the graph; ask for the dependencies of a key it holds");
    }
    return DependencyMaps.ofValue(dsk, dsk.get(own));
  }

  /**
   * Reverses a dependency map: for each key, the keys that depend on it. Dask's {@code
   * reverse_dict}. Every key of {@code dependencies} is in the result, with an empty set when
   * nothing depends on it, and so is every key that appears only as a dependency.
   *
   * @param dependencies a map from each key to its dependencies, e.g. from {@link
   *     #dependencies(Map)}
   * @return a new map from each key to the unmodifiable set of its dependents, in first-seen order
   */
  public static Map<Object, Set<Object>> dependents(
      Map<?, ? extends Collection<?>> dependencies) {
    return DependencyMaps.dependents(dependencies);
  }

  /**
   * The keys of a graph in an order where every key comes after the keys it depends on. Dask's
   * {@code toposort}: a depth-first search from each key in the graph's iteration order.
   *
   * @param dsk the graph
   * @return a new list of every key, as the graph holds them
   * @throws GraphException if the graph has a cycle, naming it in the direction data flows, e.g.
   *     {@code cycle in the graph: 'a' -> 'b' -> 'a'} when {@code b} reads {@code a} and {@code a}
   *     reads {@code b}
   */
  public static List<Object> toposort(Map<?, ?> dsk) {
    return toposort(dsk, null);
  }

  /**
   * The keys of a graph in an order where every key comes after its dependencies, the
   * dependencies being given (as from {@link #dependencies(Map)} or {@link Optimize#cull}) rather
   * than read from the values.
   *
   * @param dsk the graph
   * @param dependencies for each key, the keys it depends on; null to read them from the values.
   *     Keys the map lacks are read from their values; dependencies that are not keys of the graph
   *     and entries for keys the graph lacks are ignored
   * @return a new list of every key of the graph, as the graph holds them
   * @throws GraphException if the dependencies form a cycle, naming it
   */
  public static List<Object> toposort(
      Map<?, ?> dsk, Map<?, ? extends Collection<?>> dependencies) {
    return Toposorter.toposort(index(dsk), dependencies);
  }

  /**
   * Substitutes a key inside a value, Dask's {@code subs}: every occurrence of the key as the value
   * itself, as a task argument or as a list element, at any depth, is replaced by {@code
   * replacement}, which is inserted as it is. Integral keys match by value. Tasks and lists that
   * contain the key are rebuilt; everything else, including the input, is left unchanged and
   * shared.
   *
   * @param value a graph value: a literal, a key, a task or a list
   * @param key the key to replace
   * @param replacement what to put in its place, e.g. the key's value or another key
   * @return the value with the key replaced, or {@code value} itself when it does not contain it
   * @throws GraphException if {@code key} cannot be a key
   */
  public static Object subs(Object value, Object key, Object replacement) {
    return Substitution.replaceKey(value, Keys.requireKey(key), replacement);
  }

  /**
   * The names of the functions a value calls, Dask's {@code functions_of}: the function of a task
   * and of every task nested in its arguments or in lists, at any depth. Names are those of {@link
   * Fn#functionName()}, e.g. {@code "com.example.Ops::inc"}.
   *
   * @param value a graph value
   * @return a new set of names in the order found; empty for literals and keys
   */
  public static Set<String> functionsOf(Object value) {
    Set<String> names = new LinkedHashSet<>();
    ArrayDeque<Object> work = new ArrayDeque<>();
    if (value instanceof Task || value instanceof List) {
      work.push(value);
    }
    while (!work.isEmpty()) {
      Object v = work.pop();
      Iterable<?> parts;
      if (v instanceof Task t) {
        names.add(t.name());
        parts = t.args();
      } else {
        parts = (List<?>) v;
      }
      for (Object p : parts) {
        if (p instanceof Task || p instanceof List) {
          work.push(p);
        }
      }
    }
    return names;
  }

  // ---------------------------------------------------------------------------------------------
  // Shared with Optimize: reading and checking the caller's graph, which needs the package's own
  // descriptions of values (Keys.describe); the algorithms live in io.tendril.graph.internal.

  static void requireGraph(Map<?, ?> dsk) {
    if (dsk == null) {
      throw new IllegalArgumentException(
          "the graph is null: pass a Map from keys to values, e.g. Map.of(\"x\", 1, \"y\", Task.of(Ops::inc, \"x\"))");
    }
  }

  /** Prints a value given where a key was expected: keys as Dask prints them, others described. */
  static String describeKey(Object key) {
    return Keys.isKey(key) ? Keys.repr(key) : Keys.describe(key);
  }

  /**
   * Reads a graph into the array form the algorithms work on, checking its keys.
   *
   * @throws GraphException if a key cannot be a key or the graph holds it twice ({@code 1} and
   *     {@code 1L})
   */
  static GraphIndex index(Map<?, ?> dsk) {
    requireGraph(dsk);
    GraphIndex g = new GraphIndex(dsk.size());
    for (Map.Entry<?, ?> e : dsk.entrySet()) {
      Object key = e.getKey();
      if (!Keys.isKey(key)) {
        throw new GraphException(
            Keys.describe(key)
                + " cannot be a key of the graph: keys are Strings, integral numbers or tuple keys made with Key.of(...)");
      }
      int id = g.add(key, e.getValue());
      if (id < 0) {
        Object other = g.key(-1 - id);
        throw new GraphException(
            "the graph holds the key " + Keys.repr(key) + " twice (as "
                + other.getClass().getSimpleName() + " and " + key.getClass().getSimpleName()
                + "); integral keys compare by value, keep one of them");
      }
    }
    return g;
  }
}

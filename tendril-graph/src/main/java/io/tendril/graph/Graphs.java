package io.tendril.graph;

import io.tendril.graph.internal.KeyIndex;
import io.tendril.graph.internal.ValueWalker;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

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
  /** Returned by a replacement function of {@link #replaceKeys} to keep a key as it is. */
  static final Object KEEP = new Object();

  private static final int[] NO_IDS = new int[0];
  private static final int SHOWN_IN_CYCLE = 20;

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
    Index g = Index.of(dsk);
    return g.dependencyMap(g.actualDependencies());
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
    Object own = ownKey(dsk, key);
    if (own == KEEP) {
      throw new GraphException(
          describeKey(key) + " is not a key in the graph; ask for the dependencies of a key it holds");
    }
    ValueWalker walker = new ValueWalker();
    List<Object> found = new ArrayList<>();
    Set<Object> seen = new HashSet<>();
    walker.walk(dsk.get(own), k -> {
      if (seen.add(k)) {
        Object dep = ownKey(dsk, k);
        if (dep != KEEP) {
          found.add(dep);
        }
      }
    });
    return new KeySet(found.toArray());
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
    Index g = Index.of(dsk);
    int[] order = topo(g.n, null, g.dependencies(dependencies), g.keys);
    List<Object> out = new ArrayList<>(order.length);
    for (int id : order) {
      out.add(g.keys[id]);
    }
    return out;
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
    Object canonical = Keys.requireKey(key);
    return replaceKeys(value, k -> k.equals(canonical) ? replacement : KEEP);
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
  // Shared with Optimize.

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
   * The graph's own key object equal to a key (integral keys by value), or {@link #KEEP} when the
   * graph lacks it. Looks the key up under each integral type, so no index of the graph is built.
   */
  static Object ownKey(Map<?, ?> dsk, Object key) {
    if (!Keys.isKey(key)) {
      return KEEP;
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
    return KEEP;
  }

  private static boolean contains(Map<?, ?> dsk, Object key) {
    try {
      return dsk.containsKey(key);
    } catch (ClassCastException | NullPointerException e) {
      return false;
    }
  }

  /** Flattens one key or collections of keys nested to any depth into a list of leaves. */
  static List<Object> flattenKeys(Object keys) {
    List<Object> out = new ArrayList<>();
    if (!(keys instanceof Collection<?> root)) {
      out.add(keys);
      return out;
    }
    ArrayDeque<Iterator<?>> stack = new ArrayDeque<>();
    stack.push(root.iterator());
    while (!stack.isEmpty()) {
      Iterator<?> it = stack.peek();
      if (!it.hasNext()) {
        stack.pop();
        continue;
      }
      Object e = it.next();
      if (e instanceof Collection<?> c) {
        stack.push(c.iterator());
      } else {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Replaces the key-shaped leaves of a value. {@code replacement} receives each leaf in canonical
   * form and returns what to put in its place, or {@link #KEEP}. Replacements are not looked into.
   * Tasks and lists are rebuilt only where something changed; the rest is shared.
   */
  static Object replaceKeys(Object value, Function<Object, Object> replacement) {
    if (!(value instanceof Task) && !(value instanceof List)) {
      return replaceLeaf(value, replacement);
    }
    ArrayList<Rebuild> stack = new ArrayList<>();
    stack.add(new Rebuild(value));
    while (true) {
      Rebuild f = stack.get(stack.size() - 1);
      if (f.pos < f.items.length) {
        Object item = f.items[f.pos];
        if (item instanceof Task || item instanceof List) {
          stack.add(new Rebuild(item));
        } else {
          f.put(replaceLeaf(item, replacement));
        }
        continue;
      }
      Object built = f.build();
      stack.remove(stack.size() - 1);
      if (stack.isEmpty()) {
        return built;
      }
      stack.get(stack.size() - 1).put(built);
    }
  }

  private static Object replaceLeaf(Object leaf, Function<Object, Object> replacement) {
    if (!Keys.isKey(leaf)) {
      return leaf;
    }
    Object r = replacement.apply(Keys.normalize(leaf));
    return r == KEEP ? leaf : r;
  }

  /** One task or list being rebuilt by {@link #replaceKeys}: copied only once a part changes. */
  private static final class Rebuild {
    final Object source;
    final Object[] items;
    Object[] out;
    int pos;

    Rebuild(Object source) {
      this.source = source;
      this.items = source instanceof Task t ? t.args().toArray() : ((List<?>) source).toArray();
    }

    void put(Object v) {
      if (out == null && v != items[pos]) {
        out = items.clone();
      }
      if (out != null) {
        out[pos] = v;
      }
      pos++;
    }

    Object build() {
      if (out == null) {
        return source;
      }
      return source instanceof Task t ? t.withArgs(Arrays.asList(out)) : new ArrayList<>(Arrays.asList(out));
    }
  }

  /** How often a value refers to a key (given in canonical form), counting repeats. */
  static int occurrences(Object value, Object canonicalKey) {
    int[] count = new int[1];
    new ValueWalker().walk(value, k -> {
      if (k.equals(canonicalKey)) {
        count[0]++;
      }
    });
    return count[0];
  }

  /**
   * Orders nodes 0..n-1 (those with {@code include[id]}, or all when include is null) so that
   * every node follows its dependencies: iterative depth-first search, roots in id order,
   * dependencies in the order given. {@code deps[id]} must list only included nodes.
   *
   * @throws GraphException naming a cycle, in the direction data flows
   */
  static int[] topo(int n, boolean[] include, int[][] deps, Object[] keys) {
    byte[] state = new byte[n]; // 0 new, 1 on the current path, 2 done
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (include == null || include[i]) {
        count++;
      }
    }
    int[] out = new int[count];
    int done = 0;
    int[] node = new int[Math.min(Math.max(count, 1), 64)];
    int[] pos = new int[node.length];
    for (int root = 0; root < n; root++) {
      if ((include != null && !include[root]) || state[root] != 0) {
        continue;
      }
      int sp = 0;
      node[sp] = root;
      pos[sp++] = 0;
      state[root] = 1;
      while (sp > 0) {
        int cur = node[sp - 1];
        int[] ds = deps[cur];
        if (pos[sp - 1] < ds.length) {
          int d = ds[pos[sp - 1]++];
          if (state[d] == 0) {
            if (sp == node.length) {
              node = Arrays.copyOf(node, sp * 2);
              pos = Arrays.copyOf(pos, sp * 2);
            }
            state[d] = 1;
            node[sp] = d;
            pos[sp++] = 0;
          } else if (state[d] == 1) {
            int j = sp - 1;
            while (node[j] != d) {
              j--;
            }
            List<Object> flow = new ArrayList<>();
            for (int i = sp - 1; i >= j; i--) {
              flow.add(keys[node[i]]);
            }
            flow.add(keys[node[sp - 1]]);
            throw new GraphException(cycleMessage(flow));
          }
        } else {
          state[cur] = 2;
          out[done++] = cur;
          sp--;
        }
      }
    }
    return out;
  }

  /** Prints a cycle given as keys in the direction data flows, the first key repeated at the end. */
  static String cycleMessage(List<Object> flow) {
    StringBuilder sb = new StringBuilder("cycle in the graph: ");
    int size = flow.size();
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        sb.append(" -> ");
      }
      if (i == SHOWN_IN_CYCLE && size > SHOWN_IN_CYCLE + 2) {
        sb.append("... (").append(size - SHOWN_IN_CYCLE - 1).append(" more) -> ")
            .append(Keys.repr(flow.get(size - 1)));
        break;
      }
      sb.append(Keys.repr(flow.get(i)));
    }
    return sb.append("; a task cannot depend on its own result, remove one of these references")
        .toString();
  }

  /**
   * A graph read once into arrays: the keys as the graph holds them, the values, and an index
   * from canonical key to position. Dependencies are arrays of positions. Shared with {@link
   * Optimize}, whose functions all work on this form.
   */
  static final class Index {
    final int n;
    final Object[] keys;
    final Object[] values;
    private final KeyIndex table;

    private Index(int n) {
      this.n = n;
      this.keys = new Object[n];
      this.values = new Object[n];
      this.table = new KeyIndex(n);
    }

    static Index of(Map<?, ?> dsk) {
      requireGraph(dsk);
      Index g = new Index(dsk.size());
      int i = 0;
      for (Map.Entry<?, ?> e : dsk.entrySet()) {
        Object key = e.getKey();
        if (!Keys.isKey(key)) {
          throw new GraphException(
              Keys.describe(key)
                  + " cannot be a key of the graph: keys are Strings, integral numbers or tuple keys made with Key.of(...)");
        }
        int id = g.table.add(Keys.normalize(key));
        if (id < 0) {
          Object other = g.keys[-1 - id];
          throw new GraphException(
              "the graph holds the key " + Keys.repr(key) + " twice (as "
                  + other.getClass().getSimpleName() + " and " + key.getClass().getSimpleName()
                  + "); integral keys compare by value, keep one of them");
        }
        g.keys[i] = key;
        g.values[i] = e.getValue();
        i++;
      }
      return g;
    }

    /** The position of a key (any integral type), or -1 when absent or not a key. */
    int id(Object key) {
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
     * Given dependencies as positions; null reads all from the values. Entries for keys the graph
     * lacks and dependencies the graph lacks are ignored; keys without an entry are read.
     */
    int[][] dependencies(Map<?, ? extends Collection<?>> given) {
      if (given == null) {
        return actualDependencies();
      }
      int[][] deps = new int[n][];
      int[] seen = new int[n];
      int round = 0;
      int[] buf = new int[8];
      for (Map.Entry<?, ? extends Collection<?>> e : given.entrySet()) {
        int id = id(e.getKey());
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
          int d = id(k);
          if (d >= 0 && seen[d] != round) {
            seen[d] = round;
            if (count == buf.length) {
              buf = Arrays.copyOf(buf, count * 2);
            }
            buf[count++] = d;
          }
        }
        deps[id] = count == 0 ? NO_IDS : Arrays.copyOf(buf, count);
      }
      Scanner s = null;
      for (int i = 0; i < n; i++) {
        if (deps[i] == null) {
          if (s == null) {
            s = scanner();
          }
          deps[i] = s.scan(values[i]);
        }
      }
      return deps;
    }

    /** An unmodifiable set of the keys at some positions. */
    Set<Object> keySet(int[] ids) {
      Object[] items = new Object[ids.length];
      for (int i = 0; i < ids.length; i++) {
        items[i] = keys[ids[i]];
      }
      return new KeySet(items);
    }

    Map<Object, Set<Object>> dependencyMap(int[][] deps) {
      Map<Object, Set<Object>> out = LinkedHashMap.newLinkedHashMap(n);
      for (int i = 0; i < n; i++) {
        out.put(keys[i], keySet(deps[i]));
      }
      return out;
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

  /**
   * An unmodifiable set of keys backed by an array, in the order given: a few dozen bytes where a
   * hash set costs hundreds, which matters for dependency maps of a million keys. Membership
   * compares integral keys by value.
   */
  static final class KeySet extends AbstractSet<Object> {
    private static final int LINEAR = 8;
    private final Object[] items;
    private Set<Object> index;

    KeySet(Object[] items) {
      this.items = items;
    }

    @Override
    public boolean contains(Object o) {
      if (!Keys.isKey(o)) {
        return false;
      }
      Object c = Keys.normalize(o);
      if (items.length <= LINEAR) {
        for (Object item : items) {
          if (Keys.normalize(item).equals(c)) {
            return true;
          }
        }
        return false;
      }
      Set<Object> ix = index;
      if (ix == null) {
        ix = new HashSet<>();
        for (Object item : items) {
          ix.add(Keys.normalize(item));
        }
        index = ix;
      }
      return ix.contains(c);
    }

    @Override
    public Iterator<Object> iterator() {
      return Arrays.asList(items).iterator();
    }

    @Override
    public int size() {
      return items.length;
    }
  }
}

package io.tendril.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Owns the graph optimizations of Dask's {@code dask.optimization} (the classic tuple-graph
 * version): {@link #cull}, {@link #inline}, {@link #inlineFunctions} and {@link #fuse} (Dask's
 * {@code fuse_linear}). Each is a pure function: it reads a graph and returns a new one with the
 * same structural effect as its namesake in Dask, and the same results for the keys it keeps.
 *
 * <p>The usual pipeline keeps what the outputs need, folds constants into the tasks that read
 * them, folds cheap functions into their readers, merges linear chains, and runs the result:
 *
 * <pre>{@code
 * List<Object> out = List.of("total");
 * Optimize.Culled culled = Optimize.cull(dsk, out);
 * Map<Object, Object> g = Optimize.inline(culled.graph(), List.of(), culled.dependencies());
 * g = Optimize.inlineFunctions(g, out, List.of(FAST_INC), null);
 * Optimize.Fused fused = Optimize.fuse(g, out, null);
 * Object results = Schedulers.sync().get(fused.graph(), out);
 * }</pre>
 *
 * <p>Pass the dependencies a function returned ({@link Culled#dependencies()}, {@link
 * Fused#dependencies()}) to the next one to save reading the values again, and pass null after a
 * step that returned none ({@code inline}, {@code inlineFunctions}), since that step changed the
 * values. {@code inline} and {@code inlineFunctions} only use dependencies to decide what to
 * inline; the substitution itself reads the values, so stale dependencies cost optimizations but
 * never results. {@code fuse} trusts its dependencies to describe the graph.
 *
 * <p>Returned graphs are new {@link LinkedHashMap}s that the caller owns, in the input's key order
 * (a fused key comes just before the alias that replaces its chain). Keys are returned as the input
 * holds them; values that need no change are shared with the input; tasks and lists that change
 * are rebuilt. Inputs are never modified. Everything is iterative, so chains of 10<sup>6</sup>
 * keys and values nested 10<sup>5</sup> deep are fine. A graph whose keys include one that cannot
 * be a key, or the same integral key twice ({@code 1} and {@code 1L}), is a {@link
 * GraphException}.
 */
public final class Optimize {
  private static final Pattern HEX_WORD = Pattern.compile("[a-f]+");
  private static final Pattern DATA_NAME = Pattern.compile("[a-f0-9]{32}");

  private Optimize() {}

  /**
   * The result of {@link #cull}: the entries the requested keys need and their dependencies.
   *
   * @param graph the culled graph, in the input's key order
   * @param dependencies for each key of {@code graph}, the unmodifiable set of keys it depends
   *     on; pass it to the next optimization to spare reading the values again
   */
  public record Culled(Map<Object, Object> graph, Map<Object, Set<Object>> dependencies) {}

  /**
   * The result of {@link #fuse}: the graph with linear chains merged, and its dependencies.
   *
   * @param graph the fused graph
   * @param dependencies for each key of {@code graph}, the unmodifiable set of keys it depends on
   */
  public record Fused(Map<Object, Object> graph, Map<Object, Set<Object>> dependencies) {}

  /**
   * Keeps only the entries needed to compute some keys, Dask's {@code cull}.
   *
   * <pre>{@code
   * // {x: 1, y: (inc, x), z: (inc, x), out: (add, y, 10)}
   * Optimize.cull(dsk, "out").graph();   // {x: 1, y: (inc, x), out: (add, y, 10)}
   * }</pre>
   *
   * @param dsk the graph
   * @param keys one key, or a list (or set) of keys nested to any depth
   * @return the culled graph and the dependencies of each of its keys
   * @throws GraphException if a requested key is not a key of the graph, e.g. {@code 'x' is not a
   *     key in the graph}
   */
  public static Culled cull(Map<?, ?> dsk, Object keys) {
    Graphs.requireGraph(dsk);
    if (keys == null) {
      throw new IllegalArgumentException(
          "keys is null: pass one key of the graph or a List of keys to keep");
    }
    Graphs.Index g = Graphs.Index.of(dsk);
    int n = g.n;
    int[][] deps = new int[n][];
    boolean[] needed = new boolean[n];
    int[] queue = new int[Math.max(n, 1)];
    int queued = 0;
    for (Object k : Graphs.flattenKeys(keys)) {
      int id = g.id(k);
      if (id < 0) {
        throw new GraphException(
            Graphs.describeKey(k) + " is not a key in the graph; cull keeps what keys of the graph need, so ask only for keys it holds");
      }
      if (!needed[id]) {
        needed[id] = true;
        queue[queued++] = id;
      }
    }
    Graphs.Index.Scanner scanner = g.scanner();
    for (int q = 0; q < queued; q++) {
      int id = queue[q];
      deps[id] = scanner.scan(g.values[id]);
      for (int d : deps[id]) {
        if (!needed[d]) {
          needed[d] = true;
          queue[queued++] = d;
        }
      }
    }
    Map<Object, Object> graph = LinkedHashMap.newLinkedHashMap(queued);
    Map<Object, Set<Object>> dependencies = LinkedHashMap.newLinkedHashMap(queued);
    for (int id = 0; id < n; id++) {
      if (needed[id]) {
        graph.put(g.keys[id], g.values[id]);
        dependencies.put(g.keys[id], g.keySet(deps[id]));
      }
    }
    return new Culled(graph, dependencies);
  }

  /**
   * Inlines the given keys and all constants into the values that read them, Dask's {@code
   * inline(dsk, keys, inline_constants=True, dependencies)}. See {@link #inline(Map, Collection,
   * boolean, Map)}.
   *
   * <pre>{@code
   * // {x: 1, y: (inc, x), z: (add, x, y)}
   * Optimize.inline(dsk, List.of(), null);      // {x: 1, y: (inc, 1), z: (add, 1, y)}
   * Optimize.inline(dsk, List.of("y"), null);   // {x: 1, y: (inc, 1), z: (add, 1, (inc, 1))}
   * }</pre>
   *
   * @param dsk the graph
   * @param keys the keys whose values to inline; null for none besides the constants
   * @param dependencies for each key, its dependencies (as from {@link #cull}); null to read them
   *     from the values
   * @return a new graph with the same keys
   * @throws GraphException if the keys to inline depend on one another in a cycle
   */
  public static Map<Object, Object> inline(
      Map<?, ?> dsk, Collection<?> keys, Map<?, ? extends Collection<?>> dependencies) {
    return inline(dsk, keys, true, dependencies);
  }

  /**
   * Inlines keys into the values that read them, Dask's {@code inline}: every reference to an
   * inlined key, in any value, is replaced by that key's value, itself with inlined keys replaced
   * (so inlined values never refer to other inlined keys). The inlined keys stay in the graph, with
   * their own references inlined, exactly as in Dask, so that they can still be requested; {@link
   * #cull} the result to drop those nothing reads any more.
   *
   * <p>With {@code inlineConstants}, every key whose value is an alias of another key, or is not
   * a task and depends on nothing (a literal, or a list of literals), is inlined as well.
   *
   * @param dsk the graph
   * @param keys the keys whose values to inline; keys the graph lacks are ignored; null for none
   * @param inlineConstants whether to inline constants and aliases too (Dask's default: true)
   * @param dependencies for each key, its dependencies, used to find constants; null to read them
   *     from the values. It may be stale or hold extra keys: keys it lacks are read from the
   *     values, entries for keys the graph lacks are ignored, and substitution always follows the
   *     values themselves
   * @return a new graph with the same keys
   * @throws GraphException if the keys to inline depend on one another in a cycle
   */
  public static Map<Object, Object> inline(
      Map<?, ?> dsk,
      Collection<?> keys,
      boolean inlineConstants,
      Map<?, ? extends Collection<?>> dependencies) {
    Graphs.Index g = Graphs.Index.of(dsk);
    boolean[] chosen = new boolean[g.n];
    if (keys != null) {
      for (Object k : Graphs.flattenKeys(keys)) {
        int id = g.id(k);
        if (id >= 0) {
          chosen[id] = true;
        }
      }
    }
    int[][] deps = g.dependencies(dependencies);
    return g.toMap(inlineValues(g, chosen, inlineConstants, deps), null);
  }

  /**
   * Inlines cheap tasks into the tasks that read them, Dask's {@code inline_functions} with {@code
   * inline_constants=False}. See {@link #inlineFunctions(Map, Object, Collection, boolean, Map)}.
   *
   * <pre>{@code
   * // {out: (add, i, d), i: (inc, x), d: (double, y), x: 1, y: 1}
   * Optimize.inlineFunctions(dsk, List.of("out"), List.of(INC), null);
   * // {out: (add, (inc, x), d), d: (double, y), x: 1, y: 1}
   * }</pre>
   *
   * @param dsk the graph
   * @param outputKeys the keys that must stay: one key or lists of keys; null for none
   * @param fastFunctions the cheap functions: {@link Fn} objects, matched by {@link
   *     Fn#functionName()}, or function names such as {@code "com.example.Ops::inc"}
   * @param dependencies for each key, its dependencies; null to read them from the values
   * @return a new graph without the inlined keys
   */
  public static Map<Object, Object> inlineFunctions(
      Map<?, ?> dsk,
      Object outputKeys,
      Collection<?> fastFunctions,
      Map<?, ? extends Collection<?>> dependencies) {
    return inlineFunctions(dsk, outputKeys, fastFunctions, false, dependencies);
  }

  /**
   * Inlines cheap tasks into the tasks that read them and removes them, Dask's {@code
   * inline_functions}. A key is inlined when its value is a task, every function in it (nested
   * tasks included) is fast, something depends on it, and it is not an output key. Tasks that
   * nothing reads stay, so the graph never shrinks to nothing. When no key qualifies the graph is
   * returned as it is (copied), even with {@code inlineConstants}.
   *
   * @param dsk the graph
   * @param outputKeys the keys that must stay: one key or lists of keys; null for none
   * @param fastFunctions the cheap functions: {@link Fn} objects, matched by {@link
   *     Fn#functionName()}, or function names; null or empty returns a copy of the graph
   * @param inlineConstants whether constants and aliases are inlined as well (but kept)
   * @param dependencies for each key, its dependencies, used to find which keys have dependents;
   *     null to read them from the values. It may be stale: see {@link #inline(Map, Collection,
   *     boolean, Map)}
   * @return a new graph without the inlined keys
   * @throws IllegalArgumentException if {@code fastFunctions} holds something other than an {@code
   *     Fn} or a {@code String}
   */
  public static Map<Object, Object> inlineFunctions(
      Map<?, ?> dsk,
      Object outputKeys,
      Collection<?> fastFunctions,
      boolean inlineConstants,
      Map<?, ? extends Collection<?>> dependencies) {
    Graphs.Index g = Graphs.Index.of(dsk);
    Set<String> fast = functionNames(fastFunctions);
    if (fast.isEmpty()) {
      return g.toMap(g.values, null);
    }
    int n = g.n;
    boolean[] output = new boolean[n];
    if (outputKeys != null) {
      for (Object k : Graphs.flattenKeys(outputKeys)) {
        int id = g.id(k);
        if (id >= 0) {
          output[id] = true;
        }
      }
    }
    int[][] deps = g.dependencies(dependencies);
    boolean[] hasDependents = new boolean[n];
    for (int[] ds : deps) {
      for (int d : ds) {
        hasDependents[d] = true;
      }
    }
    boolean[] chosen = new boolean[n];
    boolean any = false;
    for (int id = 0; id < n; id++) {
      Object v = g.values[id];
      if (v instanceof Task
          && hasDependents[id]
          && !output[id]
          && fast.containsAll(Graphs.functionsOf(v))) {
        chosen[id] = true;
        any = true;
      }
    }
    if (!any) {
      return g.toMap(g.values, null);
    }
    return g.toMap(inlineValues(g, chosen, inlineConstants, deps), chosen);
  }

  /**
   * Merges the linear chains of a graph, naming them after their keys; see {@link #fuse(Map,
   * Object, Map)}.
   *
   * @param dsk the graph
   * @return the fused graph and its dependencies
   */
  public static Fused fuse(Map<?, ?> dsk) {
    return fuse(dsk, null, null);
  }

  /**
   * Merges linear chains into single tasks, Dask's {@code fuse_linear(dsk, keys, dependencies,
   * rename_keys=True)}. A key joins the key that reads it when it has exactly one dependent, that
   * dependent has exactly one dependency and refers to it once, and the key is not in {@code
   * keys}. The chain's values are nested into one task, from the bottom of the chain up:
   *
   * <pre>{@code
   * // {a: 1, b: (inc, a), c: (inc, b)}
   * Optimize.fuse(dsk).graph();   // {a-b-c: (inc, (inc, 1)), c: 'a-b-c'}
   * }</pre>
   *
   * <p>The merged task gets a new key naming the chain (Dask's {@code
   * default_fused_linear_keys_renamer}): for a string top key, the names of the keys from the
   * bottom of the chain up to the top, joined with {@code -}, where every key but the top is
   * shortened to its name as Dask's {@code key_split} does ({@code 'x-1'} gives {@code x}); for a
   * tuple top key whose first part is a string, a {@link Key} of that joined name and the top key's
   * other parts ({@code ('b-a', 0)}). The top key becomes an alias of the new key and readers of
   * the top key are pointed at the new key. When {@code keys} is given, aliases of keys not in
   * {@code keys} are removed; without it they stay. Chains whose top key is an integer, or whose
   * new name is already taken, keep the top key's name instead.
   *
   * @param dsk the graph
   * @param keys keys that must stay in the graph and never be fused away: one key or lists of
   *     keys; null when there are none (and then every chain keeps an alias under its top key)
   * @param dependencies for each key, its dependencies, as from {@link #cull} or a previous {@code
   *     fuse}; null to read them from the values. They must describe this graph: keys it lacks are
   *     read from the values and extra keys are ignored, but a missing dependency can fuse away a
   *     key that something else still reads
   * @return the fused graph and its dependencies
   * @throws GraphException if the graph's single-reader links form a cycle
   */
  public static Fused fuse(
      Map<?, ?> dsk, Object keys, Map<?, ? extends Collection<?>> dependencies) {
    Graphs.Index g = Graphs.Index.of(dsk);
    int n = g.n;
    int[][] deps = g.dependencies(dependencies);
    boolean[] keep = null;
    if (keys != null) {
      keep = new boolean[n];
      for (Object k : Graphs.flattenKeys(keys)) {
        int id = g.id(k);
        if (id >= 0) {
          keep[id] = true;
        }
      }
    }

    // 1. Link each key with a single reader to that reader, if the reader reads nothing else.
    int[] childToParent = new int[n];
    Arrays.fill(childToParent, -1);
    boolean[] unfusible = new boolean[n];
    int[] linked = new int[n];
    int linkedCount = 0;
    for (int parent = 0; parent < n; parent++) {
      int[] ds = deps[parent];
      // Dask counts dependencies with repeats: (add, x, x) has two, so x stays apart.
      boolean many =
          ds.length > 1
              || (ds.length == 1
                  && (ds[0] == parent
                      || Graphs.occurrences(g.values[parent], g.canonical(ds[0])) != 1));
      for (int child : ds) {
        if (keep != null && keep[child]) {
          unfusible[child] = true;
        } else if (childToParent[child] >= 0) {
          childToParent[child] = -1;
          unfusible[child] = true;
        } else if (many) {
          unfusible[child] = true;
        } else if (!unfusible[child]) {
          childToParent[child] = parent;
          linked[linkedCount++] = child;
        }
      }
    }
    int[] parentToChild = new int[n];
    Arrays.fill(parentToChild, -1);
    for (int i = 0; i < linkedCount; i++) {
      int child = linked[i];
      if (childToParent[child] >= 0) {
        parentToChild[childToParent[child]] = child;
      }
    }

    // 2. Collect the chains, top first, taking links newest first as Dask's popitem does.
    List<int[]> chains = new ArrayList<>();
    IntBuffer chain = new IntBuffer();
    for (int i = linkedCount - 1; i >= 0; i--) {
      int child = linked[i];
      int parent = childToParent[child];
      if (parent < 0) {
        continue;
      }
      childToParent[child] = -1;
      chain.clear();
      chain.add(child);
      chain.add(parent);
      while (childToParent[parent] >= 0) {
        int next = childToParent[parent];
        childToParent[parent] = -1;
        if (next == child) {
          throw new GraphException(linkCycle(chain, g.keys));
        }
        parent = next;
        chain.add(parent);
      }
      chain.reverse();
      int bottom = child;
      while (parentToChild[bottom] >= 0 && childToParent[parentToChild[bottom]] == bottom) {
        int below = parentToChild[bottom];
        childToParent[below] = -1;
        chain.add(below);
        bottom = below;
      }
      chains.add(chain.toArray());
    }

    // 3. Fuse each chain into its top key, or into a new key that the top key aliases.
    int chainCount = chains.size();
    int[] chainOfTop = new int[n];
    Arrays.fill(chainOfTop, -1);
    boolean[] fusedAway = new boolean[n];
    Object[] newKey = new Object[chainCount];
    Object[] fusedValue = new Object[chainCount];
    int[][] fusedDeps = new int[chainCount][];
    Set<Object> taken = new HashSet<>();
    int[] stamp = new int[n];
    int[] seen = new int[n];
    IntBuffer union = new IntBuffer();
    for (int c = 0; c < chainCount; c++) {
      int[] ch = chains.get(c);
      int top = ch[0];
      Object name = fusedKeyName(ch, g.keys);
      if (name != null && (g.id(name) >= 0 || !taken.add(name))) {
        name = null;
      }
      newKey[c] = name;
      chainOfTop[top] = c;
      Object val = g.values[ch[ch.length - 1]];
      for (int i = ch.length - 2; i >= 0; i--) {
        val = substitute(g.values[ch[i]], g.canonical(ch[i + 1]), val);
      }
      fusedValue[c] = val;
      for (int i = 1; i < ch.length; i++) {
        fusedAway[ch[i]] = true;
        stamp[ch[i]] = c + 1;
      }
      union.clear();
      for (int m : ch) {
        for (int d : deps[m]) {
          if (stamp[d] != c + 1 && seen[d] != c + 1) {
            seen[d] = c + 1;
            union.add(d);
          }
        }
      }
      fusedDeps[c] = union.toArray();
    }

    // 4. Point readers of renamed top keys at the new keys; emit in the input's order.
    Function<Object, Object> renamed = canonical -> {
      int id = g.idOfCanonical(canonical);
      if (id >= 0 && chainOfTop[id] >= 0 && newKey[chainOfTop[id]] != null) {
        return newKey[chainOfTop[id]];
      }
      return Graphs.KEEP;
    };
    Map<Object, Object> graph = LinkedHashMap.newLinkedHashMap(n + chainCount);
    Map<Object, Set<Object>> dependencyMap = LinkedHashMap.newLinkedHashMap(n + chainCount);
    for (int id = 0; id < n; id++) {
      if (fusedAway[id]) {
        continue;
      }
      int c = chainOfTop[id];
      Object value = c < 0 ? g.values[id] : fusedValue[c];
      int[] ds = c < 0 ? deps[id] : fusedDeps[c];
      Object[] depKeys = new Object[ds.length];
      boolean readsRenamed = false;
      for (int j = 0; j < ds.length; j++) {
        int d = ds[j];
        if (chainOfTop[d] >= 0 && newKey[chainOfTop[d]] != null) {
          depKeys[j] = newKey[chainOfTop[d]];
          readsRenamed = true;
        } else {
          depKeys[j] = g.keys[d];
        }
      }
      if (readsRenamed) {
        value = Graphs.replaceKeys(value, renamed);
      }
      if (c >= 0 && newKey[c] != null) {
        graph.put(newKey[c], value);
        dependencyMap.put(newKey[c], new Graphs.KeySet(depKeys));
        if (keep == null || keep[id]) {
          graph.put(g.keys[id], newKey[c]);
          dependencyMap.put(g.keys[id], new Graphs.KeySet(new Object[] {newKey[c]}));
        }
      } else {
        graph.put(g.keys[id], value);
        dependencyMap.put(g.keys[id], new Graphs.KeySet(depKeys));
      }
    }
    return new Fused(graph, dependencyMap);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The values of a graph after inlining the chosen keys (and constants): inlined keys keep their
   * place with their own references inlined. Decisions use {@code deps}; substitution reads the
   * values.
   */
  private static Object[] inlineValues(
      Graphs.Index g, boolean[] chosen, boolean inlineConstants, int[][] deps) {
    int n = g.n;
    boolean[] inlined = chosen.clone();
    boolean any = false;
    for (int id = 0; id < n; id++) {
      Object v = g.values[id];
      if (inlineConstants
          && ((Keys.isKey(v) && g.id(v) >= 0) || (deps[id].length == 0 && !(v instanceof Task)))) {
        inlined[id] = true;
      }
      any |= inlined[id];
    }
    if (!any) {
      return g.values.clone();
    }
    // Inlined values must not refer to other inlined keys: compute them dependencies first.
    Graphs.Index.Scanner scanner = g.scanner();
    int[][] inlinedDeps = new int[n][];
    IntBuffer buf = new IntBuffer();
    for (int id = 0; id < n; id++) {
      if (inlined[id]) {
        buf.clear();
        for (int d : scanner.scan(g.values[id])) {
          if (inlined[d]) {
            buf.add(d);
          }
        }
        inlinedDeps[id] = buf.toArray();
      }
    }
    int[] order = Graphs.topo(n, inlined, inlinedDeps, g.keys);
    Object[] replacement = new Object[n];
    Function<Object, Object> lookup = canonical -> {
      int d = g.idOfCanonical(canonical);
      return d >= 0 && inlined[d] ? replacement[d] : Graphs.KEEP;
    };
    for (int id : order) {
      replacement[id] = Graphs.replaceKeys(g.values[id], lookup);
    }
    Object[] out = new Object[n];
    for (int id = 0; id < n; id++) {
      out[id] = inlined[id] ? replacement[id] : Graphs.replaceKeys(g.values[id], lookup);
    }
    return out;
  }

  private static Object substitute(Object value, Object canonicalKey, Object replacement) {
    return Graphs.replaceKeys(value, k -> k.equals(canonicalKey) ? replacement : Graphs.KEEP);
  }

  private static Set<String> functionNames(Collection<?> functions) {
    Set<String> names = new HashSet<>();
    if (functions == null) {
      return names;
    }
    for (Object f : functions) {
      if (f instanceof Fn fn) {
        names.add(fn.functionName());
      } else if (f instanceof String s) {
        names.add(s);
      } else {
        throw new IllegalArgumentException(
            "fastFunctions holds " + Keys.describe(f)
                + ": pass Fn objects such as a method reference, or function names such as \"com.example.Ops::inc\"");
      }
    }
    return names;
  }

  /** Describes a cycle of single-reader links, found while collecting chains. */
  private static String linkCycle(IntBuffer upward, Object[] keys) {
    // upward holds the cycle from a key up through its readers: that is the direction data flows.
    List<Object> flow = new ArrayList<>();
    for (int i = 0; i < upward.size(); i++) {
      flow.add(keys[upward.get(i)]);
    }
    flow.add(keys[upward.get(0)]);
    return Graphs.cycleMessage(flow);
  }

  /**
   * Dask's {@code default_fused_linear_keys_renamer}: the name of a chain given top first, or null
   * when the top key is neither a string nor a tuple key starting with a string.
   */
  static Object fusedKeyName(int[] chain, Object[] keys) {
    Object top = keys[chain[0]];
    String topName;
    if (top instanceof String s) {
      topName = s;
    } else if (top instanceof Key k && k.size() > 0 && k.get(0) instanceof String s) {
      topName = s;
    } else {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = chain.length - 1; i >= 1; i--) {
      sb.append(keySplit(keys[chain[i]])).append('-');
    }
    sb.append(topName);
    if (top instanceof String) {
      return sb.toString();
    }
    Key k = (Key) top;
    Object[] parts = k.parts().toArray();
    parts[0] = sb.toString();
    return Key.of(parts);
  }

  /**
   * Dask's {@code key_split}: the name part of a key, without the trailing numbers and hashes that
   * tell its tasks apart. {@code 'x-1'} gives {@code x}, {@code 'hello-world-1'} gives {@code
   * hello-world}, {@code ('x-2', 1)} gives {@code x}, a 32-digit hex token gives {@code data}, and
   * a key it cannot read (a number, an empty string) gives {@code Other}.
   */
  static String keySplit(Object key) {
    Object s = key;
    if (s instanceof Key k) {
      if (k.size() == 0) {
        return "Other";
      }
      s = k.get(0);
    }
    if (!(s instanceof String str)) {
      return "Other";
    }
    String[] words = str.split("-", -1);
    if (words[0].isEmpty()) {
      return "Other";
    }
    String result;
    if (!Character.isLetter(words[0].codePointAt(0))) {
      result = strip(words[0].split(",", -1)[0], "'(\"");
    } else {
      result = words[0];
    }
    StringBuilder sb = new StringBuilder(result);
    for (int i = 1; i < words.length; i++) {
      String word = words[i];
      if (isAlpha(word) && !(word.length() == 8 && HEX_WORD.matcher(word).lookingAt())) {
        sb.append('-').append(word);
      } else {
        break;
      }
    }
    result = sb.toString();
    if (result.length() == 32 && DATA_NAME.matcher(result).lookingAt()) {
      return "data";
    }
    if (result.isEmpty()) {
      return "Other";
    }
    if (result.charAt(0) == '<') {
      String inner = strip(result, "<>").strip();
      if (inner.isEmpty()) {
        return "Other";
      }
      String first = inner.split("\\s+")[0];
      result = first.substring(first.lastIndexOf('.') + 1);
    }
    return result;
  }

  private static boolean isAlpha(String s) {
    return !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
  }

  private static String strip(String s, String chars) {
    int from = 0;
    int to = s.length();
    while (from < to && chars.indexOf(s.charAt(from)) >= 0) {
      from++;
    }
    while (to > from && chars.indexOf(s.charAt(to - 1)) >= 0) {
      to--;
    }
    return s.substring(from, to);
  }

  /** A growable int list. */
  private static final class IntBuffer {
    private int[] data = new int[8];
    private int size;

    void add(int v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    int get(int i) {
      return data[i];
    }

    int size() {
      return size;
    }

    void clear() {
      size = 0;
    }

    void reverse() {
      for (int i = 0, j = size - 1; i < j; i++, j--) {
        int t = data[i];
        data[i] = data[j];
        data[j] = t;
      }
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}

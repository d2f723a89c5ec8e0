package io.tendril.graph;

import io.tendril.graph.internal.Culler;
import io.tendril.graph.internal.FlatKeys;
import io.tendril.graph.internal.FusedKeyNames;
import io.tendril.graph.internal.GraphIndex;
import io.tendril.graph.internal.Inliner;
import io.tendril.graph.internal.LinearFuser;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    GraphIndex g = Graphs.index(dsk);
    List<Object> wanted = FlatKeys.of(keys);
    int[] roots = new int[wanted.size()];
    for (int i = 0; i < roots.length; i++) {
      Object k = wanted.get(i);
      roots[i] = g.id(k);
      if (roots[i] < 0) {
        throw new GraphException(
            Graphs.describeKey(k) + " is not a key in the graph; cull keeps what keys of the graph need, so ask only for keys it holds");
      }
    }
    return Culler.cull(g, roots);
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
    return Inliner.inline(Graphs.index(dsk), keys, inlineConstants, dependencies);
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
    GraphIndex g = Graphs.index(dsk); // the graph is checked before the functions
    return Inliner.inlineFunctions(
        g, outputKeys, functionNames(fastFunctions), inlineConstants, dependencies);
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
    return LinearFuser.fuse(Graphs.index(dsk), keys, dependencies);
  }

  // ---------------------------------------------------------------------------------------------

  /** The names of the fast functions given by the caller (kept here: it describes bad values). */
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

  /**
   * Dask's {@code default_fused_linear_keys_renamer}: the name of a chain given top first, or null
   * when the top key is neither a string nor a tuple key starting with a string. See {@link
   * FusedKeyNames#of}.
   */
  static Object fusedKeyName(int[] chain, Object[] keys) {
    return FusedKeyNames.of(chain, keys);
  }

  /**
   * Dask's {@code key_split}: the name part of a key, without the trailing numbers and hashes that
   * tell its tasks apart. {@code 'x-1'} gives {@code x}, {@code 'hello-world-1'} gives {@code
   * hello-world}, {@code ('x-2', 1)} gives {@code x}, a 32-digit hex token gives {@code data}, and
   * a key it cannot read (a number, an empty string) gives {@code Other}.
   */
  static String keySplit(Object key) {
    return FusedKeyNames.keySplit(key);
  }
}

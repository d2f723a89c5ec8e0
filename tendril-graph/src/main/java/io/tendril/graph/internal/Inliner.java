package io.tendril.graph.internal;

import io.tendril.graph.Graphs;
import io.tendril.graph.Keys;
import io.tendril.graph.Task;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Owns inlining, Dask's {@code inline} and {@code inline_functions}: choosing the keys whose
 * values replace the references to them (given keys, constants and aliases, or cheap tasks that
 * something reads) and substituting those values, themselves inlined first, into every value.
 * Called by {@code Optimize.inline} and {@code Optimize.inlineFunctions}, which read the fast
 * functions' names.
 */
public final class Inliner {
  private Inliner() {}

  /**
   * Inlines keys (and, with {@code inlineConstants}, constants and aliases) into the values that
   * read them; the inlined keys stay.
   *
   * @param g the graph
   * @param keys the keys whose values to inline; keys the graph lacks are ignored; null for none
   * @param inlineConstants whether to inline constants and aliases too
   * @param dependencies for each key, its dependencies, used to find constants; null to read them
   * @return a new graph with the same keys
   */
  public static Map<Object, Object> inline(
      GraphIndex g,
      Collection<?> keys,
      boolean inlineConstants,
      Map<?, ? extends Collection<?>> dependencies) {
    boolean[] chosen = g.marks(keys);
    int[][] deps = DependencyMaps.positions(g, dependencies);
    return g.toMap(inlineValues(g, chosen, inlineConstants, deps), null);
  }

  /**
   * Inlines the tasks that call only fast functions, that something reads and that are not output
   * keys, and removes them; returns a copy of the graph when none qualifies.
   *
   * @param g the graph
   * @param outputKeys the keys that must stay: one key or lists of keys; null for none
   * @param fast the names of the cheap functions
   * @param inlineConstants whether constants and aliases are inlined as well (but kept)
   * @param dependencies for each key, its dependencies; null to read them from the values
   * @return a new graph without the inlined keys
   */
  public static Map<Object, Object> inlineFunctions(
      GraphIndex g,
      Object outputKeys,
      Set<String> fast,
      boolean inlineConstants,
      Map<?, ? extends Collection<?>> dependencies) {
    if (fast.isEmpty()) {
      return g.toMap(g.values, null);
    }
    int n = g.n;
    boolean[] output = g.marks(outputKeys);
    int[][] deps = DependencyMaps.positions(g, dependencies);
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
   * The values of a graph after inlining the chosen keys (and constants): inlined keys keep their
   * place with their own references inlined. Decisions use {@code deps}; substitution reads the
   * values.
   */
  private static Object[] inlineValues(
      GraphIndex g, boolean[] chosen, boolean inlineConstants, int[][] deps) {
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
    GraphIndex.Scanner scanner = g.scanner();
    int[][] inlinedDeps = new int[n][];
    for (int id = 0; id < n; id++) {
      if (inlined[id]) {
        int[] ds = scanner.scan(g.values[id]); // a fresh array (or the shared empty one)
        int kept = 0;
        for (int d : ds) {
          if (inlined[d]) {
            ds[kept++] = d;
          }
        }
        inlinedDeps[id] = kept == ds.length ? ds : Arrays.copyOf(ds, kept);
      }
    }
    int[] order = Toposorter.order(n, inlined, inlinedDeps, g.keys);
    Object[] replacement = new Object[n];
    Function<Object, Object> lookup = canonical -> {
      int d = g.idOfCanonical(canonical);
      return d >= 0 && inlined[d] ? replacement[d] : Substitution.KEEP;
    };
    for (int id : order) {
      replacement[id] = Substitution.replaceKeys(g.values[id], lookup);
    }
    Object[] out = new Object[n];
    for (int id = 0; id < n; id++) {
      out[id] = inlined[id] ? replacement[id] : Substitution.replaceKeys(g.values[id], lookup);
    }
    return out;
  }
}

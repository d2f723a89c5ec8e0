package io.tendril.graph.internal;

import io.tendril.graph.Optimize;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Owns culling, Dask's {@code cull}: keeping only the entries that some keys need, found by a
 * breadth-first walk of their dependencies, and the dependencies of each kept key. Called by
 * {@code Optimize.cull}, which checks that the requested keys are keys of the graph.
 */
public final class Culler {
  private Culler() {}

  /**
   * Keeps the entries the given positions need.
   *
   * @param g the graph
   * @param roots the positions of the requested keys, repeats allowed
   * @return the culled graph, in the graph's order, and the dependencies of each of its keys
   */
  public static Optimize.Culled cull(GraphIndex g, int[] roots) {
    int n = g.n;
    int[][] deps = new int[n][];
    boolean[] needed = new boolean[n];
    int[] queue = new int[Math.max(n, 1)];
    int queued = 0;
    for (int id : roots) {
      if (!needed[id]) {
        needed[id] = true;
        queue[queued++] = id;
      }
    }
    GraphIndex.Scanner scanner = g.scanner();
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
    return new Optimize.Culled(graph, dependencies);
  }
}

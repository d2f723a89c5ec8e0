package io.tendril.graph.internal;

import io.tendril.graph.GraphException;
import io.tendril.graph.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Owns ordering a graph so that every key follows its dependencies (Dask's {@code toposort}: an
 * iterative depth-first search from each key in the graph's order) and the wording of the cycles
 * that make this impossible. Called by {@code Graphs.toposort} and {@link Inliner}; {@link
 * LinearFuser} words its own cycles with {@link #cycleMessage}.
 */
public final class Toposorter {
  private static final int SHOWN_IN_CYCLE = 20;

  private Toposorter() {}

  /**
   * The keys of a graph in an order where every key comes after its dependencies.
   *
   * @param g the graph
   * @param dependencies for each key, the keys it depends on; null to read them from the values
   *     (see {@code DependencyMaps.positions})
   * @return a new list of every key of the graph, as the graph holds them
   * @throws GraphException if the dependencies form a cycle, naming it
   */
  public static List<Object> toposort(GraphIndex g, Map<?, ? extends Collection<?>> dependencies) {
    int[] order = order(g.n, null, DependencyMaps.positions(g, dependencies), g.keys);
    List<Object> out = new ArrayList<>(order.length);
    for (int id : order) {
      out.add(g.keys[id]);
    }
    return out;
  }

  /**
   * Orders nodes 0..n-1 (those with {@code include[id]}, or all when include is null) so that
   * every node follows its dependencies: iterative depth-first search, roots in id order,
   * dependencies in the order given. {@code deps[id]} must list only included nodes.
   *
   * @throws GraphException naming a cycle, in the direction data flows
   */
  static int[] order(int n, boolean[] include, int[][] deps, Object[] keys) {
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
}

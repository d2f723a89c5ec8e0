package io.tendril.graph.internal;

import io.tendril.graph.GraphException;
import io.tendril.graph.Optimize;
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
 * Owns fusing linear chains, Dask's {@code fuse_linear(..., rename_keys=True)}: linking each key
 * that has a single reader to that reader when the reader reads nothing else, collecting the
 * chains, nesting each chain's values into one task under a new name ({@link FusedKeyNames}) that
 * the top key aliases, and pointing readers at the new names. Called by {@code Optimize.fuse}.
 */
public final class LinearFuser {
  private LinearFuser() {}

  /**
   * Merges the linear chains of a graph into single tasks.
   *
   * @param g the graph
   * @param keys keys that must stay and never be fused away: one key or lists of keys; null when
   *     there are none (and then every chain keeps an alias under its top key)
   * @param dependencies for each key, its dependencies; null to read them from the values
   * @return the fused graph and its dependencies
   * @throws GraphException if the graph's single-reader links form a cycle
   */
  public static Optimize.Fused fuse(
      GraphIndex g, Object keys, Map<?, ? extends Collection<?>> dependencies) {
    int n = g.n;
    int[][] deps = DependencyMaps.positions(g, dependencies);
    boolean[] keep = keys == null ? null : g.marks(keys);

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
                  && (ds[0] == parent || occurrences(g.values[parent], g.canonical(ds[0])) != 1));
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
    IntList upward = new IntList(8); // from a key up through its readers; emptied by each chain
    for (int i = linkedCount - 1; i >= 0; i--) {
      int child = linked[i];
      int parent = childToParent[child];
      if (parent < 0) {
        continue;
      }
      childToParent[child] = -1;
      upward.add(child);
      upward.add(parent);
      while (childToParent[parent] >= 0) {
        int next = childToParent[parent];
        childToParent[parent] = -1;
        if (next == child) {
          throw new GraphException(linkCycle(upward, g.keys));
        }
        parent = next;
        upward.add(parent);
      }
      IntList chain = new IntList(upward.size() + 4);
      while (upward.size() > 0) {
        chain.add(upward.pop());
      }
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
    for (int c = 0; c < chainCount; c++) {
      int[] ch = chains.get(c);
      int top = ch[0];
      Object name = FusedKeyNames.of(ch, g.keys);
      if (name != null && (g.id(name) >= 0 || !taken.add(name))) {
        name = null;
      }
      newKey[c] = name;
      chainOfTop[top] = c;
      Object val = g.values[ch[ch.length - 1]];
      for (int i = ch.length - 2; i >= 0; i--) {
        val = Substitution.replaceKey(g.values[ch[i]], g.canonical(ch[i + 1]), val);
      }
      fusedValue[c] = val;
      for (int i = 1; i < ch.length; i++) {
        fusedAway[ch[i]] = true;
        stamp[ch[i]] = c + 1;
      }
      IntList union = new IntList(8);
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
      return Substitution.KEEP;
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
        value = Substitution.replaceKeys(value, renamed);
      }
      if (c >= 0 && newKey[c] != null) {
        graph.put(newKey[c], value);
        dependencyMap.put(newKey[c], new KeySet(depKeys));
        if (keep == null || keep[id]) {
          graph.put(g.keys[id], newKey[c]);
          dependencyMap.put(g.keys[id], new KeySet(new Object[] {newKey[c]}));
        }
      } else {
        graph.put(g.keys[id], value);
        dependencyMap.put(g.keys[id], new KeySet(depKeys));
      }
    }
    return new Optimize.Fused(graph, dependencyMap);
  }

  /** How often a value refers to a key (given in canonical form), counting repeats. */
  private static int occurrences(Object value, Object canonicalKey) {
    int[] count = new int[1];
    new ValueWalker().walk(value, k -> {
      if (k.equals(canonicalKey)) {
        count[0]++;
      }
    });
    return count[0];
  }

  /** Describes a cycle of single-reader links, found while collecting chains. */
  private static String linkCycle(IntList upward, Object[] keys) {
    // upward holds the cycle from a key up through its readers: that is the direction data flows.
    List<Object> flow = new ArrayList<>();
    for (int i = 0; i < upward.size(); i++) {
      flow.add(keys[upward.get(i)]);
    }
    flow.add(keys[upward.get(0)]);
    return Toposorter.cycleMessage(flow);
  }
}

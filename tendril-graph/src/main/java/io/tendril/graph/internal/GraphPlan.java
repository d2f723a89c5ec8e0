package io.tendril.graph.internal;

import io.tendril.graph.GraphException;
import io.tendril.graph.Key;
import io.tendril.graph.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a local run computes, derived once from a graph and the requested keys before any task
 * runs. Built by {@link #compile}; read by {@link GraphRun} and the executors.
 *
 * <p>State, all fixed after construction (shared read-only between threads):
 *
 * <ul>
 *   <li>{@code keys}: the graph's keys by id (ids follow the map's iteration order); {@code index}
 *       maps a canonical key to its id. Values are read from the graph itself when needed, so a
 *       plan costs a few dozen bytes per entry whatever the values hold.
 *   <li>{@code deps}: for each needed id, its distinct dependencies (ids of graph keys its value
 *       refers to), as a slice {@code depFrom[id] .. depFrom[id] + depCount[id]} of {@code
 *       depFlat}.
 *   <li>{@code dependents}: the reverse, as {@code dependentFrom[id] .. dependentFrom[id + 1]}.
 *   <li>{@code consumers}: for each id, how many needed entries read its result, plus one if it
 *       was requested; the run releases a result when its count reaches zero.
 *   <li>{@code order}: a topological order of the needed ids, depth-first (a stack of ready
 *       entries, first in graph order on top), which the synchronous executor follows; {@code
 *       initialReady}: the needed ids without dependencies.
 * </ul>
 *
 * <p>Only the entries the requested keys need are computed. A requested key the graph lacks, a
 * tuple key referenced but absent, a key of a type that cannot be a key, and a cycle among the
 * needed entries are all reported here, by name, as a {@link GraphException}.
 */
public final class GraphPlan {
  final Map<?, ?> dsk;
  final Object requested;
  final Object[] keys;
  final KeyIndex index;
  final int[] depFrom;
  final int[] depCount;
  final int[] depFlat;
  final int[] dependentFrom;
  final int[] dependentFlat;
  final int[] consumers;
  final int[] order;
  final int[] initialReady;

  private GraphPlan(Builder b) {
    dsk = b.dsk;
    requested = b.requested;
    keys = b.keys;
    index = b.index;
    depFrom = b.depFrom;
    depCount = b.depCount;
    depFlat = b.depFlat;
    dependentFrom = b.dependentFrom;
    dependentFlat = b.dependentFlat;
    consumers = b.consumers;
    order = b.order;
    initialReady = b.initialReady;
  }

  /**
   * Checks a graph and the requested keys and plans the run.
   *
   * @param dsk the graph
   * @param requested one key or nested lists of keys
   * @return the plan
   * @throws GraphException if the graph cannot be run as given
   */
  public static GraphPlan compile(Map<?, ?> dsk, Object requested) {
    if (dsk == null) {
      throw new IllegalArgumentException(
          "the graph is null: pass a Map from keys to values, e.g. Map.of(\"x\", 1, \"y\", Task.of(Ops::inc, \"x\"))");
    }
    if (requested == null) {
      throw new IllegalArgumentException(
          "keys is null: pass one key of the graph or a List of keys");
    }
    return new Builder(dsk, requested).build();
  }

  /** The number of entries that will be computed. */
  public int taskCount() {
    return order.length;
  }

  /** The graph this plan runs. */
  public Map<?, ?> graph() {
    return dsk;
  }

  /** The value of an entry, read from the graph. */
  public Object value(int id) {
    return dsk.get(keys[id]);
  }

  /** The key of an entry. */
  public Object key(int id) {
    return keys[id];
  }

  /**
   * The entry of a value that is a key of the graph, or -1: how task arguments are told apart
   * from literals.
   */
  public int idOf(Object value) {
    return Keys.isKey(value) ? index.get(Keys.normalize(value)) : -1;
  }

  /** The entries to compute, dependencies first. */
  public int[] order() {
    return order.clone();
  }

  /** The entries an entry reads. */
  public int[] dependencies(int id) {
    return Arrays.copyOfRange(depFlat, depFrom[id], depFrom[id] + depCount[id]);
  }

  /** How many entries an entry reads: the length of {@link #dependencies}, without a copy. */
  public int dependencyCount(int id) {
    return depCount[id];
  }

  /** How many entries read an entry: the length of {@link #dependents}, without a copy. */
  public int dependentCount(int id) {
    return dependentFrom[id + 1] - dependentFrom[id];
  }

  /** The entries that read an entry, among those to compute. */
  public int[] dependents(int id) {
    return Arrays.copyOfRange(dependentFlat, dependentFrom[id], dependentFrom[id + 1]);
  }

  /** The number of entries that read an entry, plus one if it is requested. */
  public int consumers(int id) {
    return consumers[id];
  }

  /**
   * The requested structure with each key replaced by its result.
   *
   * @param results results by entry id
   * @return the same nesting as the requested keys
   */
  public Object fill(Object[] results) {
    return NestedKeys.map(requested, k -> results[index.get(Keys.normalize(k))]);
  }

  private static final class Builder {
    final Map<?, ?> dsk;
    final Object requested;
    final int n;
    final Object[] keys;
    final KeyIndex index;
    int[] depFrom;
    int[] depCount;
    int[] depFlat;
    int[] dependentFrom;
    int[] dependentFlat;
    int[] consumers;
    int[] order;
    int[] initialReady;

    Builder(Map<?, ?> dsk, Object requested) {
      this.dsk = dsk;
      this.requested = requested;
      this.n = dsk.size();
      this.keys = new Object[n];
      this.index = new KeyIndex(n);
    }

    GraphPlan build() {
      indexEntries();
      boolean[] output = new boolean[n];
      int[] outputs = requestedIds(output);
      collectNeeded(outputs);
      linkDependents(output);
      orderOrReportCycle();
      return new GraphPlan(this);
    }

    private void indexEntries() {
      int i = 0;
      for (Map.Entry<?, ?> e : dsk.entrySet()) {
        Object key = e.getKey();
        Object canonical = Keys.isKey(key) ? Keys.normalize(key) : requireKeyType(key);
        int id = index.add(canonical);
        if (id < 0) {
          throw new GraphException(
              "the graph holds the key " + Keys.repr(key) + " twice (as "
                  + keys[-1 - id].getClass().getSimpleName() + " and " + key.getClass().getSimpleName()
                  + "); integral keys compare by value, keep one of them");
        }
        keys[i] = key;
        i++;
      }
    }

    private static Object requireKeyType(Object key) {
      if (key instanceof io.tendril.graph.Task) {
        throw new GraphException(
            "a Task cannot be a key of the graph: " + key
                + "; use a String, an integral number or Key.of(...) as the key and the Task as its value");
      }
      throw new GraphException(
          (key == null ? "null" : "a " + key.getClass().getSimpleName() + " (" + key + ")")
              + " cannot be a key of the graph: keys are Strings, integral numbers or tuple keys made with Key.of(...)");
    }

    private int[] requestedIds(boolean[] output) {
      IntList ids = new IntList(16);
      NestedKeys.map(requested, k -> {
        if (k instanceof io.tendril.graph.Task) {
          throw new GraphException(
              "a Task was requested as a key: " + k + "; request the key under which the task is stored in the graph");
        }
        int id = Keys.isKey(k) ? index.get(Keys.normalize(k)) : -1;
        if (id < 0) {
          throw new GraphException(
              (Keys.isKey(k) ? Keys.repr(k) : "a " + (k == null ? "null" : k.getClass().getSimpleName() + " (" + k + ")"))
                  + " is not a key in the graph" + hint(k));
        }
        if (!output[id]) {
          output[id] = true;
          ids.add(id);
        }
        return null;
      });
      return ids.toArray();
    }

    private String hint(Object k) {
      return n == 0 ? " (the graph is empty)" : "";
    }

    /** Walks from the requested entries to everything they need, recording dependencies. */
    private void collectNeeded(int[] outputs) {
      depFrom = new int[n];
      depCount = new int[n];
      Arrays.fill(depFrom, -1);
      IntList flat = new IntList(Math.max(16, n));
      int[] seenBy = new int[n];
      IntList queue = new IntList(Math.max(16, n));
      for (int o : outputs) {
        depFrom[o] = 0;
        queue.add(o);
      }
      ValueWalker walker = new ValueWalker();
      int[] current = new int[1];
      for (int q = 0; q < queue.size(); q++) {
        int id = queue.get(q);
        current[0] = id;
        int start = flat.size();
        walker.walk(dsk.get(keys[id]), k -> {
          int d = index.get(k);
          if (d < 0) {
            if (k instanceof Key) {
              throw new GraphException(
                  "the value of " + Keys.repr(keys[current[0]]) + " refers to " + k
                      + ", which is not a key in the graph");
            }
            return;
          }
          if (seenBy[d] != current[0] + 1) {
            seenBy[d] = current[0] + 1;
            flat.add(d);
            if (depFrom[d] < 0) {
              depFrom[d] = 0;
              queue.add(d);
            }
          }
        });
        depFrom[id] = start;
        depCount[id] = flat.size() - start;
      }
      depFlat = flat.toArray();
      order = queue.toArray(); // the needed ids, reordered below
    }

    private void linkDependents(boolean[] output) {
      int[] needed = order;
      dependentFrom = new int[n + 1];
      for (int id : needed) {
        for (int j = depFrom[id], e = j + depCount[id]; j < e; j++) {
          dependentFrom[depFlat[j] + 1]++;
        }
      }
      for (int i = 0; i < n; i++) {
        dependentFrom[i + 1] += dependentFrom[i];
      }
      dependentFlat = new int[dependentFrom[n]];
      int[] fill = Arrays.copyOf(dependentFrom, n);
      // Ascending ids keep each dependents list in graph order.
      int[] sortedNeeded = needed.clone();
      Arrays.sort(sortedNeeded);
      for (int id : sortedNeeded) {
        for (int j = depFrom[id], e = j + depCount[id]; j < e; j++) {
          dependentFlat[fill[depFlat[j]]++] = id;
        }
      }
      consumers = new int[n];
      for (int id : needed) {
        consumers[id] = dependentFrom[id + 1] - dependentFrom[id] + (output[id] ? 1 : 0);
      }
      order = sortedNeeded;
    }

    /** Kahn's algorithm with a stack: the order the synchronous executor follows. */
    private void orderOrReportCycle() {
      int[] needed = order;
      int[] waiting = new int[n];
      IntList ready = new IntList(16);
      for (int i = needed.length - 1; i >= 0; i--) {
        int id = needed[i];
        waiting[id] = depCount[id];
        if (waiting[id] == 0) {
          ready.add(id);
        }
      }
      initialReady = new int[ready.size()];
      for (int i = 0; i < initialReady.length; i++) {
        initialReady[i] = ready.get(initialReady.length - 1 - i);
      }
      int[] result = new int[needed.length];
      int done = 0;
      while (ready.size() > 0) {
        int id = ready.pop();
        result[done++] = id;
        for (int j = dependentFrom[id + 1] - 1; j >= dependentFrom[id]; j--) {
          int d = dependentFlat[j];
          if (--waiting[d] == 0) {
            ready.add(d);
          }
        }
      }
      if (done < needed.length) {
        throw new GraphException(describeCycle(waiting, needed));
      }
      order = result;
    }

    /** Follows unfinished dependencies from a blocked entry until one repeats. */
    private String describeCycle(int[] waiting, int[] needed) {
      int start = -1;
      for (int id : needed) {
        if (waiting[id] > 0) {
          start = id;
          break;
        }
      }
      int[] visitedAt = new int[n];
      Arrays.fill(visitedAt, -1);
      IntList path = new IntList(16);
      int cur = start;
      while (visitedAt[cur] < 0) {
        visitedAt[cur] = path.size();
        path.add(cur);
        int next = -1;
        for (int j = depFrom[cur], e = j + depCount[cur]; j < e; j++) {
          if (waiting[depFlat[j]] > 0) {
            next = depFlat[j];
            break;
          }
        }
        cur = next;
      }
      List<String> names = new ArrayList<>();
      for (int i = visitedAt[cur]; i < path.size(); i++) {
        names.add(Keys.repr(keys[path.get(i)]));
      }
      // Dependencies point backwards along the path: print the cycle in the direction of data flow.
      java.util.Collections.reverse(names);
      names.add(names.get(0));
      StringBuilder sb = new StringBuilder("cycle in the graph: ");
      int shown = 0;
      for (String s : names) {
        if (shown > 0) {
          sb.append(" -> ");
        }
        if (shown == 20 && names.size() > 22) {
          sb.append("... (").append(names.size() - 21).append(" more) -> ").append(names.get(names.size() - 1));
          break;
        }
        sb.append(s);
        shown++;
      }
      return sb.toString();
    }
  }
}

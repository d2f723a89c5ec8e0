package io.tendril.manager.makeflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Which rule needs which, derived from file names for a {@link Workflow}: a rule depends on the
 * rule that makes one of its sources. Also the order to run them in, and the files no rule makes.
 * Built without recursion, so a chain of any length is fine.
 */
final class DependencyGraph {
  private final Map<String, Integer> producers;
  private final int[][] dependencies;
  private final int[][] dependents;
  private final int[] order;
  private final List<String> sourcesNotProduced;

  private DependencyGraph(Map<String, Integer> producers, int[][] dependencies,
      int[][] dependents, int[] order, List<String> sourcesNotProduced) {
    this.producers = producers;
    this.dependencies = dependencies;
    this.dependents = dependents;
    this.order = order;
    this.sourcesNotProduced = sourcesNotProduced;
  }

  /**
   * Builds the graph of {@code rules}, which must not share a target.
   *
   * @throws MakeflowException when the rules form a cycle
   */
  static DependencyGraph of(List<Rule> rules, String sourceName) throws MakeflowException {
    int n = rules.size();
    Map<String, Integer> producers = new HashMap<>();
    for (Rule r : rules) {
      for (FileRef t : r.targets()) {
        producers.put(t.name(), r.index());
      }
    }
    int[][] deps = new int[n][];
    List<List<Integer>> reverse = new ArrayList<>(n);
    Set<String> missing = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      reverse.add(new ArrayList<>());
    }
    for (Rule r : rules) {
      Set<Integer> mine = new LinkedHashSet<>();
      for (FileRef s : r.sources()) {
        Integer p = producers.get(s.name());
        if (p == null) {
          missing.add(s.name());
        } else {
          mine.add(p);
        }
      }
      deps[r.index()] = mine.stream().mapToInt(Integer::intValue).sorted().toArray();
      for (int p : deps[r.index()]) {
        reverse.get(p).add(r.index());
      }
    }
    int[][] dependents = new int[n][];
    for (int i = 0; i < n; i++) {
      dependents[i] = reverse.get(i).stream().mapToInt(Integer::intValue).sorted().toArray();
    }
    int[] order = topologicalOrder(deps, dependents);
    if (order.length < n) {
      throw cycleError(rules, deps, order, sourceName);
    }
    return new DependencyGraph(Map.copyOf(producers), deps, dependents, order,
        List.copyOf(missing));
  }

  /** Kahn's algorithm, always taking the ready rule written first; short when there is a cycle. */
  private static int[] topologicalOrder(int[][] deps, int[][] dependents) {
    int n = deps.length;
    int[] waiting = new int[n];
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      waiting[i] = deps[i].length;
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    int[] order = new int[n];
    int done = 0;
    while (!ready.isEmpty()) {
      int r = ready.poll();
      order[done++] = r;
      for (int d : dependents[r]) {
        if (--waiting[d] == 0) {
          ready.add(d);
        }
      }
    }
    return Arrays.copyOf(order, done);
  }

  /**
   * Names one cycle among the rules left out of the order: each of them still waits for another
   * one left out, so walking from the first one must come back to a rule already seen.
   */
  private static MakeflowException cycleError(List<Rule> rules, int[][] deps, int[] order,
      String sourceName) {
    boolean[] ordered = new boolean[rules.size()];
    for (int r : order) {
      ordered[r] = true;
    }
    int start = 0;
    while (ordered[start]) {
      start++;
    }
    Map<Integer, Integer> seenAt = new HashMap<>();
    List<Integer> path = new ArrayList<>();
    int cur = start;
    while (!seenAt.containsKey(cur)) {
      seenAt.put(cur, path.size());
      path.add(cur);
      int next = -1;
      for (int d : deps[cur]) {
        if (!ordered[d]) {
          next = d;
          break;
        }
      }
      cur = next;
    }
    List<Integer> cycle = new ArrayList<>(path.subList(seenAt.get(cur), path.size()));
    int first = cycle.indexOf(cycle.stream().min(Integer::compare).orElseThrow());
    List<Integer> rotated = new ArrayList<>(cycle.subList(first, cycle.size()));
    rotated.addAll(cycle.subList(0, first));
    // rotated.get(i) needs a file made by rotated.get(i + 1), and the last needs the first.
    int k = rotated.size();
    String[] links = new String[k];
    for (int i = 0; i < k; i++) {
      Rule needer = rules.get(rotated.get(i));
      Rule maker = rules.get(rotated.get((i + 1) % k));
      links[i] = linkingFile(needer, maker);
    }
    StringJoiner chain = new StringJoiner(" -> ");
    chain.add(links[k - 1]);
    for (String link : links) {
      chain.add(link);
    }
    StringJoiner lines = new StringJoiner(", ");
    for (int r : rotated) {
      lines.add(String.valueOf(rules.get(r).line()));
    }
    Rule head = rules.get(rotated.get(0));
    String reason = "cycle: " + chain + " (made by the rule" + (k > 1 ? "s" : "") + " at line"
        + (k > 1 ? "s " : " ") + lines + ")";
    return new MakeflowException(sourceName, head.positionOf(links[k - 1]), reason);
  }

  private static String linkingFile(Rule needer, Rule maker) {
    for (FileRef s : needer.sources()) {
      for (FileRef t : maker.targets()) {
        if (s.name().equals(t.name())) {
          return s.name();
        }
      }
    }
    throw new IllegalStateException("no file links rule " + needer.index() + " to " + maker.index());
  }

  /** The index of the rule that makes {@code file}, or null. */
  Integer producerOf(String file) {
    return producers.get(file);
  }

  /** The indexes of the rules {@code rule} waits for, ascending. */
  int[] dependenciesOf(int rule) {
    return dependencies[rule];
  }

  /** The indexes of the rules that wait for {@code rule}, ascending. */
  int[] dependentsOf(int rule) {
    return dependents[rule];
  }

  /** Rule indexes with every rule after the rules it depends on. */
  int[] order() {
    return order;
  }

  /** Source names that no rule makes, in the order they first appear. */
  List<String> sourcesNotProduced() {
    return sourcesNotProduced;
  }
}

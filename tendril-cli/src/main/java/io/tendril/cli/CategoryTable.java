package io.tendril.cli;

import io.tendril.manager.CategorySummary;
import io.tendril.protocol.Resources;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * One category's table in {@code tendril status}: a heading with its mode and its tasks done,
 * running and waiting, then a row per resource with the largest peak measured, the first
 * allocation in effect and the maximum. The same table whether the figures come from a
 * transaction log ({@link CategoryReport}) or from a running manager ({@link ManagerReport}).
 *
 * @param name the category's name
 * @param mode its mode's label
 * @param done its tasks done
 * @param running its tasks running
 * @param waiting its tasks waiting
 * @param exhaustions what to say of its exhaustions, or null when there were none
 * @param maxConcurrent how many of its tasks may run at once, zero for no limit
 * @param seen the largest peak of each resource (cores, memory MB, disk MB, gpus)
 * @param first the first allocation of each, zero for none
 * @param max the maximum of each, zero for none
 */
record CategoryTable(String name, String mode, long done, long running, long waiting, String exhaustions,
    int maxConcurrent, double[] seen, double[] first, double[] max) {
  private static final String[] RESOURCES = {"cores", "memory", "disk", "gpus"};

  /** The table of a category as a running manager reports it. */
  static CategoryTable of(CategorySummary c) {
    return new CategoryTable(c.name(), c.mode().label(), c.tasksDone(), c.tasksRunning(), c.tasksWaiting(),
        c.exhaustions() == 0 ? null : c.exhaustions() + " of " + (c.exhaustions() + c.completions())
            + " measured attempts",
        c.maxConcurrent(), amounts(c.maxSeen()), amounts(c.firstAllocation().orElse(Resources.NONE)),
        amounts(c.max()));
  }

  private static double[] amounts(Resources r) {
    return new double[] {r.cores(), r.memoryMb(), r.diskMb(), r.gpus()};
  }

  /** Prints the heading and the rows; GPUs only when some figure of them is not zero. */
  void print(PrintWriter out) {
    StringBuilder head = new StringBuilder("category ").append(name).append(" (").append(mode).append("): ")
        .append(done).append(" done, ").append(running).append(" running, ").append(waiting).append(" waiting");
    if (exhaustions != null) {
      head.append("; exhausted: ").append(exhaustions);
    }
    if (maxConcurrent > 0) {
      head.append("; at most ").append(maxConcurrent).append(" at once");
    }
    out.println(head);
    out.printf(Locale.ROOT, "  %-8s %10s %18s %10s%n", "resource", "max seen", "first allocation", "maximum");
    for (int i = 0; i < 4; i++) {
      if (i == 3 && seen[3] == 0 && first[3] == 0 && max[3] == 0) {
        continue; // no GPUs anywhere: no row
      }
      out.printf(Locale.ROOT, "  %-8s %10s %18s %10s%n", RESOURCES[i], amount(i, seen[i], "0"),
          amount(i, first[i], "-"), amount(i, max[i], "-"));
    }
  }

  /** An amount of resource {@code resource} (0 cores, 1 memory, 2 disk, 3 gpus); {@code zero} for 0. */
  static String amount(int resource, double v, String zero) {
    if (v == 0) {
      return zero;
    }
    String n = v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    return resource == 1 || resource == 2 ? n + " MB" : n;
  }
}

package io.tendril.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The workers of a run whose disk is full at the end of its transaction log, for {@code tendril
 * status}: a worker's {@code disk-full} event puts it here, its {@code disk-ok} or {@code
 * disconnect} takes it out (docs/transaction-log.md). The counterpart of the manager's {@code
 * WorkerDisks}, which writes those events. {@link ManagerReport} fills it from a running manager's
 * workers instead.
 */
final class FullDisks {
  /** What the last disk-full event of each worker still full said. */
  private final Map<String, String> full = new LinkedHashMap<>();

  /** Reads one worker event. */
  void apply(Map<?, ?> e) {
    Object worker = e.get("worker");
    if (worker == null) {
      return;
    }
    switch (String.valueOf(e.get("event"))) {
      case "disk-full" -> full.put(worker.toString(), number(e, "free_mb") + " MB usable, floor "
          + number(e, "floor_mb") + " MB: " + (e.get("reason") == null ? "no reason given" : e.get("reason")));
      case "disk-ok", "disconnect" -> full.remove(worker.toString());
      default -> { }
    }
  }

  /** Notes a worker whose disk is full, as a running manager reports it. */
  void put(String worker, String why) {
    full.put(worker, why);
  }

  /** Prints the workers whose disk is full, if any, after a blank line. */
  void print(PrintWriter out) {
    if (full.isEmpty()) {
      return;
    }
    out.println();
    out.println("workers whose disk is full (they take no task that needs disk until they report room):");
    full.forEach((worker, what) -> out.println("  " + worker + ": " + what));
  }

  private static long number(Map<?, ?> e, String field) {
    return e.get(field) instanceof Number n ? n.longValue() : 0;
  }
}

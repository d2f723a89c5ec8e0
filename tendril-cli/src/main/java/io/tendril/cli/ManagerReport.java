package io.tendril.cli;

import io.tendril.manager.CategorySummary;
import io.tendril.manager.ManagerStats;
import io.tendril.manager.ManagerStatus;
import io.tendril.manager.WorkerSummary;
import io.tendril.protocol.Resources;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@code tendril status HOST:PORT} prints of a running manager's {@link ManagerStatus}: a
 * heading with its tasks, workers and transfers, the per-category tables ({@link CategoryTable},
 * as for a run directory), a table of the connected workers, and the workers whose disk is full.
 */
final class ManagerReport {
  private ManagerReport() {}

  static void print(ManagerStatus s, String address, PrintWriter out) {
    ManagerStats c = s.stats();
    Duration up = Duration.between(s.startedAt(), s.takenAt());
    out.printf(Locale.ROOT, "manager '%s' at %s, up %s%n", s.managerName(), address, human(up));
    out.printf(Locale.ROOT, "tasks: %d submitted, %d waiting for inputs, %d ready, %d running, %d retrieving, %d done"
        + " (%d attempts requeued, %d temps remade)%n", c.tasksSubmitted(), c.tasksWaiting(), c.tasksReady(),
        c.tasksRunning(), c.tasksRetrieving(), c.tasksDone(), c.tasksRequeued(), c.tempsRecovered());
    out.printf(Locale.ROOT, "workers: %d connected, %d joined, %d lost%n", c.workersConnected(), c.workersJoined(),
        c.workersLost());
    out.printf(Locale.ROOT, "transfers: %d worker to worker (%s), %d from the manager, %d of URLs, %d failed;"
        + " the manager sent %s and received %s%n", c.peerTransfers(), Sizes.bytes(c.peerBytes()),
        c.managerTransfers(), c.urlTransfers(), c.transferFailures(), Sizes.bytes(c.bytesSentByManager()),
        Sizes.bytes(c.bytesReceivedByManager() + c.inlineBytesReceived()));
    for (CategorySummary k : s.categories()) {
      out.println();
      CategoryTable.of(k).print(out);
    }
    if (s.categories().isEmpty()) {
      out.println();
      out.println("no tasks yet");
    }
    out.println();
    if (s.workers().isEmpty()) {
      out.println("no workers connected");
      return;
    }
    out.printf(Locale.ROOT, "%-24s %9s %17s %17s %5s %14s %18s %9s%n", "worker", "cores", "memory", "disk", "gpus",
        "tasks", "cache", "heard");
    FullDisks full = new FullDisks();
    for (WorkerSummary w : s.workers()) {
      Resources t = w.total();
      Resources u = w.committed();
      out.printf(Locale.ROOT, "%-24s %9s %17s %17s %5s %14s %18s %9s%n", w.id() + "@" + w.hostname(),
          used(0, u.cores(), t.cores()), used(1, u.memoryMb(), t.memoryMb()), used(2, u.diskMb(), t.diskMb()),
          used(3, u.gpus(), t.gpus()), tasks(w),
          w.cachedFiles() + " / " + Sizes.bytes(w.cachedBytes()), human(w.sinceHeard()) + " ago");
      w.diskFull().ifPresent(why -> full.put(w.id() + "@" + w.hostname(), why));
    }
    out.println("(in use/total of each resource; tasks: running, +q sent ahead and queued there, +r outputs coming"
        + " back)");
    full.print(out);
  }

  /** Tasks running, then those queued and those whose outputs are coming back, if any. */
  private static String tasks(WorkerSummary w) {
    String s = String.valueOf(w.tasksRunning());
    if (w.tasksQueued() > 0) {
      s += " +" + w.tasksQueued() + "q";
    }
    if (w.tasksRetrieving() > 0) {
      s += " +" + w.tasksRetrieving() + "r";
    }
    return s;
  }

  /** "in use/total" of one resource. */
  private static String used(int resource, double inUse, double total) {
    String t = CategoryTable.amount(resource, total, "0");
    String u = CategoryTable.amount(resource, inUse, "0");
    return resource == 1 || resource == 2 ? u.replace(" MB", "") + "/" + t : u + "/" + t;
  }

  /** 850 ms, 12.3 s, 5m 02s, 3h 04m. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
  }
}

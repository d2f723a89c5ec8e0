package io.tendril.manager;

import io.tendril.protocol.wire.DiskStatus;
import io.tendril.protocol.wire.Hello;

/**
 * Which workers have a full disk, and what that keeps from them. A worker says its workspace's disk
 * is full (in Hello, then by a DiskStatus at each change) when its usable space fell below its floor
 * or a write failed for lack of space. Until it reports room again, it gets no task that needs disk
 * ({@link #needsDisk}): it may still run tasks that need none. A task a worker ends {@code
 * DISK_FULL} goes back to ready as the worker's failure, not the task's, naming the worker ({@link
 * #blame}). Each change is a worker event of the transaction log: {@code disk-full} and {@code
 * disk-ok}.
 *
 * <p>Loop-confined, like all scheduling state: {@link ManagerCore} calls it on Hello and DiskStatus,
 * and asks {@link #refuses} while it chooses a worker. The state itself is {@link
 * WorkerEntry#diskFull}. Its counterpart on the worker's side is the DiskWatch, which judges when
 * the disk is full and refuses tasks that need disk itself should one arrive before this side knew.
 */
final class WorkerDisks {
  private final TransactionLog log;

  WorkerDisks(TransactionLog log) {
    this.log = log;
  }

  /** A worker connected: its Hello says whether its disk is full already. */
  void onHello(WorkerEntry w, Hello h) {
    if (h.hasDiskStatus()) {
      onStatus(w, h.getDiskStatus());
    }
  }

  /** A worker's disk became full, or has room again. */
  void onStatus(WorkerEntry w, DiskStatus s) {
    if (s.getFull()) {
      boolean was = w.diskFull != null;
      w.diskFull = s.getReason().isBlank() ? "the worker gave no reason" : s.getReason();
      if (!was) {
        log.event("worker", "event", "disk-full", "worker", w.label(), "free_mb", s.getFreeMb(),
            "floor_mb", s.getFloorMb(), "reason", w.diskFull);
      }
    } else if (w.diskFull != null) {
      w.diskFull = null;
      log.event("worker", "event", "disk-ok", "worker", w.label(), "free_mb", s.getFreeMb(),
          "floor_mb", s.getFloorMb());
    }
  }

  /**
   * Whether a worker must not get a task because its disk is full and the task needs disk there.
   *
   * @param w the candidate worker
   * @param t the task, with its request for this dispatch set
   * @return true to pass the worker over
   */
  static boolean refuses(WorkerEntry w, TaskEntry t) {
    return w.diskFull != null && needsDisk(t, w);
  }

  /**
   * Whether a task needs disk on a worker: it requests disk (declared, or from its category), it has
   * outputs to store (a function call always has one), or one of its inputs is not yet on that
   * worker and would have to be staged there.
   */
  static boolean needsDisk(TaskEntry t, WorkerEntry w) {
    if (t.request.request().diskMb() > 0 || !t.spec.outputs().isEmpty() || t.spec.call() != null) {
      return true;
    }
    for (DeclaredFile in : t.spec.inputs().keySet()) {
      if (!w.has(in.cacheName())) {
        return true;
      }
    }
    return false;
  }

  /** Why a task goes back to ready after its worker ended it DISK_FULL: names the worker. */
  static String blame(WorkerEntry w, String message) {
    return "disk full on worker " + w.label() + (message.isEmpty() ? "" : ": " + message);
  }

  /** How many of these workers have a full disk. */
  static int count(Iterable<WorkerEntry> workers) {
    int n = 0;
    for (WorkerEntry w : workers) {
      if (w.diskFull != null) {
        n++;
      }
    }
    return n;
  }
}

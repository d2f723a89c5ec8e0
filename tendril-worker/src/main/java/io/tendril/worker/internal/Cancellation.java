package io.tendril.worker.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A request to stop one piece of blocking work (a fetch, a mini-task, an unpack): the work
 * registers how it is stopped (cancel a gRPC context, an HTTP exchange, kill a process) and the
 * worker's loop cancels it when the manager is lost or the worker exits. Thread-safe; actions
 * registered after cancellation run at once.
 */
final class Cancellation {
  private final List<Runnable> actions = new ArrayList<>();
  private boolean cancelled;

  /** Whether {@link #cancel()} was called. */
  synchronized boolean isCancelled() {
    return cancelled;
  }

  /**
   * Registers how to stop the work.
   *
   * @param action run once on cancellation (at once if already cancelled)
   */
  void onCancel(Runnable action) {
    synchronized (this) {
      if (!cancelled) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }

  /** Stops the work: runs every registered action once. */
  void cancel() {
    List<Runnable> run;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      run = List.copyOf(actions);
      actions.clear();
    }
    for (Runnable r : run) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // Stopping is best effort; the work ends on its own deadline otherwise.
      }
    }
  }
}

package io.tendril.manager;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends what the manager's loop produced for each worker in one turn as one message: {@link
 * WorkerEntry#send} queues, and after every turn (events, tick, scheduling pass) the loop calls
 * {@link #flush}, which sends each worker's queue as a {@code ManagerBatch} (or the message alone
 * when there is one). A dispatch pass that gives a worker fifty tasks costs one network message,
 * and no message waits longer than the turn that made it. Loop-owned: no locks.
 */
final class SendBatcher {
  private final List<WorkerEntry> waiting = new ArrayList<>();

  /** A worker's queue went from empty to not empty. */
  void queued(WorkerEntry w) {
    waiting.add(w);
  }

  /** Sends every queue. */
  void flush() {
    if (waiting.isEmpty()) {
      return;
    }
    for (WorkerEntry w : waiting) {
      w.flush();
    }
    waiting.clear();
  }
}

package io.tendril.manager;

import io.tendril.manager.resources.Allocation;
import io.tendril.manager.resources.AllocationStep;
import io.tendril.protocol.Resources;
import java.time.Instant;

/**
 * The manager's record of one task: its specification, where it is in its life ({@link
 * TaskState}), the worker and allocation of its current attempt, and its attempt counters.
 * Accessed only on the manager's loop. A recovery entry re-runs the producer of a lost temp file
 * and is never returned to the user.
 */
final class TaskEntry implements Comparable<TaskEntry> {
  final long id;
  final long seq;
  final CommandTask spec;
  final boolean recovery;
  TaskState state = TaskState.SUBMITTED;
  WorkerEntry worker;
  Resources allocation = Resources.NONE;
  /** What the current (or next) attempt asks for, from its category; set before each dispatch. */
  Allocation request;
  /** The larger request a retry after an exhaustion asks for; null until an attempt was exhausted. */
  Allocation retry;
  /** Whether it counts against its category's maxConcurrent (dispatched, not yet ended). */
  boolean holdsSlot;
  /** Whether its category held it back at maxConcurrent (it is then out of the ready queue). */
  boolean held;
  /** Attempts retried with a larger allocation after exceeding one; they spend no user retry. */
  int exhaustionRetries;
  int attempts;
  int applicationFailures;
  int workerFailures;
  int pendingRetrievals;
  /** Whether this attempt was sent ahead of room on its worker (see the worker-prefetch knob). */
  boolean prefetched;
  boolean retrievalFailed;
  String retrievalError;
  /** The last TaskFinished of the worker, kept while outputs are retrieved. */
  io.tendril.protocol.wire.TaskFinished finished;
  Instant submitted = Instant.now();
  Instant dispatched;
  Instant started;
  Instant ended;

  TaskEntry(long id, long seq, CommandTask spec, boolean recovery) {
    this.id = id;
    this.seq = seq;
    this.spec = spec;
    this.recovery = recovery;
    this.request = new Allocation(spec.resources(), AllocationStep.MAX);
  }

  /** Higher priority first, then submission order. */
  @Override
  public int compareTo(TaskEntry o) {
    int c = Double.compare(o.spec.priority(), spec.priority());
    return c != 0 ? c : Long.compare(seq, o.seq);
  }

  @Override
  public String toString() {
    return (recovery ? "recovery task " : "task ") + id;
  }
}

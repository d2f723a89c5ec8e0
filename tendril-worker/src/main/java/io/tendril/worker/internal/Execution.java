package io.tendril.worker.internal;

import io.tendril.protocol.wire.TaskFinished;

/**
 * One run of one RunTask, started by the {@link TaskScheduler}: a command ({@link TaskExecution})
 * or a function call in a library ({@link CallExecution}). {@link #run()} runs on a pool thread;
 * {@link #kill()} may come from the worker's loop at any time, before, during or after the run.
 */
interface Execution {
  /**
   * Runs the task to its end; never throws.
   *
   * @return the TaskFinished to send, with every field but the task id set
   */
  TaskFinished.Builder run();

  /** Stops the task, or keeps it from starting; the result is CANCELLED. Returns at once. */
  void kill();

  /** Whether the task was started: a command spawned, or a call sent to a library. */
  boolean spawned();
}

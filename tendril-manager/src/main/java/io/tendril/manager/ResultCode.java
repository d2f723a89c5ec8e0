package io.tendril.manager;

/**
 * How a task ended. A task's failure is data on the task, never an exception: check {@link
 * CommandTask#resultCode()} and {@link CommandTask#exitCode()} after {@link Manager#await}.
 */
public enum ResultCode {
  /** The command ran to the end; its exit code says whether it succeeded. */
  SUCCESS,
  /** An input could not be brought to the worker (a missing local file, an unreachable URL). */
  INPUT_MISSING,
  /** The command exited 0 but a declared output was not there. */
  OUTPUT_MISSING,
  /** The command was killed by a signal. */
  SIGNAL,
  /** The command ran longer than its maximum wall time and was stopped. */
  MAX_WALL_TIME,
  /** The command failed on every attempt its maximum retries allowed; the last attempt's exit code is kept. */
  MAX_RETRIES,
  /** Workers kept failing to run the task (sandbox or spawn errors), so the manager gave up on it. */
  FORSAKEN,
  /** The task was cancelled by {@link Manager#cancel} or {@link Manager#cancelByTag}. */
  CANCELLED,
  /** The task used more of a resource than it was allocated. */
  RESOURCE_EXHAUSTION,
  /** An output could not be brought back from the worker to the manager. */
  OUTPUT_TRANSFER_ERROR,
  /** A function call (a graph task run by {@link Manager#get}) threw an exception. */
  EXCEPTION
}

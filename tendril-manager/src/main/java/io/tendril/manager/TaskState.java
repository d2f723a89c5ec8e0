package io.tendril.manager;

/**
 * Where a task is in its life at the manager. The diagram (docs/manager.md):
 *
 * <pre>
 * SUBMITTED -> WAITING_INPUTS -> READY -> DISPATCHED -> RUNNING -> RETRIEVING -> DONE
 *                   ^               ^          |           |
 *                   +---------------+----------+-----------+   (worker lost: back, no retry spent)
 *                                   +----------------------+   (application failure with retries left)
 * any state -> DONE                                            (cancelled, permanent failure)
 * </pre>
 */
public enum TaskState {
  /** Accepted by {@link Manager#submit}, not yet looked at by the manager's loop. */
  SUBMITTED,
  /** Some input is a temp file that exists on no worker yet; waits for its producer. */
  WAITING_INPUTS,
  /** Every input can be had; waits for a worker with room. */
  READY,
  /** Sent to a worker, with the fetches of its inputs. */
  DISPATCHED,
  /** The worker started the command. */
  RUNNING,
  /** The command ended; outputs are coming back to the manager. */
  RETRIEVING,
  /** Finished, successfully or not; returned by {@link Manager#await} once. */
  DONE
}

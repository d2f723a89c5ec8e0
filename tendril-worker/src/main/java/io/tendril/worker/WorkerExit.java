package io.tendril.worker;

import java.util.Objects;

/**
 * Why a {@link Worker} stopped, and with what exit status. Created once by the worker when it
 * terminates and read by whoever runs it: {@link Worker#run()} turns it into the process's exit
 * status, tests inspect it through {@link Worker#exit()}. Its counterpart on the manager's side is
 * the end of the worker's control stream (or, for a refusal, the manager's {@code Refuse}).
 *
 * @param reason the kind of exit
 * @param message a sentence saying what happened, for logs and users
 */
public record WorkerExit(Reason reason, String message) {
  /** The kinds of exit. */
  public enum Reason {
    /** The manager sent {@code Shutdown}. */
    SHUTDOWN(false),
    /** The worker had no task and no fetch for its idle timeout. */
    IDLE(false),
    /** {@link Worker#close()} was called. */
    CLOSED(false),
    /** The manager refused the worker (another protocol version, a duplicate id, ...). */
    REFUSED(true),
    /**
     * The worker and the manager do not share a password: they hold different ones, only one of
     * them has one, or the manager failed to prove it. Never retried.
     */
    AUTHENTICATION_FAILED(true),
    /**
     * TLS could not be agreed with the manager: only one side speaks it, or the manager's
     * certificate is not the one this worker trusts. Never retried.
     */
    TLS_FAILED(true),
    /** The manager could not be reached within the connect timeout, at start or after losing it. */
    MANAGER_UNREACHABLE(true),
    /** The worker failed on its own (workspace or transfer server unusable). */
    FAILED(true);

    private final boolean error;

    Reason(boolean error) {
      this.error = error;
    }

    /**
     * Whether this kind of exit is an error.
     *
     * @return true for refusal, failed authentication or TLS, an unreachable manager and internal
     *     failure
     */
    public boolean isError() {
      return error;
    }
  }

  /**
   * Checks both fields are given.
   *
   * @param reason the kind of exit
   * @param message what happened
   */
  public WorkerExit {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Whether the worker stopped because something went wrong.
   *
   * @return true if {@link #reason()} is an error
   */
  public boolean isError() {
    return reason.isError();
  }

  /**
   * The exit status for a worker process: 0 when it was told to leave, was closed or was idle,
   * 1 otherwise.
   *
   * @return 0 or 1
   */
  public int exitCode() {
    return reason.isError() ? 1 : 0;
  }
}

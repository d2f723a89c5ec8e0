package io.tendril.worker.internal;

/**
 * A library process could not take or finish a call: it could not be started, it died (the message
 * holds its exit status and the last lines of its standard error), or the worker stopped it. The
 * call ends {@code WORKER_ERROR}: the worker's fault, not the function's.
 */
final class LibraryFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean accepted;

  /**
   * Creates the exception.
   *
   * @param message what happened to the library
   * @param accepted whether the call had been handed to the library (false: it never reached it
   *     and may be sent to another library)
   */
  LibraryFailedException(String message, boolean accepted) {
    super(message);
    this.accepted = accepted;
  }

  /** Whether the call had been handed to the library before it failed. */
  boolean accepted() {
    return accepted;
  }
}

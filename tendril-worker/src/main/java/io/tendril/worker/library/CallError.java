package io.tendril.worker.library;

/**
 * Something the library could not do for a call, as opposed to an exception of the user's function:
 * the function is not found, an argument or the result cannot be decoded or encoded, an input
 * cannot be read, the result cannot be written. Reported as LIBRARY_OUTCOME_ERROR with the message,
 * which names the function and the problem.
 */
final class CallError extends Exception {
  private static final long serialVersionUID = 1L;

  CallError(String message) {
    super(message, null, false, false);
  }
}

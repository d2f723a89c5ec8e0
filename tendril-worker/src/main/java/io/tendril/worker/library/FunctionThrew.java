package io.tendril.worker.library;

/**
 * Carries what a user's function threw (the cause) out of argument resolution and nested calls, to
 * be reported as LIBRARY_OUTCOME_EXCEPTION. Never shown to anyone itself.
 */
final class FunctionThrew extends Exception {
  private static final long serialVersionUID = 1L;

  FunctionThrew(Throwable thrown) {
    super(null, thrown, false, false);
  }
}

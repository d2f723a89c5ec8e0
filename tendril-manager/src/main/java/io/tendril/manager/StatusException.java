package io.tendril.manager;

/**
 * A {@link StatusClient} got no status: the manager could not be reached, refused the client (a
 * password that differs, or is missing on one side), spoke TLS where the client did not (or the
 * other way round), showed a certificate the client does not trust, or did not answer in time.
 * The message says which, and what to do.
 */
public final class StatusException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure with its explanation. */
  public StatusException(String message) {
    super(message);
  }
}

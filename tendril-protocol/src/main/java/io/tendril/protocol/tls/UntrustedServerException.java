package io.tendril.protocol.tls;

import java.security.cert.CertificateException;
import java.util.Optional;

/**
 * A TLS server's certificate was refused by a {@link ServerTrust}: its fingerprint is not the
 * pinned one, or it does not chain to the trusted certificates. The message says which side
 * shows what and what was expected. gRPC reports the failed handshake as {@code UNAVAILABLE} with
 * this exception somewhere in its causes; {@link #find} digs it out.
 */
public final class UntrustedServerException extends CertificateException {
  private static final long serialVersionUID = 1L;

  UntrustedServerException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The refusal behind a failure, if one was the reason.
   *
   * @param failure an exception, e.g. a gRPC {@code StatusRuntimeException}
   * @return the refusal's message, or empty if no refusal is among its causes
   */
  public static Optional<String> find(Throwable failure) {
    for (Throwable t = failure, prev = null; t != null && t != prev; prev = t, t = t.getCause()) {
      if (t instanceof UntrustedServerException u) {
        return Optional.of(u.getMessage());
      }
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof UntrustedServerException u) {
          return Optional.of(u.getMessage());
        }
      }
    }
    return Optional.empty();
  }
}

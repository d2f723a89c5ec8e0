package io.tendril.cli;

import io.tendril.protocol.tls.ServerTrust;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The TLS flags of the commands that connect to a manager ({@code tendril worker}, {@code tendril
 * status HOST:PORT}): {@code --ssl} with the manager's certificate pinned by {@code
 * --ssl-fingerprint} or trusted through {@code --ssl-ca}. Mixed into each such command; the
 * manager's side of these flags is {@link ManagerTlsOptions}.
 */
final class ManagerTrustOptions {
  @Option(names = "--ssl",
      description = "Speak TLS to the manager (started with --ssl too); a worker also serves files to peers over "
          + "TLS. Needs --ssl-fingerprint or --ssl-ca to know the manager's certificate (default: plaintext).")
  boolean ssl;

  @Option(names = "--ssl-fingerprint", paramLabel = "SHA256",
      description = "With --ssl: trust only the manager certificate with this SHA-256 fingerprint (64 hex digits, "
          + "colons allowed); the manager logs it and writes it to tls-fingerprint in its run directory.")
  String sslFingerprint;

  @Option(names = "--ssl-ca", paramLabel = "CERT.pem",
      description = "With --ssl: trust a manager certificate signed by a certificate in this PEM file (or equal to "
          + "one), for the host name in HOST:PORT.")
  Path sslCa;

  /**
   * How the manager's certificate is trusted; checks the flags go together.
   *
   * @return the trust, or null without {@code --ssl}
   * @throws IllegalArgumentException on flags that do not go together or an unreadable CA file;
   *     the message says which and what to do
   */
  ServerTrust trust() {
    if (!ssl) {
      if (sslFingerprint != null || sslCa != null) {
        throw new IllegalArgumentException("--ssl-fingerprint and --ssl-ca need --ssl");
      }
      return null;
    }
    if (sslFingerprint != null && sslCa != null) {
      throw new IllegalArgumentException("give --ssl-fingerprint or --ssl-ca, not both");
    }
    if (sslFingerprint != null) {
      return ServerTrust.pinned(sslFingerprint);
    }
    if (sslCa != null) {
      return ServerTrust.certificates(sslCa);
    }
    throw new IllegalArgumentException("--ssl needs to know the manager's certificate: --ssl-fingerprint SHA256 (the"
        + " manager logs it, and writes it to tls-fingerprint in its run directory) or --ssl-ca CERT.pem");
  }
}

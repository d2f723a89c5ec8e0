package io.tendril.cli;

import io.tendril.protocol.tls.TlsIdentity;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The TLS flags of the commands that start a manager ({@code tendril run}, {@code tendril get}):
 * {@code --ssl}, with {@code --ssl-key} and {@code --ssl-cert}, or a self-signed certificate made
 * for the run. Mixed into each such command; the worker's side of these flags is in {@link
 * WorkerCommand}.
 */
final class ManagerTlsOptions {
  @Option(names = "--ssl",
      description = "Speak TLS to the workers, and have them speak it to each other: with --ssl-key and --ssl-cert, "
          + "or a self-signed certificate made for the run, whose fingerprint workers pin (it is logged and written to "
          + "tls-fingerprint in the run directory; local workers get it). Default: plaintext.")
  boolean ssl;

  @Option(names = "--ssl-key", paramLabel = "KEY.pem", description = "With --ssl: the manager's private key (PEM, unencrypted).")
  Path key;

  @Option(names = "--ssl-cert", paramLabel = "CERT.pem",
      description = "With --ssl: the certificate of --ssl-key (PEM; intermediate certificates may follow it).")
  Path cert;

  /**
   * Checks the flags go together and, with {@code --ssl}, reads the key and certificate or makes a
   * self-signed pair.
   *
   * @return the manager's identity, or null without {@code --ssl}
   * @throws IllegalArgumentException on flags that do not go together, or a file that cannot be
   *     read; the message says which and what to do
   */
  TlsIdentity identity() {
    if ((key == null) != (cert == null)) {
      throw new IllegalArgumentException("--ssl-key and --ssl-cert go together: give both, or neither for a"
          + " self-signed certificate");
    }
    if (key != null && !ssl) {
      throw new IllegalArgumentException("--ssl-key and --ssl-cert need --ssl");
    }
    if (!ssl) {
      return null;
    }
    return key != null ? TlsIdentity.fromPem(key, cert) : TlsIdentity.selfSigned("tendril manager");
  }

  /** Whether {@code --ssl} was given. */
  boolean enabled() {
    return ssl;
  }
}

package io.tendril.manager;

import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.tls.TlsIdentity;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Manager} starts: where it listens, its name, and where it writes its logs.
 * Immutable; build with {@link #builder()}. Run-time knobs go through {@link Manager#tune}.
 */
public final class ManagerOptions {
  /** Default port: 0, any free port (read it back with {@link Manager#port()}). */
  public static final int DEFAULT_PORT = 0;
  /** Default interface to listen on: all of them, as workers come from other machines. */
  public static final String DEFAULT_HOST = "0.0.0.0";

  private final int port;
  private final String host;
  private final String name;
  private final Path runDirectory;
  private final SharedSecret password;
  private final TlsIdentity tls;

  private ManagerOptions(Builder b) {
    this.port = b.port;
    this.host = b.host;
    this.name = b.name;
    this.runDirectory = b.runDirectory;
    this.password = b.password;
    this.tls = b.tls;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port to listen on; 0 for any free port. */
  public int port() {
    return port;
  }

  /** The interface to listen on. */
  public String host() {
    return host;
  }

  /** The manager's name, shown to workers and in logs. */
  public String name() {
    return name;
  }

  /** Where the transaction log goes; null for a fresh temporary directory. */
  public Path runDirectory() {
    return runDirectory;
  }

  /**
   * The password workers must prove they know before the manager accepts them, and that guards
   * every transfer (docs/security.md); empty when none is required.
   */
  public Optional<SharedSecret> password() {
    return Optional.ofNullable(password);
  }

  /**
   * The key and certificate the manager serves TLS with (docs/security.md); empty for plaintext.
   */
  public Optional<TlsIdentity> tls() {
    return Optional.ofNullable(tls);
  }

  /** Builds {@link ManagerOptions}. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private String host = DEFAULT_HOST;
    private String name = "tendril";
    private Path runDirectory;
    private SharedSecret password;
    private TlsIdentity tls;

    private Builder() {}

    /** The port, 0 to 65535 (0 = any free port). */
    public Builder port(int p) {
      if (p < 0 || p > 65535) {
        throw new IllegalArgumentException("port must be 0..65535 (0 = any free port), got " + p);
      }
      port = p;
      return this;
    }

    /** The interface to listen on, e.g. "127.0.0.1" for this machine only. */
    public Builder host(String h) {
      host = Objects.requireNonNull(h, "host");
      return this;
    }

    /** The manager's name. */
    public Builder name(String n) {
      if (n == null || n.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      name = n;
      return this;
    }

    /** The run directory, created if missing. */
    public Builder runDirectory(Path dir) {
      runDirectory = dir;
      return this;
    }

    /**
     * Requires workers to prove they know the password held in a file (its bytes, without the line
     * ends at its end); the file is read now. Workers are started with the same file ({@code
     * tendril worker --password FILE}).
     *
     * @throws IllegalArgumentException if the file cannot be read or is empty; the message names it
     */
    public Builder password(Path file) {
      password = SharedSecret.fromFile(file);
      return this;
    }

    /**
     * Requires workers to prove they know this password (copied).
     *
     * @throws IllegalArgumentException if it is null or empty
     */
    public Builder password(byte[] bytes) {
      password = SharedSecret.of(bytes);
      return this;
    }

    /**
     * Speaks TLS with a self-signed certificate made now, for this manager's life: workers pin its
     * fingerprint ({@code tendril worker --ssl --ssl-fingerprint SHA256}), which the manager logs
     * and writes to {@code tls-fingerprint} in its run directory (the certificate, naming this
     * machine and localhost, goes to {@code tls-certificate.pem} there). Peer transfers go over TLS
     * too.
     */
    public Builder tls() {
      tls = TlsIdentity.selfSigned("tendril manager");
      return this;
    }

    /**
     * Speaks TLS with a key and certificate from PEM files (read now), as {@code openssl} writes
     * them. Workers trust it by its fingerprint or by the CA that signed it ({@code --ssl-ca}).
     *
     * @param keyFile an unencrypted private key
     * @param certFile its certificate, then any intermediate certificates
     * @throws IllegalArgumentException if a file cannot be read or parsed, or the key does not
     *     belong to the certificate; the message names the file
     */
    public Builder tls(Path keyFile, Path certFile) {
      tls = TlsIdentity.fromPem(keyFile, certFile);
      return this;
    }

    /** Speaks TLS with this identity. */
    public Builder tls(TlsIdentity identity) {
      tls = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /** The options. */
    public ManagerOptions build() {
      return new ManagerOptions(this);
    }
  }
}

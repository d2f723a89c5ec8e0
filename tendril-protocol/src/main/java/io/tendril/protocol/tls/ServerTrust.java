package io.tendril.protocol.tls;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a TLS client decides to trust a server: by pinning the SHA-256 fingerprint of the server's
 * certificate ({@link #pinned}), or by verifying the certificate against CA certificates read from
 * a PEM file, host name included ({@link #certificates}). A worker trusts its manager one of these
 * two ways ({@code --ssl-fingerprint} or {@code --ssl-ca}); transfers always pin the fingerprint
 * the manager passed for their source. A refused certificate fails the handshake with an {@link
 * UntrustedServerException} that names what was shown and what was expected. Immutable.
 */
public final class ServerTrust {
  private final String fingerprint;
  private final Path caFile;
  private final List<X509Certificate> authorities;

  private ServerTrust(String fingerprint, Path caFile, List<X509Certificate> authorities) {
    this.fingerprint = fingerprint;
    this.caFile = caFile;
    this.authorities = authorities;
  }

  /**
   * Trusts exactly the certificate with this fingerprint, whatever names it holds and whoever
   * signed it.
   *
   * @param fingerprint SHA-256 of the certificate, 64 hex digits (colons and upper case allowed)
   * @return the trust
   * @throws IllegalArgumentException if it is not a SHA-256 fingerprint
   */
  public static ServerTrust pinned(String fingerprint) {
    return new ServerTrust(Fingerprints.parse(fingerprint), null, List.of());
  }

  /**
   * Trusts certificates that chain to one of the certificates in a PEM file (a CA's, or the
   * server's own self-signed one) and name the host the client connects to. The file is read now.
   *
   * @param caFile PEM certificates
   * @return the trust
   * @throws IllegalArgumentException if the file cannot be read or holds no certificate
   */
  public static ServerTrust certificates(Path caFile) {
    return new ServerTrust(null, caFile, Pem.certificates(caFile));
  }

  /** The pinned fingerprint, or empty when trusting CA certificates. */
  public Optional<String> fingerprint() {
    return Optional.ofNullable(fingerprint);
  }

  /** The CA file, or empty when pinning. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /**
   * gRPC channel credentials that speak TLS and trust the server as this says.
   *
   * @param who the server as the refusal's message names it, e.g. {@code "the manager"}
   * @return the credentials
   */
  public ChannelCredentials credentials(String who) {
    return TlsChannelCredentials.newBuilder().trustManager(trustManager(who)).build();
  }

  /**
   * A JSSE client context that trusts the server as this says, for connections that are not gRPC
   * (a worker's transfer data port). A refused certificate fails the handshake with an {@link
   * UntrustedServerException} among the causes.
   *
   * @param who the server as the refusal's message names it
   * @return the context
   */
  public SSLContext clientContext(String who) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {trustManager(who)}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e, e);
    }
  }

  TrustManager trustManager(String who) {
    if (fingerprint != null) {
      return new Pinned(who, fingerprint);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < authorities.size(); i++) {
        store.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(store);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return new Authorities(who, caFile, x);
        }
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot trust the certificates of " + caFile + ": " + e, e);
    }
  }

  /** How the server is trusted, for logs. */
  @Override
  public String toString() {
    return fingerprint != null ? "certificate fingerprint " + fingerprint : "CA certificates of " + caFile;
  }

  /** Base of the two trust managers: servers only. */
  private abstract static class ServerOnly extends X509ExtendedTrustManager {
    abstract void check(X509Certificate[] chain, String authType, SSLEngine engine, Socket socket)
        throws CertificateException;

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain, authType, null, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      check(chain, authType, null, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain, authType, engine, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a Tendril client does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }
  }

  /** Accepts exactly one certificate; host names and signers do not matter. */
  private static final class Pinned extends ServerOnly {
    private final String who;
    private final String expected;

    Pinned(String who, String expected) {
      this.who = who;
      this.expected = expected;
    }

    @Override
    void check(X509Certificate[] chain, String authType, SSLEngine engine, Socket socket) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new UntrustedServerException(who + " showed no certificate; expected the one with fingerprint " + expected,
            null);
      }
      String actual = Fingerprints.of(chain[0]);
      if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII), expected.getBytes(StandardCharsets.US_ASCII))) {
        throw new UntrustedServerException(who + "'s certificate fingerprint is " + actual + ", expected " + expected,
            null);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** The JDK's PKIX checks (chain and host name), with a message that says which file was trusted. */
  private static final class Authorities extends ServerOnly {
    private final String who;
    private final Path file;
    private final X509ExtendedTrustManager delegate;

    Authorities(String who, Path file, X509ExtendedTrustManager delegate) {
      this.who = who;
      this.file = file;
      this.delegate = delegate;
    }

    @Override
    void check(X509Certificate[] chain, String authType, SSLEngine engine, Socket socket) throws CertificateException {
      try {
        if (engine != null) {
          delegate.checkServerTrusted(chain, authType, engine);
        } else if (socket != null) {
          delegate.checkServerTrusted(chain, authType, socket);
        } else {
          delegate.checkServerTrusted(chain, authType);
        }
      } catch (CertificateException e) {
        String shown = chain == null || chain.length == 0 ? "no certificate"
            : "a certificate with fingerprint " + Fingerprints.of(chain[0]);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause(); // the JDK's own reason, without the wrappers' class names
        }
        throw new UntrustedServerException(who + " showed " + shown + ", not trusted by the certificates of " + file
            + ": " + root.getMessage(), e);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}

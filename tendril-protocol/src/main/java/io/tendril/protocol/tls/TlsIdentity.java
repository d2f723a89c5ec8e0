package io.tendril.protocol.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * What a TLS server shows its clients: a private key and its certificate chain, with the
 * certificate's fingerprint. Loaded from PEM files ({@link #fromPem}) or made for the life of a
 * process ({@link #selfSigned}); the private key stays in memory and is never written anywhere.
 *
 * <p>A manager with TLS serves its control and transfer services with one; each worker of a TLS
 * manager serves its transfer server with a self-signed one, whose fingerprint it announces in
 * Hello. Clients check the certificate by pinning that fingerprint, or against CA certificates
 * ({@link ServerTrust}). Immutable and thread-safe.
 */
public final class TlsIdentity {
  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final String fingerprint;
  private final boolean generated;

  private TlsIdentity(PrivateKey key, List<X509Certificate> chain, boolean generated) {
    this.key = key;
    this.chain = List.copyOf(chain);
    this.fingerprint = Fingerprints.of(chain.get(0));
    this.generated = generated;
  }

  /**
   * Loads a private key and its certificate (then the rest of its chain, if any) from PEM files,
   * as {@code openssl} writes them.
   *
   * @param keyFile an unencrypted private key: PKCS#8, or PKCS#1 RSA, or SEC 1 EC
   * @param certFile the certificate first, then any intermediate certificates
   * @return the identity
   * @throws IllegalArgumentException if a file cannot be read or parsed, the key is encrypted, or
   *     the key does not belong to the certificate; the message names the file
   */
  public static TlsIdentity fromPem(Path keyFile, Path certFile) {
    PrivateKey key = Pem.privateKey(keyFile);
    List<X509Certificate> chain = Pem.certificates(certFile);
    if (!belongTogether(key, chain.get(0))) {
      throw new IllegalArgumentException("the private key in " + keyFile + " does not belong to the certificate in "
          + certFile + ": give the key the certificate was made for");
    }
    return new TlsIdentity(key, chain, false);
  }

  /**
   * Makes a fresh EC P-256 key and a self-signed certificate for it, valid for a year, naming
   * {@code localhost}, the loopback addresses and the given host names.
   *
   * @param commonName the certificate's subject, e.g. {@code "tendril manager"}
   * @param hostNames further names the certificate is for (for clients that verify host names)
   * @return the identity
   */
  public static TlsIdentity selfSigned(String commonName, List<String> hostNames) {
    SelfSigned.Pair p = SelfSigned.generate(commonName, hostNames);
    return new TlsIdentity(p.keys().getPrivate(), List.of(p.certificate()), true);
  }

  /**
   * Makes a fresh key and a self-signed certificate naming this machine (its host name), {@code
   * localhost} and the loopback addresses; see {@link #selfSigned(String, List)}.
   *
   * @param commonName the certificate's subject
   * @return the identity
   */
  public static TlsIdentity selfSigned(String commonName) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return selfSigned(commonName, List.of(host));
  }

  /** Signs a challenge with the key and checks it with the certificate's public key. */
  private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "RSASSA-PSS" -> null;
      default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
    };
    if (algorithm == null) {
      return true; // PSS needs parameters; let the handshake tell
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(challenge);
      byte[] signature = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(cert.getPublicKey());
      v.update(challenge);
      return v.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The server's own certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The SHA-256 fingerprint of {@link #certificate()}: 64 lower-case hex digits. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Whether the pair was made by {@link #selfSigned} rather than loaded. */
  public boolean generated() {
    return generated;
  }

  /** The certificate chain as PEM blocks, to give to clients that trust it as a CA file. */
  public String certificatePem() {
    StringBuilder b = new StringBuilder();
    for (X509Certificate c : chain) {
      b.append(Pem.encode(c));
    }
    return b.toString();
  }

  /**
   * Writes the fingerprint ({@code tls-fingerprint}, one line) and the certificate chain ({@code
   * tls-certificate.pem}) to a directory; never the key.
   *
   * @param dir the directory, which exists
   * @return the fingerprint file
   * @throws IOException if they cannot be written
   */
  public Path writePublicParts(Path dir) throws IOException {
    Files.writeString(dir.resolve("tls-certificate.pem"), certificatePem());
    return Files.writeString(dir.resolve("tls-fingerprint"), fingerprint + "\n");
  }

  /**
   * gRPC server credentials that serve TLS with this key and chain, without asking for client
   * certificates (clients prove themselves with the shared password, when there is one).
   */
  public ServerCredentials serverCredentials() {
    try {
      return TlsServerCredentials.newBuilder().keyManager(keyManagers()).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS with the certificate " + fingerprint + ": " + e, e);
    }
  }

  /**
   * A JSSE context that serves TLS with this key and chain, for servers that are not gRPC (the
   * worker's transfer data port); like {@link #serverCredentials()}, no client certificate is
   * asked for.
   */
  public SSLContext serverContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS with the certificate " + fingerprint + ": " + e, e);
    }
  }

  private KeyManager[] keyManagers() throws GeneralSecurityException {
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("tendril", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      return kmf.getKeyManagers();
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** The fingerprint, and whether generated; never the key. */
  @Override
  public String toString() {
    return "TlsIdentity[" + (generated ? "self-signed" : "loaded") + ", sha256=" + fingerprint + "]";
  }
}

package io.tendril.protocol.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes a fresh key pair and a self-signed X.509 v3 certificate for it with nothing but the JDK's
 * public APIs: an EC P-256 key from {@link KeyPairGenerator}, the certificate's fields encoded by
 * {@link Der}, signed with SHA256withECDSA, and read back by the JDK's own {@link
 * CertificateFactory}, which checks the encoding. The certificate names the host names given (and
 * {@code localhost}, 127.0.0.1, ::1) as subject alternative names, so that it also passes hostname
 * verification when a worker trusts it as a CA file instead of pinning its fingerprint.
 *
 * <p>Used by {@link TlsIdentity#selfSigned} for a manager without a certificate and for every
 * worker's transfer server. Stateless.
 */
final class SelfSigned {
  /** How long a generated certificate is valid: a year, from an hour ago (for clocks that differ). */
  static final Duration VALIDITY = Duration.ofDays(365);

  private static final String EC_PUBLIC_KEY_SHA256 = "1.2.840.10045.4.3.2"; // ecdsa-with-SHA256
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";

  private SelfSigned() {}

  /** A key pair and its certificate. */
  record Pair(KeyPair keys, X509Certificate certificate) {}

  /**
   * Generates a key pair and its self-signed certificate.
   *
   * @param commonName the subject's (and issuer's) common name
   * @param hostNames DNS names or IP addresses to name besides the loopback ones
   * @return the pair
   * @throws IllegalStateException if the JDK lacks EC P-256 or SHA256withECDSA (it never does)
   */
  static Pair generate(String commonName, List<String> hostNames) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      SecureRandom random = new SecureRandom();
      gen.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair keys = gen.generateKeyPair();
      Instant now = Instant.now();
      byte[] algorithm = Der.sequence(Der.oid(EC_PUBLIC_KEY_SHA256));
      byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(commonName))));
      byte[] extensions = Der.sequence(
          Der.sequence(Der.oid(BASIC_CONSTRAINTS), Der.bool(true), Der.octetString(Der.sequence())),
          Der.sequence(Der.oid(SUBJECT_ALT_NAME), Der.octetString(alternativeNames(hostNames))));
      byte[] tbs = Der.sequence(
          Der.explicit(0, Der.integer(2)), // v3
          Der.integer(new BigInteger(127, random).add(BigInteger.ONE)),
          algorithm,
          name,
          Der.sequence(Der.time(now.minus(Duration.ofHours(1))), Der.time(now.plus(VALIDITY))),
          name,
          keys.getPublic().getEncoded(), // SubjectPublicKeyInfo, as X.509 encodes it
          Der.explicit(3, extensions));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate(), random);
      signer.update(tbs);
      byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      cert.verify(keys.getPublic());
      return new Pair(keys, cert);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate: " + e, e);
    }
  }

  /** GeneralNames: dNSName [2] for names, iPAddress [7] for literal addresses. */
  private static byte[] alternativeNames(List<String> hostNames) {
    Set<String> all = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    all.addAll(hostNames);
    List<byte[]> names = new ArrayList<>();
    for (String h : all) {
      if (h == null || h.isBlank()) {
        continue;
      }
      String host = h.strip();
      if (isAddressLiteral(host)) {
        try {
          names.add(Der.implicit(7, InetAddress.getByName(host).getAddress()));
        } catch (UnknownHostException e) {
          // Not a literal after all; leave it out.
        }
      } else if (host.chars().allMatch(c -> c < 0x80)) {
        names.add(Der.implicit(2, host.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      }
    }
    return Der.sequence(names.toArray(byte[][]::new));
  }

  private static boolean isAddressLiteral(String host) {
    return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }
}

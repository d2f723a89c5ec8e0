package io.tendril.protocol.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Certificate fingerprints as Tendril writes and reads them: the SHA-256 of the certificate's DER
 * encoding, as 64 lower-case hex digits. Read leniently: upper case and the colons of {@code
 * openssl x509 -noout -fingerprint -sha256} are accepted, as is a leading {@code sha256:}.
 * Stateless.
 */
public final class Fingerprints {
  private Fingerprints() {}

  /**
   * The fingerprint of a certificate.
   *
   * @param cert the certificate
   * @return 64 lower-case hex digits
   */
  public static String of(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot compute a certificate's SHA-256 fingerprint: " + e, e);
    }
  }

  /**
   * Reads a fingerprint as a person may give it.
   *
   * @param text hex digits, with or without colons, of any case
   * @return 64 lower-case hex digits
   * @throws IllegalArgumentException if it is not a SHA-256 fingerprint; the message shows the form
   */
  public static String parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("the certificate fingerprint is missing");
    }
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.startsWith("sha256:")) {
      s = s.substring("sha256:".length());
    } else if (s.startsWith("sha256 fingerprint=")) {
      s = s.substring("sha256 fingerprint=".length());
    }
    s = s.replace(":", "");
    if (!s.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("'" + text + "' is not a SHA-256 certificate fingerprint: give 64 hex digits"
          + " (colons allowed), as the manager writes to tls-fingerprint in its run directory");
    }
    return s;
  }
}

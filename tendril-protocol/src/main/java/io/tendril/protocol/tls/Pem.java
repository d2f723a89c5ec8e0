package io.tendril.protocol.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM files, as {@code openssl} writes them: certificates
 * ({@code CERTIFICATE}, several in one file for a chain or a set of CAs), and unencrypted private
 * keys in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC
 * PRIVATE KEY}) form; the last two are rewrapped as PKCS#8 for the JDK's {@link KeyFactory}.
 * Every error is an {@link IllegalArgumentException} naming the file and saying what to do.
 * Stateless.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final String RSA = "1.2.840.113549.1.1.1";
  private static final String EC = "1.2.840.10045.2.1";

  private Pem() {}

  /**
   * The certificates of a PEM (or DER) file, in order.
   *
   * @throws IllegalArgumentException if it cannot be read or holds none
   */
  static List<X509Certificate> certificates(Path file) {
    byte[] bytes = read(file, "certificate");
    try {
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(file + " holds no certificate: give a PEM file with a"
            + " -----BEGIN CERTIFICATE----- block");
      }
      return certs;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " is not a PEM certificate file (" + e.getMessage()
          + "): give a file with -----BEGIN CERTIFICATE----- blocks", e);
    }
  }

  /**
   * The private key of a PEM file.
   *
   * @throws IllegalArgumentException if it cannot be read, holds no key, or an encrypted one
   */
  static PrivateKey privateKey(Path file) {
    String text = new String(read(file, "key"), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": the " + type + " block is not valid base64", e);
      }
      switch (type) {
        case "PRIVATE KEY" -> {
          return decode(file, der);
        }
        case "RSA PRIVATE KEY" -> {
          return decode(file, pkcs8(Der.sequence(Der.oid(RSA), Der.nullValue()), der));
        }
        case "EC PRIVATE KEY" -> {
          return decode(file, pkcs8(Der.sequence(Der.oid(EC), curveOf(file, der)), der));
        }
        case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file + " holds an encrypted private key:"
            + " give an unencrypted one (openssl pkey -in " + file + " -out key.pem), readable only by you");
        default -> {
          // EC PARAMETERS, certificates and the like: look further.
        }
      }
    }
    throw new IllegalArgumentException(file + " holds no private key: give a PEM file with a"
        + " -----BEGIN PRIVATE KEY----- block (PKCS#8; RSA and EC PRIVATE KEY blocks work too)");
  }

  private static byte[] pkcs8(byte[] algorithm, byte[] key) {
    return Der.sequence(Der.integer(0), algorithm, Der.octetString(key));
  }

  /** The named curve of a SEC 1 key, from its {@code [0]} parameters. */
  private static byte[] curveOf(Path file, byte[] sec1) {
    try {
      List<Der.Element> outer = Der.read(sec1);
      if (outer.size() == 1 && outer.get(0).tag() == Der.SEQUENCE) {
        for (Der.Element e : Der.read(outer.get(0).content())) {
          if (e.tag() == 0xa0) {
            return e.content(); // the OID element itself
          }
        }
      }
    } catch (IllegalArgumentException e) {
      // Reported below.
    }
    throw new IllegalArgumentException(file + ": the EC PRIVATE KEY names no curve; convert it to PKCS#8"
        + " (openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem)");
  }

  private static PrivateKey decode(Path file, byte[] pkcs8) {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | RuntimeException e) {
        // Try the next algorithm.
      }
    }
    throw new IllegalArgumentException(file + ": the private key is not an RSA, EC or EdDSA key the JDK can read");
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the TLS " + what + " file " + file + ": " + e.getMessage(), e);
    }
  }

  /** A certificate as a PEM block. */
  static String encode(X509Certificate cert) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.tendril.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-signed pairs made with the JDK alone, PEM files as openssl writes them, and fingerprints.
 * The openssl cases run where an {@code openssl} command is installed.
 */
class TlsIdentityTest {
  @TempDir Path dir;

  @Test
  void aSelfSignedCertificateIsAValidV3CertificateNamingTheLoopbackAndTheGivenHosts() throws Exception {
    TlsIdentity id = TlsIdentity.selfSigned("tendril test", List.of("node7.example.org", "10.1.2.3"));
    X509Certificate cert = id.certificate();
    cert.checkValidity();
    cert.verify(cert.getPublicKey());
    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=tendril test");
    List<String> names = new ArrayList<>();
    for (List<?> n : cert.getSubjectAlternativeNames()) {
      names.add(String.valueOf(n.get(1)));
    }
    assertThat(names).contains("localhost", "127.0.0.1", "node7.example.org", "10.1.2.3");
    assertThat(id.generated()).isTrue();
    assertThat(id.fingerprint())
        .matches("[0-9a-f]{64}")
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
    assertThat(TlsIdentity.selfSigned("tendril test", List.of()).fingerprint()).isNotEqualTo(id.fingerprint());
    assertThat(id.toString()).contains(id.fingerprint()).doesNotContain("PRIVATE");
  }

  @Test
  void thePublicPartsAreWrittenWithoutTheKey() throws Exception {
    TlsIdentity id = TlsIdentity.selfSigned("tendril test", List.of());
    Path fp = id.writePublicParts(dir);
    assertThat(Files.readString(fp)).isEqualTo(id.fingerprint() + "\n");
    Path pem = dir.resolve("tls-certificate.pem");
    assertThat(Pem.certificates(pem)).containsExactly(id.certificate());
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        assertThat(Files.readString(p)).doesNotContain("PRIVATE KEY");
      }
    }
  }

  @Test
  void fingerprintsAreReadAsPeopleWriteThem() {
    String hex = "ab".repeat(32);
    String colons = String.join(":", java.util.Collections.nCopies(32, "AB"));
    assertThat(Fingerprints.parse(hex)).isEqualTo(hex);
    assertThat(Fingerprints.parse(" " + colons + "\n")).isEqualTo(hex);
    assertThat(Fingerprints.parse("sha256 Fingerprint=" + colons)).isEqualTo(hex);
    assertThat(Fingerprints.parse("SHA256:" + hex.toUpperCase())).isEqualTo(hex);
    assertThatThrownBy(() -> Fingerprints.parse("abc"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'abc' is not a SHA-256")
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> ServerTrust.pinned("ab".repeat(20))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badFilesAreErrorsNamingTheFileAndTheFix() throws Exception {
    TlsIdentity a = TlsIdentity.selfSigned("a", List.of());
    Path cert = Files.writeString(dir.resolve("cert.pem"), a.certificatePem());
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> TlsIdentity.fromPem(missing, cert))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> TlsIdentity.fromPem(cert, cert))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no private key");
    Path encrypted = Files.writeString(dir.resolve("enc.pem"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> TlsIdentity.fromPem(encrypted, cert))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted")
        .hasMessageContaining("openssl pkey");
    Path notCert = Files.writeString(dir.resolve("not.pem"), "hello\n");
    assertThatThrownBy(() -> ServerTrust.certificates(notCert))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(notCert.toString());
  }

  @Test
  void keysAndCertificatesMadeByOpensslAreRead() throws Exception {
    assumeTrue(opensslAvailable(), "openssl is not installed");
    // RSA, PKCS#8 (what openssl 3 writes by default)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.pem", "-out", "rsa-cert.pem",
        "-subj", "/CN=rsa", "-days", "2");
    // The same key as PKCS#1 ("BEGIN RSA PRIVATE KEY")
    openssl("rsa", "-in", "rsa.pem", "-traditional", "-out", "rsa1.pem");
    // EC, SEC 1 ("BEGIN EC PARAMETERS" then "BEGIN EC PRIVATE KEY")
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.pem");
    openssl("req", "-new", "-x509", "-key", "ec.pem", "-out", "ec-cert.pem", "-subj", "/CN=ec", "-days", "2");
    assertThat(Files.readString(dir.resolve("rsa1.pem"))).contains("BEGIN RSA PRIVATE KEY");
    assertThat(Files.readString(dir.resolve("ec.pem"))).contains("BEGIN EC PRIVATE KEY");
    for (String[] pair : new String[][] {{"rsa.pem", "rsa-cert.pem"}, {"rsa1.pem", "rsa-cert.pem"},
        {"ec.pem", "ec-cert.pem"}}) {
      TlsIdentity id = TlsIdentity.fromPem(dir.resolve(pair[0]), dir.resolve(pair[1]));
      assertThat(id.generated()).isFalse();
      assertThat(id.fingerprint()).as(pair[0]).isEqualTo(Fingerprints.parse(
          openssl("x509", "-in", pair[1], "-noout", "-fingerprint", "-sha256")));
      id.serverCredentials(); // the key store takes the pair
    }
    assertThatThrownBy(() -> TlsIdentity.fromPem(dir.resolve("ec.pem"), dir.resolve("rsa-cert.pem")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong to the certificate");
  }

  @Test
  void opensslAcceptsTheGeneratedCertificate() throws Exception {
    assumeTrue(opensslAvailable(), "openssl is not installed");
    TlsIdentity id = TlsIdentity.selfSigned("tendril test", List.of("node7"));
    Files.writeString(dir.resolve("gen.pem"), id.certificatePem());
    assertThat(openssl("verify", "-CAfile", "gen.pem", "gen.pem")).contains("OK");
    assertThat(Fingerprints.parse(openssl("x509", "-in", "gen.pem", "-noout", "-fingerprint", "-sha256")))
        .isEqualTo(id.fingerprint());
    assertThat(openssl("x509", "-in", "gen.pem", "-noout", "-text")).contains("DNS:node7", "IP Address:127.0.0.1");
  }

  static boolean opensslAvailable() {
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs openssl in the test's directory; returns its output, the part after '=' for fingerprints. */
  private String openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    int eq = out.indexOf('=');
    return args.length > 0 && List.of(args).contains("-fingerprint") ? out.substring(eq + 1).strip() : out;
  }
}

package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.tls.Fingerprints;
import io.tendril.protocol.tls.ServerTrust;
import io.tendril.protocol.tls.TlsIdentity;
import io.tendril.protocol.tls.TlsProbe;
import io.tendril.worker.Worker;
import io.tendril.worker.WorkerExit;
import io.tendril.worker.WorkerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager and in-process workers over real gRPC with TLS on 127.0.0.1: a self-signed pair made
 * for the run and a key and certificate given as PEM files, each with a command task and a peer
 * transfer; TLS with a password; and every mismatch (a plaintext worker to a TLS manager, a TLS
 * worker to a plaintext one, a wrong fingerprint, an untrusted CA file), each ending the worker
 * at once with a message saying which side expects what.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TlsClusterTest {
  private static final byte[] PASSWORD = "correct horse".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  @RegisterExtension final InProcessCluster cluster = new InProcessCluster(() -> dir);

  private Manager manager(UnaryOperator<ManagerOptions.Builder> tweak) {
    return cluster.manager(tweak);
  }

  private Worker worker(Manager m, String id, UnaryOperator<WorkerOptions.Builder> tweak) {
    return cluster.worker(m, id, tweak);
  }

  private static ServerTrust pin(Manager m) {
    return ServerTrust.pinned(m.tlsFingerprint().orElseThrow());
  }

  private static void awaitWorkers(Manager m, int n) throws InterruptedException {
    InProcessCluster.awaitWorkers(m, n);
  }


  private static void awaitTasks(Manager m, int n) {
    List<CommandTask> done = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (done.size() < n && System.nanoTime() < deadline) {
      m.await(Duration.ofMillis(100)).ifPresent(done::add);
    }
    assertThat(done).as("tasks finished in time").hasSize(n);
    for (CommandTask t : done) {
      assertThat(t.succeeded()).as(t.command() + ": " + t.resultCode() + " " + t.message() + " " + t.stdout()).isTrue();
    }
  }

  /**
   * Runs two producers at once (so one lands on each worker), then a consumer of both results: a
   * file from the manager, one from a peer, and an output brought back to the manager's disk.
   */
  private void runTasksWithAPeerTransfer(Manager m) throws Exception {
    DeclaredFile seed = m.declareBuffer("seed\n".getBytes(StandardCharsets.UTF_8), CacheLevel.WORKFLOW);
    DeclaredFile t1 = m.declareTemp();
    DeclaredFile t2 = m.declareTemp();
    m.submit(CommandTask.builder("sleep 1; cat in > t; echo one >> t").input(seed, "in").output("t", t1).build());
    m.submit(CommandTask.builder("sleep 1; echo two > t").output("t", t2).build());
    awaitTasks(m, 2);
    Path out = dir.resolve("out.txt");
    m.submit(CommandTask.builder("cat one two > out").input(t1, "one").input(t2, "two")
        .output("out", m.declareFile(out, CacheLevel.WORKFLOW)).build());
    awaitTasks(m, 1);
    assertThat(Files.readString(out)).isEqualTo("seed\none\ntwo\n");
    ManagerStats s = m.stats();
    assertThat(s.peerTransfers()).isEqualTo(1);
    assertThat(s.managerTransfers()).isEqualTo(1);
    assertThat(s.transferFailures()).isZero();
    assertThat(new String(m.fetchFile(t2), StandardCharsets.UTF_8)).isEqualTo("two\n");
  }

  private static void assertServesTls(String address) {
    int colon = address.lastIndexOf(':');
    assertThat(TlsProbe.probe(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
        Duration.ofSeconds(30))).as(address + " speaks TLS").isEqualTo(TlsProbe.Answer.TLS);
  }

  private static WorkerExit exitOf(Worker w) throws InterruptedException {
    assertThat(w.awaitTermination(Duration.ofSeconds(60)))
        .as("the worker left at once instead of retrying until its connect timeout").isTrue();
    return w.exit().orElseThrow();
  }

  @Test
  void withASelfSignedPairTasksRunAndFilesMoveOverTls() throws Exception {
    Manager m = manager(b -> b.tls());
    String fingerprint = m.tlsFingerprint().orElseThrow();
    assertThat(Files.readString(m.runDirectory().resolve("tls-fingerprint"))).isEqualTo(fingerprint + "\n");
    assertThat(Files.readString(m.runDirectory().resolve("tls-certificate.pem"))).contains("BEGIN CERTIFICATE")
        .doesNotContain("PRIVATE");
    Worker a = worker(m, "a", b -> b.tls(pin(m)));
    Worker b = worker(m, "b", b2 -> b2.tls(pin(m)));
    awaitWorkers(m, 2);
    assertServesTls("127.0.0.1:" + m.port());
    assertServesTls(a.transferAddress());
    assertServesTls(b.transferAddress());
    runTasksWithAPeerTransfer(m);
    String log = Files.readString(m.transactionLog());
    assertThat(log).contains("\"tls_fingerprint\":\"" + fingerprint + "\"");
  }

  @Test
  void withAGivenKeyAndCertificateWorkersPinItOrTrustItAsACaFile() throws Exception {
    assumeTrue(opensslAvailable(), "openssl is not installed");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
        "-subj", "/CN=tendril test manager", "-days", "2", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    Manager m = manager(b -> b.tls(key, cert));
    assertThat(m.tlsFingerprint()).contains(Fingerprints.parse(
        openssl("x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha256").split("=", 2)[1]));
    worker(m, "pinning", b -> b.tls(pin(m)));
    worker(m, "ca", b -> b.tls(ServerTrust.certificates(cert)));
    awaitWorkers(m, 2);
    runTasksWithAPeerTransfer(m);
  }

  @Test
  void tlsAndAPasswordWorkTogether() throws Exception {
    Manager m = manager(b -> b.tls().password(PASSWORD));
    worker(m, "a", b -> b.tls(pin(m)).password(PASSWORD));
    worker(m, "b", b -> b.tls(pin(m)).password(PASSWORD));
    awaitWorkers(m, 2);
    runTasksWithAPeerTransfer(m);
    WorkerExit wrong = exitOf(worker(m, "intruder", b -> b.tls(pin(m)).password("wrong".getBytes())));
    assertThat(wrong.reason()).isEqualTo(WorkerExit.Reason.AUTHENTICATION_FAILED);
    assertThat(wrong.message()).contains("the password differs");
  }

  @Test
  void aPlaintextWorkerIsToldTheManagerSpeaksTls() throws Exception {
    Manager m = manager(b -> b.tls());
    Worker w = worker(m, "plain", b -> b);
    WorkerExit exit = exitOf(w);
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.TLS_FAILED);
    assertThat(exit.message()).startsWith("the manager at 127.0.0.1:" + m.port()
        + " speaks TLS: start the worker with --ssl, and --ssl-fingerprint SHA256");
    assertThat(exit.exitCode()).isEqualTo(1);
    assertThat(m.stats().workersJoined()).isZero();
  }

  @Test
  void aTlsWorkerIsToldTheManagerDoesNotSpeakTls() throws Exception {
    Manager m = manager(b -> b);
    String someFingerprint = TlsIdentity.selfSigned("elsewhere", List.of()).fingerprint();
    WorkerExit exit = exitOf(worker(m, "keen", b -> b.tls(ServerTrust.pinned(someFingerprint))));
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.TLS_FAILED);
    assertThat(exit.message()).isEqualTo("the manager at 127.0.0.1:" + m.port()
        + " does not speak TLS: drop --ssl, or start the manager with --ssl");
    assertThat(m.stats().workersJoined()).isZero();
  }

  @Test
  void aWrongFingerprintOrAnUntrustedCertificateEndsTheWorkerSayingWhatWasShownAndExpected() throws Exception {
    Manager m = manager(b -> b.tls());
    String actual = m.tlsFingerprint().orElseThrow();
    TlsIdentity other = TlsIdentity.selfSigned("an impostor", List.of());
    WorkerExit pinned = exitOf(worker(m, "pinned", b -> b.tls(ServerTrust.pinned(other.fingerprint()))));
    assertThat(pinned.reason()).isEqualTo(WorkerExit.Reason.TLS_FAILED);
    assertThat(pinned.message()).startsWith("TLS with the manager at 127.0.0.1:" + m.port()
        + " failed: the manager's certificate fingerprint is " + actual + ", expected " + other.fingerprint());
    Path ca = Files.writeString(dir.resolve("other-ca.pem"), other.certificatePem());
    WorkerExit trusting = exitOf(worker(m, "trusting", b -> b.tls(ServerTrust.certificates(ca))));
    assertThat(trusting.reason()).isEqualTo(WorkerExit.Reason.TLS_FAILED);
    assertThat(trusting.message()).startsWith("TLS with the manager at 127.0.0.1:" + m.port()
        + " failed: the manager showed a certificate with fingerprint " + actual + ", not trusted by the certificates of "
        + ca);
    assertThat(m.stats().workersJoined()).isZero();
  }

  private static boolean opensslAvailable() {
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

  private String openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out.strip();
  }
}

package io.tendril.cli;

import static io.tendril.cli.Run.tendril;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.protocol.tls.TlsIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ssl} on {@code tendril run}, {@code get} and {@code worker}: the embedded manager
 * speaks TLS with a self-signed pair or a given key and certificate, and its local worker
 * processes pin its fingerprint; a worker process whose TLS does not match its manager's leaves at
 * once with a message saying which side expects what; flags that do not go together are usage
 * errors.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TlsCommandTest {
  @TempDir Path dir;


  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private Path flow() throws IOException {
    file("input.txt", "b\na\n");
    return file("flow.makeflow", """
        sorted.txt: input.txt
        \tsort input.txt > sorted.txt

        counted.txt: sorted.txt
        \twc -l < sorted.txt > counted.txt
        """);
  }

  /** The logs of the local workers of a run directory, together. */
  private static String workerLogs(Path run) throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.list(run)) {
      for (Path p : files.filter(p -> p.getFileName().toString().matches("local-\\d+\\.log")).toList()) {
        b.append(Files.readString(p));
      }
    }
    return b.toString();
  }

  @Test
  void runWithSslGivesItsLocalWorkersTheFingerprintOfASelfSignedPair() throws Exception {
    Path flow = flow();
    Path run = dir.resolve("run");
    Run r = tendril("run", flow.toString(), "--workers", "2", "--ssl", "--run-dir", run.toString());
    assertThat(r.exit).as(r.err + r.out).isZero();
    assertThat(r.out).contains("2 rules: 2 succeeded, 0 failed, 0 skipped");
    assertThat(Files.readString(dir.resolve("counted.txt")).strip()).isEqualTo("2");
    String fingerprint = Files.readString(run.resolve("tls-fingerprint")).strip();
    assertThat(fingerprint).matches("[0-9a-f]{64}");
    assertThat(Files.readString(run.resolve("transactions.jsonl"))).contains("\"tls_fingerprint\":\"" + fingerprint);
    assertThat(workerLogs(run)).contains("over TLS (certificate ").doesNotContain("exits: TLS");
  }

  @Test
  void getWithSslAndAPasswordRunsOnLocalWorkers() throws Exception {
    Path password = file("password", "get secret\n");
    Path g = file("g.json", """
        {"x": 1, "y": {"call": "inc", "args": ["x"]}, "z": {"call": "add", "args": ["x", "y"]}}
        """);
    Path run = dir.resolve("run");
    Run r = tendril("get", g.toString(), "z", "--workers", "2", "--ssl", "--password", password.toString(),
        "--run-dir", run.toString());
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.strip()).isEqualTo("3");
    assertThat(run.resolve("tls-fingerprint")).exists();
  }

  @Test
  void runWithAGivenKeyAndCertificate() throws Exception {
    assumeTrue(opensslAvailable(), "openssl is not installed");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=tendril test", "-days", "2")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String made = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(made).isTrue();
    Path cert = dir.resolve("cert.pem");
    Path run = dir.resolve("run");
    Run r = tendril("run", flow().toString(), "--workers", "2", "--ssl", "--ssl-key", dir.resolve("key.pem").toString(),
        "--ssl-cert", cert.toString(), "--run-dir", run.toString());
    assertThat(r.exit).as(r.err + r.out).isZero();
    assertThat(Files.readString(dir.resolve("sorted.txt"))).isEqualTo("a\nb\n");
    assertThat(Files.readString(run.resolve("tls-fingerprint")).strip())
        .isEqualTo(TlsIdentity.fromPem(dir.resolve("key.pem"), cert).fingerprint());
  }

  private Process worker(int port, String id, String... more) throws IOException {
    return WorkerProcesses.start(dir, port, id, 120, more);
  }

  /** Waits for a worker process that must leave well before its 120 s connect timeout, with status 1. */
  private String exitedAtOnce(Process p, String id) throws Exception {
    return WorkerProcesses.exitedAtOnce(dir, p, id, 90);
  }

  @Test
  void workerProcessesWhoseTlsDoesNotMatchLeaveAtOnceSayingWhy() throws Exception {
    try (Manager tls = new Manager(ManagerOptions.builder().host("127.0.0.1").tls()
            .runDirectory(dir.resolve("run-tls")).build());
        Manager plain = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(dir.resolve("run-plain"))
            .build())) {
      String right = tls.tlsFingerprint().orElseThrow();
      String wrong = TlsIdentity.selfSigned("other", List.of()).fingerprint();
      Process bare = worker(tls.port(), "bare");
      Process pinnedWrong = worker(tls.port(), "wrong", "--ssl", "--ssl-fingerprint", wrong);
      Process keen = worker(plain.port(), "keen", "--ssl", "--ssl-fingerprint", right);
      assertThat(exitedAtOnce(bare, "bare")).contains("the manager at 127.0.0.1:" + tls.port()
          + " speaks TLS: start the worker with --ssl");
      assertThat(exitedAtOnce(pinnedWrong, "wrong")).contains("the manager's certificate fingerprint is " + right
          + ", expected " + wrong);
      assertThat(exitedAtOnce(keen, "keen")).contains("the manager at 127.0.0.1:" + plain.port()
          + " does not speak TLS: drop --ssl");
      assertThat(tls.stats().workersJoined()).isZero();
      assertThat(plain.stats().workersJoined()).isZero();
    }
  }

  @Test
  void statusSpeaksTlsToAManagerThatDoesAndSaysWhenOnlyOneSideDoes() throws Exception {
    try (Manager tls = new Manager(ManagerOptions.builder().name("sealed").host("127.0.0.1").tls()
            .runDirectory(dir.resolve("run-tls")).build());
        Manager plain = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(dir.resolve("run-plain"))
            .build())) {
      String right = tls.tlsFingerprint().orElseThrow();
      Run ok = tendril("status", "127.0.0.1:" + tls.port(), "--ssl", "--ssl-fingerprint", right);
      assertThat(ok.exit).as(ok.err).isZero();
      assertThat(ok.out).contains("manager 'sealed' at 127.0.0.1:" + tls.port()).contains("no workers connected");
      Run bare = tendril("status", "127.0.0.1:" + tls.port());
      assertThat(bare.exit).isEqualTo(1);
      assertThat(bare.err).contains("speaks TLS: give --ssl");
      Run wrong = tendril("status", "127.0.0.1:" + tls.port(), "--ssl", "--ssl-fingerprint", "ab".repeat(32));
      assertThat(wrong.exit).isEqualTo(1);
      assertThat(wrong.err).contains("the manager's certificate fingerprint is " + right);
      Run keen = tendril("status", "127.0.0.1:" + plain.port(), "--ssl", "--ssl-fingerprint", right);
      assertThat(keen.exit).isEqualTo(1);
      assertThat(keen.err).contains("does not speak TLS: drop --ssl");
      Run local = tendril("status", dir.resolve("run-tls").toString(), "--ssl", "--ssl-fingerprint", right);
      assertThat(local.exit).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(local.err).contains("--password and --ssl are for a running manager");
    }
  }

  @Test
  void tlsFlagsThatDoNotGoTogetherAreUsageErrors() throws Exception {
    String fp = "ab".repeat(32);
    Path missing = dir.resolve("missing.pem");
    assertThat(tendril("worker", "127.0.0.1:1", "--ssl").err).contains("--ssl needs to know the manager's certificate");
    assertThat(tendril("worker", "127.0.0.1:1", "--ssl-fingerprint", fp).err).contains("need --ssl");
    assertThat(tendril("worker", "127.0.0.1:1", "--ssl", "--ssl-fingerprint", fp, "--ssl-ca", missing.toString()).err)
        .contains("not both");
    assertThat(tendril("worker", "127.0.0.1:1", "--ssl", "--ssl-fingerprint", "12:34").err)
        .contains("'12:34' is not a SHA-256 certificate fingerprint");
    Run ca = tendril("worker", "127.0.0.1:1", "--ssl", "--ssl-ca", missing.toString());
    assertThat(ca.exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(ca.err).contains("cannot read the TLS certificate file " + missing);
    Path flow = file("flow.makeflow", "out: \n\techo hi > out\n");
    Run half = tendril("run", flow.toString(), "--ssl", "--ssl-key", missing.toString());
    assertThat(half.exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(half.err).contains("--ssl-key and --ssl-cert go together");
    Run unread = tendril("run", flow.toString(), "--ssl", "--ssl-key", missing.toString(), "--ssl-cert",
        missing.toString());
    assertThat(unread.exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unread.err).contains("cannot read the TLS key file " + missing);
    Path g = file("g.json", "{\"x\": 1}");
    Run local = tendril("get", g.toString(), "x", "--ssl");
    assertThat(local.exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(local.err).contains("--ssl applies only when the graph runs on workers");
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
}

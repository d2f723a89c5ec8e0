package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.tls.ServerTrust;
import io.tendril.worker.WorkerOptions;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StatusClient} against a real manager over gRPC on 127.0.0.1, with an in-process worker:
 * the snapshot it receives while a task runs (counters, categories, workers); the same handshake
 * as a worker when the manager has a password (right, wrong, missing on either side), TLS pinned
 * and mismatched; and after each refusal, the manager still serves its worker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusClientTest {
  private static final byte[] PASSWORD = "status secret".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  @RegisterExtension final InProcessCluster cluster = new InProcessCluster(() -> dir);

  private Manager manager(UnaryOperator<ManagerOptions.Builder> more) {
    return cluster.manager(b -> more.apply(b.name("observed")));
  }

  private void worker(Manager m, UnaryOperator<WorkerOptions.Builder> more) throws InterruptedException {
    cluster.worker(m, "w1", more);
    InProcessCluster.awaitWorkers(m, 1);
  }

  private static StatusClient.Builder client(Manager m) {
    return StatusClient.builder("127.0.0.1", m.port()).timeout(Duration.ofSeconds(20));
  }

  /** Runs a quick task to the end: the manager still serves its worker. */
  private static void stillServes(Manager m) {
    m.submit(CommandTask.builder("echo fine").build());
    CommandTask t = m.await(Duration.ofSeconds(30)).orElseThrow();
    assertThat(t.succeeded()).as(t.resultCode() + " " + t.message()).isTrue();
  }

  @Test
  void aSnapshotShowsTheRunningTaskItsCategoryAndTheWorker() throws Exception {
    Manager m = manager(b -> b);
    worker(m, b -> b);
    m.category("slow").max(1, 100, 10, 0);
    m.submit(CommandTask.builder("echo hi").build());
    assertThat(m.await(Duration.ofSeconds(30)).orElseThrow().succeeded()).isTrue();
    long sleeping = m.submit(CommandTask.builder("sleep 30").category("slow").cores(1).memoryMb(100).build());
    // Needs the whole worker: sent ahead to it, queued there behind the sleeping task.
    long queued = m.submit(CommandTask.builder("echo later").cores(2).memoryMb(10).build());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ManagerStatus s = client(m).build().query();
    while ((s.workers().isEmpty() || s.workers().get(0).tasksRunning() < 1 || s.workers().get(0).tasksQueued() < 1)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
      s = client(m).build().query();
    }

    assertThat(s.managerName()).isEqualTo("observed");
    assertThat(s.takenAt()).isAfterOrEqualTo(s.startedAt());
    assertThat(s.stats().tasksSubmitted()).isEqualTo(3);
    assertThat(s.stats().tasksDone()).isEqualTo(1);
    assertThat(s.stats().tasksRunning()).as("dispatched, queued included").isEqualTo(2);
    assertThat(s.stats().workersConnected()).isEqualTo(1);
    assertThat(s.stats().workersJoined()).as("a status client is not a worker").isEqualTo(1);
    CategorySummary slow = s.categories().stream().filter(c -> c.name().equals("slow")).findFirst().orElseThrow();
    assertThat(slow.tasksRunning()).isEqualTo(1);
    assertThat(slow.max().memoryMb()).isEqualTo(100);
    CategorySummary dflt = s.categories().stream().filter(c -> c.name().equals("default")).findFirst().orElseThrow();
    assertThat(dflt.tasksDone()).isEqualTo(1);
    assertThat(s.workers()).hasSize(1);
    WorkerSummary w = s.workers().get(0);
    assertThat(w.id()).isEqualTo("w1");
    assertThat(w.total().cores()).isEqualTo(2);
    assertThat(w.total().memoryMb()).isEqualTo(1024);
    assertThat(w.committed().cores()).as("the queued task holds nothing yet").isEqualTo(1);
    assertThat(w.committed().memoryMb()).isEqualTo(100);
    assertThat(w.tasksRunning()).isEqualTo(1);
    assertThat(w.tasksQueued()).isEqualTo(1);
    assertThat(w.diskFull()).isEmpty();
    assertThat(s).as("the network snapshot matches the one in process")
        .usingRecursiveComparison().ignoringFields("takenAt", "workers.sinceHeard").isEqualTo(m.status());

    m.cancel(sleeping);
    assertThat(m.await(Duration.ofSeconds(30)).orElseThrow().resultCode()).isEqualTo(ResultCode.CANCELLED);
    CommandTask later = m.await(Duration.ofSeconds(30)).orElseThrow();
    assertThat(later.id()).isEqualTo(queued);
    assertThat(later.succeeded()).isTrue();
    String log = Files.readString(m.transactionLog());
    long deadlineLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!log.contains("\"status-query\"") && System.nanoTime() < deadlineLog) {
      Thread.sleep(100);
      log = Files.readString(m.transactionLog());
    }
    assertThat(log).contains("\"event\":\"status-query\"");
    stillServes(m);
  }

  @Test
  void withAPasswordOnlyAClientThatProvesItGetsAStatus() throws Exception {
    Manager m = manager(b -> b.password(PASSWORD));
    worker(m, b -> b.password(PASSWORD));

    ManagerStatus s = client(m).password(SharedSecret.of(PASSWORD)).build().query();
    assertThat(s.workers()).extracting(WorkerSummary::id).containsExactly("w1");

    assertThatThrownBy(() -> client(m).build().query())
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("requires a password")
        .hasMessageContaining("--password FILE");
    assertThatThrownBy(() -> client(m).password(SharedSecret.of("wrong".getBytes(StandardCharsets.UTF_8))).build()
        .query())
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining("password differs");
    assertThat(m.stats().workersJoined()).isEqualTo(1);
    stillServes(m);
  }

  @Test
  void aClientWithAPasswordIsToldTheManagerHasNone() throws Exception {
    Manager m = manager(b -> b);
    worker(m, b -> b);
    assertThatThrownBy(() -> client(m).password(SharedSecret.of(PASSWORD)).build().query())
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("expects none");
    stillServes(m);
  }

  @Test
  void overTlsTheClientPinsTheManagersCertificateAndMismatchesAreExplained() throws Exception {
    Manager tls = manager(b -> b.tls().password(PASSWORD));
    worker(tls, b -> b.tls(ServerTrust.pinned(tls.tlsFingerprint().orElseThrow())).password(PASSWORD));
    ManagerStatus s = client(tls).tls(ServerTrust.pinned(tls.tlsFingerprint().orElseThrow()))
        .password(SharedSecret.of(PASSWORD)).build().query();
    assertThat(s.workers()).hasSize(1);

    assertThatThrownBy(() -> client(tls).password(SharedSecret.of(PASSWORD)).build().query())
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("speaks TLS")
        .hasMessageContaining("--ssl");
    String other = "ab".repeat(32);
    assertThatThrownBy(() -> client(tls).tls(ServerTrust.pinned(other)).password(SharedSecret.of(PASSWORD)).build()
        .query())
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("TLS with the manager")
        .hasMessageContaining("--ssl-fingerprint");
    stillServes(tls);
  }

  @Test
  void aClientSpeakingTlsToAPlaintextManagerIsToldToDropIt() throws Exception {
    Manager m = manager(b -> b);
    assertThatThrownBy(() -> client(m).tls(ServerTrust.pinned("cd".repeat(32))).build().query())
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("does not speak TLS");
  }

  @Test
  void nothingListeningIsSaidPlainly() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> StatusClient.builder("127.0.0.1", port).timeout(Duration.ofSeconds(10)).build().query())
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("nothing listens at 127.0.0.1:" + port);
  }

  @Test
  void badAddressesAreRefusedBeforeConnecting() {
    assertThatThrownBy(() -> StatusClient.builder("", 9)).hasMessageContaining("host must not be empty");
    assertThatThrownBy(() -> StatusClient.builder("h", 0)).hasMessageContaining("1-65535");
    assertThatThrownBy(() -> StatusClient.builder("h", 9).timeout(Duration.ZERO)).hasMessageContaining("positive");
  }
}

package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.worker.Worker;
import io.tendril.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code temp-replica-count} knob with in-process workers over 127.0.0.1: a temp ends up on as
 * many workers as asked (no more), replicas wait for workers to join, raising the knob replicates
 * the temps that exist, undeclaring deletes every replica, and the knob takes only whole numbers
 * of at least one. Where a temp is, is read from the workers' caches and the transaction log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TempReplicaTest {
  @TempDir Path dir;
  private Manager manager;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void start() {
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
  }

  @AfterEach
  void stop() {
    for (Worker w : workers) {
      w.close();
    }
    manager.close();
  }

  private Worker addWorker() {
    int n = workers.size() + 1;
    Worker w = new Worker(WorkerOptions.builder("127.0.0.1", manager.port()).workerId("w" + n).cores(1)
        .memoryMb(512).diskMb(512).gpus(0).workspace(dir.resolve("ws" + n)).build());
    workers.add(w);
    w.start();
    return w;
  }

  /** The workers whose caches hold a file now. */
  private int holders(DeclaredFile f) {
    int n = 0;
    for (Worker w : workers) {
      if (Files.exists(w.workspace().resolve("cache").resolve(f.cacheName()))) {
        n++;
      }
    }
    return n;
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as("in time: " + what).isTrue();
      Thread.sleep(50);
    }
  }

  private CommandTask run(CommandTask t) {
    manager.submit(t);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      var done = manager.await(Duration.ofMillis(100));
      if (done.isPresent()) {
        assertThat(done.get()).isSameAs(t);
        assertThat(t.succeeded()).as(t.resultCode() + " " + t.message()).isTrue();
        return t;
      }
    }
    throw new AssertionError("task did not finish in time: " + t);
  }

  /** The transaction log's lines of finished replications of a file. */
  private List<String> replicationsDone(DeclaredFile f) throws IOException {
    manager.stats(); // a round trip through the loop, which flushes the log
    return Files.readAllLines(manager.transactionLog()).stream()
        .filter(l -> l.contains("\"type\":\"transfer\"") && l.contains("\"event\":\"done\"")
            && l.contains("\"replication\":true") && l.contains("\"file\":\"" + f.cacheName() + "\""))
        .toList();
  }

  @Test
  void aTempIsKeptOnAsManyWorkersAsAsked() throws Exception {
    for (int i = 0; i < 3; i++) {
      addWorker();
    }
    waitFor("three workers", () -> manager.stats().workersConnected() == 3);
    manager.tune("temp-replica-count", 2);
    DeclaredFile temp = manager.declareTemp();
    run(CommandTask.builder("head -c 100000 /dev/zero > t").output("t", temp).cores(1).build());

    waitFor("a second replica", () -> holders(temp) == 2);
    Thread.sleep(1000); // no third one follows
    assertThat(holders(temp)).isEqualTo(2);
    List<String> done = replicationsDone(temp);
    assertThat(done).hasSize(1);
    assertThat(done.get(0)).contains("\"source_kind\":\"peer\"").contains("\"size\":100000");
    assertThat(manager.stats().peerTransfers()).isEqualTo(1);
    assertThat(manager.stats().tempsRecovered()).isZero();
  }

  @Test
  void replicasFollowTheKnobWaitForWorkersAndGoWithTheTemp() throws Exception {
    addWorker();
    addWorker();
    waitFor("two workers", () -> manager.stats().workersConnected() == 2);
    DeclaredFile temp = manager.declareTemp();
    run(CommandTask.builder("echo made > t").output("t", temp).cores(1).build());
    Thread.sleep(500);
    assertThat(holders(temp)).as("by default a temp stays where it was made").isEqualTo(1);
    assertThat(replicationsDone(temp)).isEmpty();

    // Raised, the knob applies to the temps that exist; beyond the workers connected, it waits for more.
    manager.tune("temp-replica-count", 3);
    waitFor("a replica on the other worker", () -> holders(temp) == 2);
    addWorker();
    waitFor("a replica on the worker that joined", () -> holders(temp) == 3);
    assertThat(replicationsDone(temp)).hasSize(2);

    // A consumer reads it wherever it runs; undeclared, it goes from every worker.
    Path out = dir.resolve("out.txt");
    run(CommandTask.builder("cat t > out").input(temp, "t")
        .output("out", manager.declareFile(out, io.tendril.protocol.CacheLevel.WORKFLOW)).cores(1).build());
    assertThat(Files.readString(out)).isEqualTo("made\n");
    manager.undeclare(temp);
    waitFor("every replica deleted", () -> holders(temp) == 0);
  }

  @Test
  void theKnobIsAWholeNumberOfAtLeastOne() {
    for (double bad : new double[] {0, 1.5, -2, Double.NaN}) {
      assertThatThrownBy(() -> manager.tune("temp-replica-count", bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("temp-replica-count");
    }
    assertThatThrownBy(() -> manager.tune("temp-replica-count", 0))
        .hasMessage("knob 'temp-replica-count' must be a whole number >= 1 (replicas), got 0.0");
    manager.tune("temp-replica-count", 1);
    manager.tune("temp-replica-count", 4);
  }
}

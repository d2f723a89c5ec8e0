package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.manager.CommandTask;
import io.tendril.manager.DeclaredFile;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.protocol.CacheLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A temp whose maker is SIGKILLed before its consumer runs, with three real worker processes on
 * 127.0.0.1: with {@code temp-replica-count} 2 the consumer reads the other replica and the
 * producer ran once (and the temp is copied again to keep two); with the default of 1 the producer
 * runs again. The producer counts its runs in a side file.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TempReplicaClusterTest {
  @TempDir Path dir;
  private Manager manager;
  private LocalWorkers workers;

  @BeforeEach
  void start() throws InterruptedException {
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
    workers = LocalWorkers.start(3, manager.port(), dir.resolve("run"));
    waitFor("three workers", () -> manager.stats().workersConnected() == 3);
  }

  @AfterEach
  void stop() {
    workers.close();
    manager.close();
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as("in time: " + what).isTrue();
      Thread.sleep(50);
    }
  }

  private CommandTask run(CommandTask t) {
    manager.submit(t);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      var done = manager.await(Duration.ofMillis(100));
      if (done.isPresent()) {
        assertThat(done.get()).isSameAs(t);
        assertThat(t.succeeded()).as(t.resultCode() + " " + t.message() + " " + t.stdout()).isTrue();
        return t;
      }
    }
    throw new AssertionError("task did not finish in time: " + t);
  }

  /** The transaction log's lines of finished replications of a file. */
  private List<String> replicationsDone(DeclaredFile f) {
    manager.stats(); // a round trip through the loop, after which what it logged is flushed
    try {
      return Files.readAllLines(manager.transactionLog()).stream()
          .filter(l -> l.contains("\"type\":\"transfer\"") && l.contains("\"event\":\"done\"")
              && l.contains("\"replication\":true") && l.contains("\"file\":\"" + f.cacheName() + "\""))
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Makes a temp, SIGKILLs the worker that made it, then runs a consumer; returns the consumer. */
  private CommandTask makeKillAndConsume(DeclaredFile temp, Path runs, Path out, boolean awaitReplica)
      throws Exception {
    CommandTask producer = run(CommandTask.builder("echo run >> " + runs + "; echo value > t")
        .output("t", temp).cores(1).build());
    if (awaitReplica) {
      waitFor("a second replica", () -> replicationsDone(temp).size() == 1);
    }
    String maker = producer.worker(); // local-N@host
    int index = Integer.parseInt(maker.substring("local-".length(), maker.indexOf('@'))) - 1;
    Process p = workers.processes().get(index);
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    waitFor("the loss noticed", () -> manager.stats().workersLost() == 1);
    return run(CommandTask.builder("cat t > out").input(temp, "t")
        .output("out", manager.declareFile(out, CacheLevel.WORKFLOW)).cores(1).build());
  }

  @Test
  void aTempOnTwoWorkersOutlivesTheWorkerThatMadeIt() throws Exception {
    manager.tune("temp-replica-count", 2);
    DeclaredFile temp = manager.declareTemp();
    Path runs = dir.resolve("runs.txt");
    Path out = dir.resolve("out.txt");
    CommandTask consumer = makeKillAndConsume(temp, runs, out, true);

    assertThat(Files.readString(out)).isEqualTo("value\n");
    assertThat(Files.readAllLines(runs)).as("the producer ran once").hasSize(1);
    assertThat(manager.stats().tempsRecovered()).isZero();
    assertThat(consumer.worker()).startsWith("local-");
    // The replica lost with the worker is made again from the one left, on the third worker.
    waitFor("two replicas again", () -> replicationsDone(temp).size() == 2);
    String log = Files.readString(manager.transactionLog());
    assertThat(log).contains("\"event\":\"disconnect\"").doesNotContain("\"event\":\"recover\"");
  }

  @Test
  void withOneReplicaTheProducerRunsAgain() throws Exception {
    DeclaredFile temp = manager.declareTemp();
    Path runs = dir.resolve("runs.txt");
    Path out = dir.resolve("out.txt");
    makeKillAndConsume(temp, runs, out, false);

    assertThat(Files.readString(out)).isEqualTo("value\n");
    assertThat(Files.readAllLines(runs)).as("the producer ran again").hasSize(2);
    assertThat(manager.stats().tempsRecovered()).isEqualTo(1);
    assertThat(replicationsDone(temp)).isEmpty();
    assertThat(Files.readString(manager.transactionLog())).contains("\"event\":\"recover\"");
  }
}

package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.manager.CommandTask;
import io.tendril.manager.DeclaredFile;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.ResultCode;
import io.tendril.protocol.CacheLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager with real worker processes on 127.0.0.1: command tasks with every kind of file,
 * result codes, retries, peer transfers, and a worker killed mid-run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterTest {
  @TempDir Path dir;
  private Manager manager;
  private LocalWorkers workers;

  @BeforeEach
  void start() {
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
    workers = LocalWorkers.start(2, manager.port(), dir.resolve("run"));
  }

  @AfterEach
  void stop() {
    workers.close();
    manager.close();
  }

  private List<CommandTask> awaitAll(int n) {
    List<CommandTask> done = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (done.size() < n && System.nanoTime() < deadline) {
      manager.await(Duration.ofMillis(200)).ifPresent(done::add);
    }
    assertThat(done).as("tasks finished in time").hasSize(n);
    return done;
  }

  @Test
  void filesOfEveryKindAndResultCodes() throws Exception {
    Path local = dir.resolve("local.txt");
    Files.writeString(local, "from a local file\n");
    Path urlFile = dir.resolve("url.txt");
    Files.writeString(urlFile, "from a url\n");
    DeclaredFile in = manager.declareFile(local, CacheLevel.WORKFLOW);
    DeclaredFile buffer = manager.declareBuffer("from a buffer\n".getBytes(), CacheLevel.TASK);
    DeclaredFile url = manager.declareUrl(urlFile.toUri().toString(), CacheLevel.WORKER);
    Path outPath = dir.resolve("out.txt");
    DeclaredFile out = manager.declareFile(outPath, CacheLevel.WORKFLOW);
    CommandTask cat = CommandTask.builder("cat a.txt b.txt c.txt > joined.txt; echo visible; echo $GREETING")
        .input(in, "a.txt").input(buffer, "b.txt").input(url, "c.txt")
        .output("joined.txt", out).env("GREETING", "hi there").cores(1).build();
    CommandTask exit3 = CommandTask.builder("exit 3").cores(1).build();
    CommandTask missing = CommandTask.builder("true").output("never", manager.declareFile(dir.resolve("never"), CacheLevel.TASK)).cores(1).build();
    CommandTask signal = CommandTask.builder("kill -9 $$").cores(1).build();
    CommandTask slow = CommandTask.builder("sleep 30").maxWallTime(Duration.ofSeconds(1)).cores(1).build();
    for (CommandTask t : List.of(cat, exit3, missing, signal, slow)) {
      manager.submit(t);
    }
    awaitAll(5);
    assertThat(cat.succeeded()).as(cat.message() + cat.stdout()).isTrue();
    assertThat(Files.readString(outPath)).isEqualTo("from a local file\nfrom a buffer\nfrom a url\n");
    assertThat(cat.stdout()).isEqualTo("visible\nhi there\n");
    assertThat(cat.worker()).startsWith("local-");
    assertThat(cat.timings().started()).isNotNull();
    assertThat(exit3.resultCode()).isEqualTo(ResultCode.SUCCESS);
    assertThat(exit3.exitCode()).isEqualTo(3);
    assertThat(exit3.succeeded()).isFalse();
    assertThat(missing.resultCode()).isEqualTo(ResultCode.OUTPUT_MISSING);
    assertThat(signal.resultCode()).isEqualTo(ResultCode.SIGNAL);
    assertThat(slow.resultCode()).isEqualTo(ResultCode.MAX_WALL_TIME);
    assertThat(Files.readString(manager.transactionLog())).contains("\"source_kind\":\"manager\"")
        .contains("\"source_kind\":\"url\"").contains("\"state\":\"RUNNING\"");
  }

  @Test
  void applicationFailuresAreRetriedUpToMaxRetries() throws Exception {
    Path counter = dir.resolve("attempts");
    CommandTask flaky = CommandTask.builder("echo x >> " + counter + "; [ $(wc -l < " + counter + ") -ge 3 ]")
        .maxRetries(3).cores(1).build();
    CommandTask hopeless = CommandTask.builder("exit 7").maxRetries(1).cores(1).build();
    manager.submit(flaky);
    manager.submit(hopeless);
    awaitAll(2);
    assertThat(flaky.succeeded()).isTrue();
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(hopeless.resultCode()).isEqualTo(ResultCode.MAX_RETRIES);
    assertThat(hopeless.exitCode()).isEqualTo(7);
    assertThat(hopeless.attempts()).isEqualTo(2);
  }

  @Test
  void tempsMoveBetweenWorkersWithoutTheManager() throws Exception {
    DeclaredFile t1 = manager.declareTemp();
    DeclaredFile t2 = manager.declareTemp();
    // Two whole-worker producers that overlap in time run on the two workers; the consumer needs
    // both temps, so one of them must move from one worker to the other.
    manager.submit(CommandTask.builder("sleep 1; head -c 3000000 /dev/zero > t").output("t", t1).build());
    manager.submit(CommandTask.builder("sleep 1; head -c 2000000 /dev/zero > t").output("t", t2).build());
    awaitAll(2);
    Path result = dir.resolve("sizes.txt");
    CommandTask consumer = CommandTask.builder("wc -c < one > sizes; wc -c < two >> sizes")
        .input(t1, "one").input(t2, "two").output("sizes", manager.declareFile(result, CacheLevel.WORKFLOW)).build();
    manager.submit(consumer);
    awaitAll(1);
    assertThat(consumer.succeeded()).as(consumer.stdout() + consumer.message()).isTrue();
    assertThat(Files.readAllLines(result)).containsExactly("3000000", "2000000");
    var stats = manager.stats();
    assertThat(stats.peerTransfers()).isEqualTo(1);
    assertThat(stats.peerBytes()).isIn(2_000_000L, 3_000_000L);
    assertThat(stats.managerTransfers()).isZero();
    assertThat(Files.readString(manager.transactionLog())).contains("\"source_kind\":\"peer\"");
  }

  @Test
  void aWorkerKilledMidRunLosesNothing() throws Exception {
    // A pipeline of temps: stage 1 makes 12 temps, stage 2 turns each into an output file.
    int n = 12;
    Map<Integer, DeclaredFile> temps = new HashMap<>();
    List<CommandTask> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DeclaredFile t = manager.declareTemp();
      temps.put(i, t);
      CommandTask make = CommandTask.builder("sleep 0.3; echo value-" + i + " > t").output("t", t).cores(1).build();
      manager.submit(make);
      all.add(make);
    }
    // Kill a worker that has joined and is running stage 1.
    while (manager.stats().workersConnected() < 2 || manager.stats().tasksDone() < 2) {
      Thread.sleep(20);
    }
    workers.processes().get(0).destroyForcibly(); // SIGKILL
    LocalWorkers replacement = LocalWorkers.start(1, manager.port(), dir.resolve("run"), "replacement");
    try {
      for (int i = 0; i < n; i++) {
        CommandTask use = CommandTask.builder("sleep 0.2; cat t > out").input(temps.get(i), "t")
            .output("out", manager.declareFile(dir.resolve("out-" + i), CacheLevel.WORKFLOW)).cores(1).build();
        manager.submit(use);
        all.add(use);
      }
      awaitAll(2 * n);
      for (CommandTask t : all) {
        assertThat(t.succeeded()).as(t + ": " + t.resultCode() + " " + t.message()).isTrue();
      }
      for (int i = 0; i < n; i++) {
        assertThat(Files.readString(dir.resolve("out-" + i))).isEqualTo("value-" + i + "\n");
      }
      assertThat(manager.stats().workersLost()).isGreaterThanOrEqualTo(1);
      assertThat(Files.readString(manager.transactionLog())).contains("\"event\":\"disconnect\"");
    } finally {
      replacement.close();
    }
  }
}

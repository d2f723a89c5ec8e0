package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tendril.protocol.CacheLevel;
import io.tendril.worker.DiskSpace;
import io.tendril.worker.Worker;
import io.tendril.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager with real workers on 127.0.0.1, one of whose disk is full: it gets no task that needs
 * disk but still runs tasks that need none; a task it ended because its disk filled goes to another
 * worker without counting as the task's failure; the transaction log records the worker's
 * {@code disk-full} and {@code disk-ok}; and once it reports room it takes disk tasks again. Each
 * worker's usable space comes from its {@link DiskSpace} probe.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFullWorkerTest {
  private static final long MB = 1024 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Manager manager;
  private final List<Worker> workers = new java.util.ArrayList<>();

  @BeforeEach
  void start() {
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
  }

  @AfterEach
  void stop() {
    workers.forEach(Worker::close);
    manager.close();
  }

  private Worker worker(String id, DiskSpace disk) {
    Worker w = new Worker(WorkerOptions.builder("127.0.0.1", manager.port()).workerId(id).cores(2).memoryMb(512)
        .diskMb(1024).gpus(0).workspace(dir.resolve("ws-" + id)).diskFloorMb(64).diskSpace(disk)
        .connectTimeout(Duration.ofSeconds(30)).build());
    workers.add(w);
    return w.start();
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within " + WAIT).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private CommandTask awaitTask() {
    Optional<CommandTask> t = manager.await(WAIT);
    assertThat(t).as("a task finished within " + WAIT).isPresent();
    return t.get();
  }

  private String log() throws Exception {
    return Files.readString(manager.transactionLog());
  }

  @Test
  void aWorkerFullFromTheStartRunsOnlyTasksThatNeedNoDiskUntilItHasRoom() throws Exception {
    AtomicLong usable = new AtomicLong(20 * MB);
    Worker full = worker("full", d -> usable.get());
    await("the full worker's state reached the manager", () -> manager.stats().workersDiskFull() == 1);

    CommandTask noDisk = CommandTask.builder("echo ran without disk").cores(1).build();
    manager.submit(noDisk);
    assertThat(awaitTask()).isSameAs(noDisk);
    assertThat(noDisk.succeeded()).as(noDisk.message()).isTrue();
    assertThat(noDisk.worker()).startsWith("full@");

    Path out = dir.resolve("out.txt");
    CommandTask withOutput = CommandTask.builder("echo stored > o").output("o", manager.declareFile(out, CacheLevel.WORKFLOW))
        .cores(1).build();
    DeclaredFile input = manager.declareBuffer("staged\n".getBytes(), CacheLevel.WORKFLOW);
    CommandTask withInput = CommandTask.builder("cat i").input(input, "i").cores(1).build();
    CommandTask declaresDisk = CommandTask.builder("echo asks for disk").cores(1).diskMb(10).build();
    for (CommandTask t : List.of(withOutput, withInput, declaresDisk)) {
      manager.submit(t);
    }
    assertThat(manager.await(Duration.ofSeconds(2))).as("no task that needs disk went to the full worker").isEmpty();
    assertThat(manager.stats().tasksReady()).isEqualTo(3);

    Worker roomy = worker("roomy", DiskSpace.fileSystem());
    for (int i = 0; i < 3; i++) {
      CommandTask t = awaitTask();
      assertThat(t.succeeded()).as(t + " " + t.message()).isTrue();
      assertThat(t.worker()).as(t.toString()).startsWith("roomy@");
    }
    assertThat(Files.readString(out)).isEqualTo("stored\n");
    assertThat(withInput.stdout()).isEqualTo("staged\n");

    // Room again: the worker says so, and takes tasks that need disk once it is the only one.
    usable.set(10_000 * MB);
    await("the worker's room reached the manager", () -> manager.stats().workersDiskFull() == 0);
    assertThat(full.diskFull()).isFalse();
    roomy.close();
    await("the roomy worker left", () -> manager.stats().workersConnected() == 1);
    Path again = dir.resolve("again.txt");
    CommandTask later = CommandTask.builder("echo stored again > o")
        .output("o", manager.declareFile(again, CacheLevel.WORKFLOW)).cores(1).build();
    manager.submit(later);
    assertThat(awaitTask()).isSameAs(later);
    assertThat(later.succeeded()).as(later.message()).isTrue();
    assertThat(later.worker()).startsWith("full@");
    assertThat(Files.readString(again)).isEqualTo("stored again\n");

    String log = log();
    assertThat(log).contains("\"type\":\"worker\",\"event\":\"disk-full\",\"worker\":\"full@")
        .contains("\"free_mb\":20,\"floor_mb\":64,\"reason\":\"usable space 20 MB is below the floor of 64 MB\"}")
        .contains("\"type\":\"worker\",\"event\":\"disk-ok\",\"worker\":\"full@");
    assertThat(log.indexOf("\"event\":\"disk-full\"")).isLessThan(log.indexOf("\"event\":\"disk-ok\""));
  }

  @Test
  void aTaskWhoseWorkerRanOutOfSpaceRunsElsewhereWithoutSpendingARetry() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/full")), "this system has no /dev/full");
    // On worker "filler", the command makes the workspace low (the marker its probe reads) and
    // then fails to write for lack of space (a real ENOSPC, from /dev/full); elsewhere it succeeds.
    Path marker = dir.resolve("filler-is-low");
    worker("filler", d -> Files.exists(marker) ? 2 * MB : 10_000 * MB);
    await("the filler connected", () -> manager.stats().workersConnected() == 1);
    Path out = dir.resolve("out.txt");
    CommandTask task = CommandTask.builder("case \"$PWD\" in */ws-filler/*) touch " + marker
            + "; head -c 100000 /dev/zero > /dev/full;; *) echo made > o;; esac")
        .output("o", manager.declareFile(out, CacheLevel.WORKFLOW)).cores(1).maxRetries(0).build();
    manager.submit(task);
    await("the task was sent back to ready", () -> manager.stats().tasksRequeued() == 1);
    assertThat(manager.stats().workersDiskFull()).isEqualTo(1);
    assertThat(manager.await(Duration.ofSeconds(1))).as("not sent back to the full worker").isEmpty();

    worker("roomy", DiskSpace.fileSystem());
    assertThat(awaitTask()).isSameAs(task);
    assertThat(task.succeeded()).as(task.resultCode() + " " + task.message()).isTrue();
    assertThat(task.worker()).startsWith("roomy@");
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(Files.readString(out)).isEqualTo("made\n");

    String log = log();
    assertThat(log).contains("\"event\":\"disk-full\",\"worker\":\"filler@")
        .containsPattern("\"event\":\"requeue\",\"reason\":\"disk full on worker filler@[^\"]*: the command ran out of"
            + " space \\(exited with status 1\\)\"");

    Files.delete(marker);
    await("the filler's room reached the manager", () -> manager.stats().workersDiskFull() == 0);
    assertThat(log()).contains("\"event\":\"disk-ok\",\"worker\":\"filler@");
  }
}

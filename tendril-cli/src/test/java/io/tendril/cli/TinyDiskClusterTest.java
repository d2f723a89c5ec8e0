package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tendril.manager.CommandTask;
import io.tendril.manager.DeclaredFile;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.protocol.CacheLevel;
import io.tendril.worker.Worker;
import io.tendril.worker.WorkerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tendril worker} process whose workspace is a real 8 MB file system (a tmpfs mounted in a
 * user and mount namespace of its own, by {@code unshare -Urm}; skipped where the system does not
 * allow that): an input it receives, an output it copies into its cache, and a command that fills
 * the disk each fail for real with ENOSPC. Each time the worker reports its disk full, the task runs on
 * another worker without counting as its own failure, {@code tendril status} lists the worker, and
 * once the space is back the worker takes tasks that need disk again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TinyDiskClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Manager manager;
  private Process tiny;
  private final List<Worker> roomy = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    roomy.forEach(Worker::close);
    if (tiny != null) {
      tiny.destroy();
      if (!tiny.waitFor(15, TimeUnit.SECONDS)) {
        tiny.destroyForcibly();
      }
    }
    if (manager != null) {
      manager.close();
    }
  }

  /** Whether this process may mount a tmpfs in namespaces of its own. */
  private static boolean canMountTmpfs(Path at) {
    try {
      Files.createDirectories(at);
      Process p = new ProcessBuilder("unshare", "-Urm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs \"$0\"",
          at.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code tendril worker} with its workspace on a new 8 MB tmpfs and a disk floor of 1 MB. */
  private Process startTinyWorker(Path workspace) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("unshare", "-Urm", "sh", "-c",
        "mount -t tmpfs -o size=8m tmpfs \"$0\" && exec \"$@\"", workspace.toString(),
        ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"));
    if (Runtime.version().feature() >= 24) {
      cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker",
        "127.0.0.1:" + manager.port(), "--id", "tiny", "--workspace", workspace.toString(), "--disk-floor", "1",
        "--disk", "1000", "--cores", "1", "--memory", "512", "--connect-timeout", "60", "--idle-timeout", "600"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("tiny.log").toFile()).start();
  }

  private Worker startRoomy(String id) {
    Worker w = new Worker(WorkerOptions.builder("127.0.0.1", manager.port()).workerId(id).cores(1).memoryMb(512)
        .diskMb(1000).gpus(0).workspace(dir.resolve("ws-" + id)).connectTimeout(Duration.ofSeconds(30)).build());
    roomy.add(w);
    return w.start();
  }

  private void await(String what, BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " within " + WAIT + "; the tiny worker's log:\n"
            + Files.readString(dir.resolve("tiny.log")) + "\nthe transaction log:\n"
            + Files.readString(manager.transactionLog()));
      }
      Thread.sleep(20);
    }
  }

  private CommandTask awaitTask() {
    Optional<CommandTask> t = manager.await(WAIT);
    assertThat(t).as("a task finished within " + WAIT).isPresent();
    return t.get();
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /**
   * Submits a task that the tiny worker (the only one connected) ends because its disk filled, and
   * checks that it goes back to ready, that a roomy worker started then runs it without a retry
   * spent, and that the tiny worker reports room once the roomy one has left.
   */
  private void sentElsewhere(CommandTask t, int requeues, String roomyId, Runnable whileFull) throws Exception {
    manager.submit(t);
    await("task " + t.id() + " was sent back to ready", () -> manager.stats().tasksRequeued() == requeues);
    assertThat(manager.stats().workersDiskFull()).isEqualTo(1);
    whileFull.run();
    Worker w = startRoomy(roomyId);
    assertThat(awaitTask()).isSameAs(t);
    assertThat(t.succeeded()).as(t.resultCode() + " " + t.message()).isTrue();
    assertThat(t.worker()).startsWith(roomyId + "@");
    assertThat(t.attempts()).as("the failed attempt was not the task's").isEqualTo(2);
    w.close();
    await(roomyId + " left", () -> manager.stats().workersConnected() == 1);
    await("the tiny worker has room again", () -> manager.stats().workersDiskFull() == 0);
  }

  private String status() {
    StringWriter out = new StringWriter();
    assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "status",
        dir.resolve("run").toString())).isZero();
    return out.toString();
  }

  private static Path bytes(Path p, int n) throws IOException {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31);
    }
    return Files.write(p, b);
  }

  @Test
  void writesThatFailForLackOfSpaceSendTheirTasksElsewhereUntilThereIsRoomAgain() throws Exception {
    assumeTrue(canMountTmpfs(dir.resolve("probe")), "unshare -Urm cannot mount a tmpfs here");
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
    tiny = startTinyWorker(Files.createDirectories(dir.resolve("tiny-ws")));
    await("the tiny worker connected", () -> manager.stats().workersConnected() == 1);
    assertThat(manager.stats().workersDiskFull()).isZero();

    // 1. A received file: a 10 MB input does not fit in the 8 MB cache.
    DeclaredFile large = manager.declareFile(bytes(dir.resolve("large.bin"), 10_000_000), CacheLevel.WORKFLOW);
    CommandTask count = CommandTask.builder("wc -c < in").input(large, "in").cores(1).maxRetries(0).build();
    // The worker's check of its space may see the disk full before the failed write does.
    sentElsewhere(count, 1, "roomy-1", () -> assertThat(status()).contains("workers whose disk is full")
        .containsPattern("  tiny@\\S+: \\d+ MB usable, floor 1 MB: (usable space \\d+ MB is below the floor of 1 MB"
            + "|a fetch into the cache: .*(?i:no space left on device))"));
    assertThat(count.stdout().strip()).isEqualTo("10000000");
    assertThat(status()).doesNotContain("workers whose disk is full");

    // 2. A task's output: a link to its 5 MB input, which the worker copies into its cache, where
    //    the input already takes 5 of the 8 MB.
    Path medium = bytes(dir.resolve("medium.bin"), 5_000_000);
    Path copied = dir.resolve("copied.bin");
    CommandTask copy = CommandTask.builder("ln -s in out").input(manager.declareFile(medium, CacheLevel.WORKFLOW), "in")
        .output("out", manager.declareFile(copied, CacheLevel.WORKFLOW)).cores(1).maxRetries(0).build();
    sentElsewhere(copy, 2, "roomy-2", () -> { });
    assertThat(Files.mismatch(copied, medium)).isEqualTo(-1);

    // 3. A command that fills the disk and fails.
    Path filled = dir.resolve("filled.bin");
    CommandTask fill = CommandTask.builder("head -c 20000000 /dev/zero > big")
        .output("big", manager.declareFile(filled, CacheLevel.WORKFLOW)).cores(1).maxRetries(0).build();
    sentElsewhere(fill, 3, "roomy-3", () -> { });
    assertThat(Files.size(filled)).isEqualTo(20_000_000);

    // With room again, the tiny worker takes a task that needs disk.
    Path small = dir.resolve("small.txt");
    CommandTask fits = CommandTask.builder("echo fits > s")
        .output("s", manager.declareFile(small, CacheLevel.WORKFLOW)).cores(1).build();
    manager.submit(fits);
    assertThat(awaitTask()).isSameAs(fits);
    assertThat(fits.succeeded()).as(fits.resultCode() + " " + fits.message()).isTrue();
    assertThat(fits.worker()).startsWith("tiny@");
    assertThat(Files.readString(small)).isEqualTo("fits\n");

    String log = Files.readString(manager.transactionLog());
    log.lines().filter(l -> l.contains("disk-") || l.contains("requeue") || l.contains("DISK_FULL"))
        .forEach(l -> System.out.println("log: " + l));
    assertThat(count(log, "\"event\":\"disk-full\",\"worker\":\"tiny@")).isEqualTo(3);
    assertThat(count(log, "\"event\":\"disk-ok\",\"worker\":\"tiny@")).isEqualTo(3);
    String requeue = "\"event\":\"requeue\",\"reason\":\"disk full on worker tiny@[^\"]*: ";
    assertThat(log).containsPattern(requeue + "input \\S+ could not be fetched: [^\"]*(?i:no space left on device)")
        .containsPattern(requeue + "cannot store output 'out' in the cache: [^\"]*(?i:no space left on device)")
        .containsPattern(requeue + "the command ran out of space \\(exited with status 1\\)\"");
  }
}

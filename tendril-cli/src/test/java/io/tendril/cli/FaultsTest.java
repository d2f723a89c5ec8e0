package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tendril.graph.json.Json;
import io.tendril.manager.CommandTask;
import io.tendril.manager.DeclaredFile;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.protocol.CacheLevel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into real worker processes under an embedded manager, each survived with
 * nothing lost: a worker killed (SIGKILL) while it runs a task, while it serves a transfer, while
 * it receives one and while it holds the only copy of a temp; a worker that stops answering
 * (SIGSTOP) until the keepalive timeout declares it lost; and a transfer whose source stops
 * answering mid-way, abandoned at the stall limit and taken from another replica, or, when that
 * source held the only one, made again once the source is declared lost. Every test checks the
 * exact results, that no task (recovery tasks included) ended in failure, and that the transaction
 * log records the recovery. Limits and timeouts the manager derives from a file's size are checked
 * by tendril-manager's KnobsTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultsTest {
  /** The size of the temps that take a while to move: long enough to be caught mid-transfer. */
  private static final long BIG = 100_000_000L;
  /** The line {@code yes} repeats to make a big temp; its length divides {@link #BIG}. */
  private static final String LINE = "tendril faults test";
  private static final String MAKE_BIG = "yes '" + LINE + "' | head -c " + BIG + " > big";
  private static final String SUM_BIG = "sha256sum < big | cut -c1-64 > sum";
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static String bigSum;

  @TempDir Path dir;
  private Manager manager;
  private final Map<String, LocalWorkers> groups = new LinkedHashMap<>();
  private final Set<Process> stopped = new HashSet<>();

  @BeforeEach
  void start() {
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(run()).build());
  }

  @AfterEach
  void stop() {
    for (Process p : stopped) {
      signal(p, "CONT");
    }
    groups.values().forEach(LocalWorkers::close);
    manager.close();
  }

  @Test
  void aTaskWhoseWorkerIsKilledMidRunRunsElsewhere() throws Exception {
    workers("run", 2);
    Path out = dir.resolve("out");
    CommandTask slow = submit(CommandTask.builder("sleep 2; echo finished > out")
        .output("out", local(out)).cores(1).build());
    String victim = runningOn(slow);
    sigkill(victim);

    awaitSucceeded(slow);
    assertThat(Files.readString(out)).isEqualTo("finished\n");
    assertThat(slow.worker()).isNotEqualTo(victim);
    assertThat(slow.attempts()).isEqualTo(2);
    assertThat(disconnectReason(victim)).startsWith("stream failed");
    assertThat(event(e -> is(e, "task", "event", "requeue") && id(e) == slow.id()).get("reason"))
        .isEqualTo("worker " + victim + " was lost");
    assertNoTaskFailed();
  }

  @Test
  void aSourceKilledMidTransferHasItsTempMadeAgain() throws Exception {
    workers("src", 2);
    DeclaredFile big = manager.declareTemp();
    CommandTask make = submit(CommandTask.builder(MAKE_BIG).output("big", big).cores(1).build());
    awaitSucceeded(make);
    String source = make.worker();
    // A task that reads the temp keeps its maker busy, so the consumer goes to the other worker.
    Path release = dir.resolve("release");
    CommandTask held = submit(holding(big, release, dir.resolve("held")));
    assertThat(runningOn(held)).isEqualTo(source);
    Path sum = dir.resolve("sum");
    CommandTask use = submit(summing(big, sum));
    String destination = awaitTransferInProgress(big);
    assertThat(destination).isNotEqualTo(source);
    sigkill(source);
    Files.createFile(release);

    awaitSucceeded(held, use);
    assertThat(Files.readString(sum)).isEqualTo(bigSum() + "\n");
    assertThat(Files.readString(dir.resolve("held"))).isEqualTo(BIG + "\n");
    assertThat(use.worker()).isEqualTo(destination);
    assertThat(disconnectReason(source)).startsWith("stream failed");
    // The failed fetch names its source (the bytes came over its data port or its transfer server).
    assertThat(event(e -> is(e, "transfer", "event", "fail") && destination.equals(e.get("to"))).get("source"))
        .isEqualTo(address(source));
    Map<String, Object> recover = event(e -> is(e, "cache", "event", "recover") && big.cacheName().equals(e.get("file")));
    assertThat(recover.get("producer")).isEqualTo(make.id());
    assertThat(doneOf((Long) recover.get("recovery_task")).get("worker")).isEqualTo(destination);
    assertNoTaskFailed();
  }

  @Test
  void aDestinationKilledMidTransferLeavesTheSourceServingOthers() throws Exception {
    workers("dst", 3);
    DeclaredFile big = manager.declareTemp();
    CommandTask make = submit(CommandTask.builder(MAKE_BIG).output("big", big).cores(1).build());
    awaitSucceeded(make);
    String source = make.worker();
    // The first consumer runs where the temp is; the other two fetch it from there at once.
    List<CommandTask> uses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      uses.add(submit(summing(big, dir.resolve("sum-" + i))));
    }
    String victim = awaitTransferInProgress(big);
    sigkill(victim);

    awaitSucceeded(uses.toArray(CommandTask[]::new));
    for (int i = 0; i < 3; i++) {
      assertThat(Files.readString(dir.resolve("sum-" + i))).isEqualTo(bigSum() + "\n");
      assertThat(uses.get(i).worker()).isNotEqualTo(victim);
    }
    assertThat(uses.stream().mapToInt(CommandTask::attempts).sum()).as("one consumer ran twice").isEqualTo(4);
    assertThat(disconnectReason(victim)).startsWith("stream failed");
    assertThat(manager.stats().workersLost()).isEqualTo(1);
    // The source stayed and served the third worker in full.
    String other = events().stream().filter(e -> is(e, "worker", "event", "connect")).map(e -> (String) e.get("worker"))
        .filter(w -> !w.equals(source) && !w.equals(victim)).findFirst().orElseThrow();
    assertThat(event(e -> is(e, "transfer", "event", "done") && other.equals(e.get("to"))
        && big.cacheName().equals(e.get("file"))))
        .containsEntry("source", address(source)).containsEntry("size", BIG);
    assertThat(events().stream().filter(e -> is(e, "transfer", "event", "fail"))).as("the source was not blamed").isEmpty();
    assertThat(events().stream().filter(e -> is(e, "cache", "event", "recover"))).as("the temp was never lost").isEmpty();
    assertNoTaskFailed();
  }

  @Test
  void aWorkerKilledWithTheOnlyCopiesOfTempsHasThemRemadeByLineage() throws Exception {
    workers("lin", 2);
    DeclaredFile first = manager.declareTemp();
    DeclaredFile second = manager.declareTemp();
    CommandTask one = submit(CommandTask.builder("echo lineage > a").output("a", first).cores(1).build());
    CommandTask two = submit(CommandTask.builder("tr a-z A-Z < a > b; echo again >> b")
        .input(first, "a").output("b", second).cores(1).build());
    awaitSucceeded(one, two);
    String holder = one.worker();
    assertThat(two.worker()).as("the second step runs where its input is").isEqualTo(holder);
    sigkill(holder);
    while (manager.stats().workersConnected() > 1) {
      Thread.sleep(20);
    }
    Path out = dir.resolve("out");
    CommandTask use = submit(CommandTask.builder("cat b > out").input(second, "b")
        .output("out", local(out)).cores(1).build());

    awaitSucceeded(use);
    assertThat(Files.readString(out)).isEqualTo("LINEAGE\nagain\n");
    assertThat(use.worker()).isNotEqualTo(holder);
    assertThat(disconnectReason(holder)).startsWith("stream failed");
    // The second temp is remade first; its producer needs the first, which is remade in turn.
    for (Map.Entry<DeclaredFile, CommandTask> made : Map.of(first, one, second, two).entrySet()) {
      Map<String, Object> recover = event(e -> is(e, "cache", "event", "recover")
          && made.getKey().cacheName().equals(e.get("file")));
      assertThat(recover.get("producer")).isEqualTo(made.getValue().id());
      assertThat(doneOf((Long) recover.get("recovery_task"))).containsEntry("result", "SUCCESS")
          .containsEntry("worker", use.worker());
    }
    assertThat(manager.stats().tempsRecovered()).isEqualTo(2);
    assertNoTaskFailed();
  }

  @Test
  void aWorkerThatStopsAnsweringIsDeclaredLostAndItsTaskRunsElsewhere() throws Exception {
    manager.tune("keepalive-interval", 0.5);
    manager.tune("keepalive-timeout", 3);
    workers("mute", 2);
    Path out = dir.resolve("out");
    CommandTask t = submit(CommandTask.builder("sleep 2; echo answered > out")
        .output("out", local(out)).cores(1).build());
    String victim = runningOn(t);
    long stoppedAt = System.currentTimeMillis();
    sigstop(victim);

    awaitSucceeded(t);
    assertThat(Files.readString(out)).isEqualTo("answered\n");
    assertThat(t.worker()).isNotEqualTo(victim);
    Map<String, Object> lost = event(e -> is(e, "worker", "event", "disconnect") && victim.equals(e.get("worker")));
    assertThat(lost).containsEntry("reason", "silent for more than 3 s").containsEntry("tasks", 1L);
    assertThat((Long) lost.get("time") - stoppedAt).as("declared lost after the timeout, not before")
        .isGreaterThanOrEqualTo(2500);
    assertThat(event(e -> is(e, "task", "event", "requeue") && id(e) == t.id()).get("reason"))
        .isEqualTo("worker " + victim + " was lost");
    assertNoTaskFailed();
  }

  @Test
  void aStalledTransferIsAbandonedAndTakenFromAnotherReplica() throws Exception {
    manager.tune("transfer-stall-seconds", 2);
    workers("stall", 3);
    DeclaredFile big = manager.declareTemp();
    CommandTask make = submit(CommandTask.builder(MAKE_BIG).output("big", big).cores(1).build());
    awaitSucceeded(make);
    // Make a second replica, then keep both holders busy so that the last consumer must fetch.
    Path release = dir.resolve("release");
    CommandTask held = submit(holding(big, release, dir.resolve("held-1")));
    assertThat(runningOn(held)).isEqualTo(make.worker());
    CommandTask first = submit(summing(big, dir.resolve("sum-1")));
    awaitSucceeded(first);
    CommandTask heldToo = submit(holding(big, release, dir.resolve("held-2")));
    assertThat(runningOn(heldToo)).isEqualTo(first.worker());
    CommandTask use = submit(summing(big, dir.resolve("sum-2")));
    String destination = awaitTransferInProgress(big);
    Map<String, Object> start = event(e -> is(e, "transfer", "event", "start") && destination.equals(e.get("to")));
    String source = workerAt((String) start.get("source"));
    sigstop(source);

    // The destination gives up after the stall limit and fetches from the other replica.
    Map<String, Object> failed = awaitEvent("the stalled transfer to fail",
        e -> is(e, "transfer", "event", "fail") && destination.equals(e.get("to")));
    assertThat((String) failed.get("error")).contains("nothing received for 2 s");
    awaitSucceeded(use);
    assertThat(Files.readString(dir.resolve("sum-2"))).isEqualTo(bigSum() + "\n");
    assertThat(use.worker()).isEqualTo(destination);
    String other = source.equals(make.worker()) ? first.worker() : make.worker();
    assertThat(event(e -> is(e, "transfer", "event", "done") && destination.equals(e.get("to"))))
        .containsEntry("source", address(other)).containsEntry("size", BIG);
    assertThat(events().stream().filter(e -> is(e, "worker", "event", "disconnect"))).as("no worker was lost").isEmpty();

    // Once the source answers again, the task it was holding finishes there too.
    Files.createFile(release);
    signal(process(source), "CONT");
    stopped.remove(process(source));
    awaitSucceeded(held, heldToo);
    assertThat(Files.readString(dir.resolve("sum-1"))).isEqualTo(bigSum() + "\n");
    assertThat(Files.readString(dir.resolve("held-1"))).isEqualTo(BIG + "\n");
    assertThat(Files.readString(dir.resolve("held-2"))).isEqualTo(BIG + "\n");
    assertNoTaskFailed();
  }

  @Test
  void aStalledTransferFromTheOnlyReplicaEndsWithTheTempMadeAgain() throws Exception {
    manager.tune("transfer-stall-seconds", 2);
    manager.tune("keepalive-interval", 0.5);
    manager.tune("keepalive-timeout", 5);
    workers("only", 2);
    DeclaredFile big = manager.declareTemp();
    CommandTask make = submit(CommandTask.builder(MAKE_BIG).output("big", big).cores(1).build());
    awaitSucceeded(make);
    String source = make.worker();
    Path release = dir.resolve("release");
    CommandTask held = submit(holding(big, release, dir.resolve("held")));
    assertThat(runningOn(held)).isEqualTo(source);
    CommandTask use = submit(summing(big, dir.resolve("sum")));
    String destination = awaitTransferInProgress(big);
    sigstop(source);
    Files.createFile(release);

    // The transfer stalls and the consumer waits, for its input's only holder is avoided; once that
    // worker is declared lost, the temp is made again on the destination and both tasks run there.
    awaitSucceeded(use, held);
    assertThat(Files.readString(dir.resolve("sum"))).isEqualTo(bigSum() + "\n");
    assertThat(Files.readString(dir.resolve("held"))).isEqualTo(BIG + "\n");
    assertThat(use.worker()).isEqualTo(destination);
    assertThat((String) event(e -> is(e, "transfer", "event", "fail") && destination.equals(e.get("to"))).get("error"))
        .contains("nothing received for 2 s");
    assertThat(disconnectReason(source)).isEqualTo("silent for more than 5 s");
    Map<String, Object> recover = event(e -> is(e, "cache", "event", "recover") && big.cacheName().equals(e.get("file")));
    assertThat(doneOf((Long) recover.get("recovery_task")).get("worker")).isEqualTo(destination);
    assertNoTaskFailed();
  }

  // ------------------------------------------------------------------ tasks

  private CommandTask submit(CommandTask t) {
    manager.submit(t);
    return t;
  }

  private DeclaredFile local(Path p) {
    return manager.declareFile(p, CacheLevel.WORKFLOW);
  }

  /** A task that reads the temp and waits for a file to appear, keeping its worker busy until then. */
  private CommandTask holding(DeclaredFile big, Path release, Path out) {
    return CommandTask.builder("while [ ! -e " + release + " ]; do sleep 0.1; done; wc -c < big > n")
        .input(big, "big").output("n", local(out)).cores(1).build();
  }

  private CommandTask summing(DeclaredFile big, Path out) {
    return CommandTask.builder(SUM_BIG).input(big, "big").output("sum", local(out)).cores(1).build();
  }

  /** The SHA-256 of {@link #MAKE_BIG}'s output, in hex. */
  private static synchronized String bigSum() throws Exception {
    if (bigSum == null) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] block = (LINE + "\n").repeat(50_000).getBytes(StandardCharsets.US_ASCII);
      for (long n = 0; n < BIG; n += block.length) {
        d.update(block);
      }
      bigSum = HexFormat.of().formatHex(d.digest());
    }
    return bigSum;
  }

  private void awaitSucceeded(CommandTask... tasks) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (Stream.of(tasks).anyMatch(t -> !t.isDone()) && System.nanoTime() < deadline) {
      manager.await(Duration.ofMillis(100));
    }
    for (CommandTask t : tasks) {
      assertThat(t.isDone()).as(t + " finished in time").isTrue();
      assertThat(t.succeeded()).as(t + ": " + t.resultCode() + " " + t.message() + " " + t.stdout()).isTrue();
    }
  }

  // ------------------------------------------------------------------ workers

  private Path run() {
    return dir.resolve("run");
  }

  private void workers(String prefix, int n) throws InterruptedException {
    int want = manager.stats().workersConnected() + n;
    groups.put(prefix, LocalWorkers.start(n, manager.port(), run(), prefix));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (manager.stats().workersConnected() < want) {
      assertThat(System.nanoTime()).as("workers connected in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** The process of a worker, by its label ({@code prefix-i@host}). */
  private Process process(String label) {
    String id = label.substring(0, label.indexOf('@'));
    int dash = id.lastIndexOf('-');
    return groups.get(id.substring(0, dash)).processes().get(Integer.parseInt(id.substring(dash + 1)) - 1);
  }

  private Path cacheOf(String label) {
    return run().resolve(label.substring(0, label.indexOf('@'))).resolve("workspace").resolve("cache");
  }

  /** Kills a worker with SIGKILL, and the commands it started, as a crash of its machine would. */
  private void sigkill(String label) throws InterruptedException {
    Process p = process(label);
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private void sigstop(String label) {
    Process p = process(label);
    stopped.add(p);
    signal(p, "STOP");
  }

  private static void signal(Process p, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Where the task is running, once it is. */
  private String runningOn(CommandTask t) throws InterruptedException {
    return (String) awaitEvent("task " + t.id() + " to run",
        e -> is(e, "task", "state", "RUNNING") && id(e) == t.id()).get("worker");
  }

  /**
   * Waits until a peer transfer of the file is under way, with part of it written at its
   * destination, and returns the destination.
   */
  private String awaitTransferInProgress(DeclaredFile f) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Set<String> destinations = new HashSet<>();
    while (System.nanoTime() < deadline) {
      for (Map<String, Object> e : events()) {
        if (is(e, "transfer", "event", "start") && "peer".equals(e.get("source_kind"))
            && f.cacheName().equals(e.get("file"))) {
          destinations.add((String) e.get("to"));
        }
      }
      for (String d : destinations) {
        if (partSize(cacheOf(d), f.cacheName()) >= (4 << 20)) {
          return d;
        }
      }
      Thread.sleep(5);
    }
    return fail("no transfer of " + f.cacheName() + " was seen under way; started to " + destinations);
  }

  private static long partSize(Path cache, String cacheName) throws IOException {
    if (!Files.isDirectory(cache)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(cache)) {
      // The cache's staging path .part-N-NAME, received into ..part-N-NAME.part-X until complete.
      return s.filter(p -> p.getFileName().toString().startsWith("..part-")
              && p.getFileName().toString().contains("-" + cacheName + ".part-"))
          .mapToLong(p -> {
            try {
              return Files.size(p);
            } catch (IOException e) {
              return 0; // moved into place meanwhile
            }
          }).max().orElse(0);
    }
  }

  /** The worker whose transfer server listens at an address. */
  private String workerAt(String address) throws IOException {
    return (String) event(e -> is(e, "worker", "event", "connect") && address.equals(e.get("transfer_address")))
        .get("worker");
  }

  private String address(String worker) throws IOException {
    return (String) event(e -> is(e, "worker", "event", "connect") && worker.equals(e.get("worker")))
        .get("transfer_address");
  }

  // ------------------------------------------------------------------ the transaction log

  /** The complete lines of the transaction log so far, with every event the manager handled before the call. */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> events() throws IOException {
    manager.stats(); // answered on the manager's loop after the batch before it, whose events are then flushed
    String text = Files.readString(manager.transactionLog());
    List<Map<String, Object>> events = new ArrayList<>();
    int end = text.lastIndexOf('\n');
    for (String line : text.substring(0, end + 1).split("\n")) {
      if (!line.isEmpty()) {
        events.add((Map<String, Object>) Json.parse(line));
      }
    }
    return events;
  }

  private Map<String, Object> event(Predicate<Map<String, Object>> p) throws IOException {
    return events().stream().filter(p).findFirst()
        .orElseThrow(() -> new AssertionError("no such event in " + manager.transactionLog()));
  }

  private Map<String, Object> awaitEvent(String what, Predicate<Map<String, Object>> p) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        for (Map<String, Object> e : events()) {
          if (p.test(e)) {
            return e;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread.sleep(10);
    }
    return fail("timed out waiting for " + what);
  }

  private static boolean is(Map<String, Object> e, String type, String key, String value) {
    return type.equals(e.get("type")) && value.equals(e.get(key));
  }

  private static long id(Map<String, Object> e) {
    return e.get("id") instanceof Long l ? l : -1;
  }

  private Map<String, Object> doneOf(long taskId) throws IOException {
    return event(e -> is(e, "task", "state", "DONE") && id(e) == taskId);
  }

  private String disconnectReason(String worker) throws IOException {
    return (String) event(e -> is(e, "worker", "event", "disconnect") && worker.equals(e.get("worker"))).get("reason");
  }

  /** No task, recovery tasks included, ended other than with success and exit code 0. */
  private void assertNoTaskFailed() throws IOException {
    List<Map<String, Object>> done = events().stream().filter(e -> is(e, "task", "state", "DONE")).toList();
    assertThat(done).isNotEmpty();
    for (Map<String, Object> e : done) {
      assertThat(e).as("task end").containsEntry("result", "SUCCESS").containsEntry("exit_code", 0L);
    }
    assertThat(events().stream().filter(e -> is(e, "task", "event", "retry"))).as("no retry spent").isEmpty();
  }
}

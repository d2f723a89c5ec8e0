package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.Fn;
import io.tendril.graph.Key;
import io.tendril.graph.Task;
import io.tendril.graph.TaskFailedException;
import io.tendril.graph.json.FunctionResolver;
import io.tendril.manager.GetOptions;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.ManagerStats;
import io.tendril.manager.PriorityMode;
import io.tendril.manager.RemoteTaskException;
import io.tendril.manager.WorkerChoice;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs on two worker processes on 127.0.0.1: large intermediates stay on the workers, a worker
 * killed mid-run costs nothing but time, an exception is reported with its key and is not retried,
 * and functions from a jar that only the caller has run on the workers.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterGetTest {
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

  @Test
  void largeIntermediatesNeverReachTheManager() {
    int chunks = 16;
    long mb = 8;
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> sums = new ArrayList<>();
    long expected = 0;
    for (int i = 0; i < chunks; i++) {
      dsk.put(Key.of("chunk", i), Task.of(GraphOps::chunk, (long) i, mb));
    }
    for (int i = 0; i < chunks; i += 2) {
      dsk.put(Key.of("pair", i), Task.of(GraphOps::combine, Key.of("chunk", i), Key.of("chunk", i + 1)));
      dsk.put(Key.of("sum", i), Task.of(GraphOps::checksum, Key.of("pair", i)));
      sums.add(Key.of("sum", i));
      expected += GraphOps.checksum(GraphOps.combine(GraphOps.chunk(i, mb), GraphOps.chunk(i + 1, mb)));
    }
    dsk.put("total", Task.of(GraphOps::sum, sums));
    AtomicInteger progress = new AtomicInteger();
    Object total = manager.get(dsk, "total", GetOptions.defaults().progress((done, all) -> progress.set(done)));
    assertThat(total).isEqualTo(expected);
    assertThat(progress).hasValue(chunks + chunks / 2 * 2 + 1);
    ManagerStats s = manager.stats();
    // Only the total (a few bytes) came back; 128 MB of chunks and 64 MB of pairs stayed out there.
    assertThat(s.bytesReceivedByManager()).isLessThan(1024);
    // Some pair read a chunk made on the other worker: it went worker to worker.
    assertThat(s.peerBytes()).isGreaterThanOrEqualTo(mb << 20);
  }

  @Test
  void smallResultsRideInTheMessagesAndLargeOnesStayFiles() throws Exception {
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      dsk.put(Key.of("inc", i), Task.of(io.tendril.graph.Ops::inc, (long) i));
      keys.add(Key.of("inc", i));
    }
    dsk.put("total", Task.of(GraphOps::sum, new ArrayList<>(keys)));
    keys.add("total");
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      expected.add(i + 1L);
    }
    expected.add(40L * 41 / 2);
    assertThat(manager.get(dsk, keys)).isEqualTo(expected);
    ManagerStats inline = manager.stats();
    // Every result came back in its completion and went to "total" inside its request: no result was
    // stored as a file on a worker (only the environment's files travel, from the manager or a peer).
    assertThat(inline.bytesReceivedByManager()).isZero();
    assertThat(Files.readAllLines(manager.transactionLog()).stream()
        .filter(l -> l.contains("\"event\":\"output\"")).count()).isZero();
    assertThat(manager.get(dsk, keys, GetOptions.defaults().inlineLimit(0))).isEqualTo(expected);
    // As files: each of the 41 requested results is fetched from the worker that holds it.
    assertThat(manager.stats().bytesReceivedByManager()).isPositive();
    long fetches = 0;
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        fetches < 41 && System.nanoTime() < deadline; Thread.sleep(50)) {
      // The log is written by the manager's loop, a moment after get has returned.
      fetches = Files.readAllLines(manager.transactionLog()).stream()
          .filter(l -> l.contains("\"source_kind\":\"fetch\"")).count();
    }
    assertThat(fetches).isEqualTo(41);
  }

  @Test
  void withLazyTransfersOffEveryResultComesBackAndFunctionsGetTheirOwnResources() throws Exception {
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> parts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      dsk.put(Key.of("inc", i), Task.of(io.tendril.graph.Ops::inc, (long) i));
      parts.add(Key.of("inc", i));
    }
    dsk.put("total", Task.of(GraphOps::sum, parts));
    Object total = manager.get(dsk, "total", GetOptions.defaults().lazyTransfers(false).inlineLimit(0)
        .functionResources(Task.of(GraphOps::sum, parts).fn().functionName(), 0.5, 0, 0, 0));
    assertThat(total).isEqualTo(21L);
    List<String> log = List.of();
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < deadline; Thread.sleep(50)) {
      log = Files.readAllLines(manager.transactionLog());
      if (log.stream().filter(l -> l.contains("\"source_kind\":\"retrieve\"")).count() == 7) {
        break;
      }
    }
    // All 7 results were brought back to the manager as they were made.
    assertThat(log.stream().filter(l -> l.contains("\"source_kind\":\"retrieve\"")).count()).isEqualTo(7);
    // The sum got half a core (the workers have one each), the incs the default of one core.
    assertThat(log.stream().filter(l -> l.contains("\"state\":\"DISPATCHED\"") && l.contains("\"cores\":0.5"))
        .count()).isEqualTo(1);
    assertThat(log.stream().filter(l -> l.contains("\"state\":\"DISPATCHED\"") && l.contains("\"cores\":1.0")).count())
        .isEqualTo(6);
  }

  @Test
  void aWorkerKilledMidRunCostsNothingButTime() throws Exception {
    int n = 200;
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dsk.put(Key.of("a", i), Task.of(GraphOps::slowInc, (long) i));
      dsk.put(Key.of("b", i), Task.of(GraphOps::slowInc, Key.of("a", i)));
      parts.add(Key.of("b", i));
    }
    dsk.put("total", Task.of(GraphOps::sum, parts));
    Thread killer = Thread.ofPlatform().start(() -> {
      try {
        while (manager.stats().tasksDone() < n / 2) {
          Thread.sleep(20);
        }
        workers.processes().get(0).destroyForcibly(); // SIGKILL, with calls running and results on it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    // Results as files only (no inline values), so the killed worker takes results still needed
    // with it and they are recomputed from their producers.
    Object total = manager.get(dsk, "total", GetOptions.defaults().inlineLimit(0));
    killer.join();
    assertThat(total).isEqualTo((long) n * (n - 1) / 2 + 2L * n);
    assertThat(manager.stats().workersLost()).isEqualTo(1);
  }

  @Test
  void anExceptionIsReportedWithItsKeyAndIsNotRetried() throws Exception {
    Path counter = dir.resolve("runs.txt");
    Map<Object, Object> dsk = Map.of(
        "path", counter.toString(),
        Key.of("bad", 7), Task.of(GraphOps::failAndCount, "path"),
        "after", Task.of(io.tendril.graph.Ops::inc, Key.of("bad", 7)));
    assertThatThrownBy(() -> manager.get(dsk, "after"))
        .isInstanceOf(TaskFailedException.class)
        .satisfies(e -> {
          TaskFailedException t = (TaskFailedException) e;
          assertThat(t.key()).isEqualTo(Key.of("bad", 7));
          assertThat(t.getMessage()).contains("('bad', 7)").contains("bad luck in runs.txt");
          RemoteTaskException cause = (RemoteTaskException) t.getCause();
          assertThat(cause.remoteClassName()).isEqualTo("java.lang.IllegalStateException");
          assertThat(cause.getStackTrace()[0].getMethodName()).isEqualTo("failAndCount");
        });
    assertThat(Files.readAllLines(counter)).hasSize(1);
    // With retries asked for, it runs once more per retry.
    assertThatThrownBy(() -> manager.get(dsk, "after", GetOptions.defaults().retries(2)))
        .isInstanceOf(TaskFailedException.class);
    assertThat(Files.readAllLines(counter)).hasSize(1 + 3);
  }

  /** A value of a class the codec does not allow by default. */
  record Reading(String detector, double energy) {}

  @Test
  void whatCannotTravelFailsAtSubmissionWithTheFix() {
    Thread notAValue = Thread.currentThread();
    Map<Object, Object> capturing = Map.of("x", 1L, "y", Task.of((Long x) -> x + notAValue.getId(), "x"));
    assertThatThrownBy(() -> manager.get(capturing, "y"))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("cannot send the function of key 'y'")
        .hasMessageContaining("static method reference");
    Map<Object, Object> literal = Map.of("r", new Reading("ecal", 42.0), "e", Task.of(io.tendril.graph.Ops::identity, "r"));
    assertThatThrownBy(() -> manager.get(literal, "e"))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining(Reading.class.getName())
        .hasMessageContaining("allowPackages");
    assertThat(manager.stats().tasksSubmitted()).isZero();
    // Allowed, the same record travels both ways.
    assertThat(manager.get(literal, "e", GetOptions.defaults().allowPackages("io.tendril.cli")))
        .isEqualTo(new Reading("ecal", 42.0));
  }

  @Test
  void manyReadyCallsShareTasksAndEachKeepsItsResultAndFailure() throws Exception {
    int n = 3000;
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dsk.put(Key.of("inc", i), Task.of(io.tendril.graph.Ops::inc, (long) i));
      parts.add(Key.of("inc", i));
    }
    dsk.put("total", Task.of(GraphOps::sum, parts));
    assertThat(manager.get(dsk, "total")).isEqualTo((long) n * (n - 1) / 2 + n);
    long batches = Files.readAllLines(manager.transactionLog()).stream()
        .filter(l -> l.contains("\"state\":\"SUBMITTED\"") && l.contains(" keys from ")).count();
    assertThat(batches).as("tasks carrying several calls").isPositive();
    long tasks = manager.stats().tasksSubmitted();
    assertThat(tasks).as("fewer tasks than calls").isLessThan(n);

    // One call of a batch throws: the run fails with that call's key and exception.
    Map<Object, Object> bad = new HashMap<>(dsk);
    bad.put(Key.of("inc", 1234), Task.of(GraphOps::fail, "call 1234"));
    assertThatThrownBy(() -> manager.get(bad, "total"))
        .isInstanceOf(TaskFailedException.class)
        .satisfies(e -> assertThat(((TaskFailedException) e).key()).isEqualTo(Key.of("inc", 1234)))
        .hasMessageContaining("call 1234")
        .hasCauseInstanceOf(RemoteTaskException.class);
    // With one call per task, the same graph gives the same result.
    assertThat(manager.get(dsk, "total", GetOptions.defaults().batchCalls(1))).isEqualTo((long) n * (n - 1) / 2 + n);
    assertThat(manager.stats().tasksSubmitted() - tasks).isGreaterThanOrEqualTo(n + 1);
  }

  @Test
  void aBatchMixingInlineAndStoredResultsKeepsEachWhereItBelongsAndLeavesNothingBehind() throws Exception {
    int n = 300;
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> parts = new ArrayList<>();
    long expected = 0;
    for (int i = 0; i < n; i++) {
      dsk.put(Key.of("sized", i), Task.of(GraphOps::sized, (long) i));
      parts.add(Key.of("sized", i));
      expected += (long) (byte) i * (i % 3 == 0 ? 200 * 1024 : 8);
    }
    dsk.put("total", Task.of(GraphOps::byteSum, parts));
    long before = manager.stats().tasksSubmitted();
    long outputsBefore = outputEvents();
    List<Object> keys = List.of("total", Key.of("sized", 3), Key.of("sized", 4));
    Object result = manager.get(dsk, keys);
    assertThat(manager.stats().tasksSubmitted() - before).as("calls shared tasks").isLessThan(n);
    List<?> got = (List<?>) result;
    assertThat(got.get(0)).isEqualTo(expected);
    assertThat((byte[]) got.get(1)).hasSize(200 * 1024).containsOnly((byte) 3);
    assertThat((byte[]) got.get(2)).hasSize(8).containsOnly((byte) 4);
    // Only the large results became files on the workers, one each; the small ones of the same
    // batches came back inside their completions and went to "total" inside its request.
    long stored = 0;
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        stored < n / 3 && System.nanoTime() < deadline; Thread.sleep(50)) {
      stored = outputEvents() - outputsBefore;
    }
    assertThat(stored).isEqualTo(n / 3);
    // One call per task, every result its own task: the same values.
    List<?> alone = (List<?>) manager.get(dsk, keys, GetOptions.defaults().batchCalls(1));
    assertThat(alone.get(0)).isEqualTo(expected);
    assertThat((byte[]) alone.get(1)).isEqualTo((byte[]) got.get(1));
    assertThat((byte[]) alone.get(2)).isEqualTo((byte[]) got.get(2));
  }

  private long outputEvents() throws IOException {
    return Files.readAllLines(manager.transactionLog()).stream().filter(l -> l.contains("\"event\":\"output\"")).count();
  }

  @Test
  void extraFilesAndVariablesReachTheFunctionsThroughTheirLibrary() throws Exception {
    Path settings = Files.createDirectories(dir.resolve("settings"));
    Files.writeString(settings.resolve("threshold.txt"), "7\n");
    Map<Object, Object> dsk = new HashMap<>();
    dsk.put("s", Task.of(GraphOps::setting, "threshold.txt"));
    assertThat(manager.get(dsk, "s", GetOptions.defaults().extraFiles(settings.resolve("threshold.txt"))
        .environmentVariable("TENDRIL_TEST_MARK", "!"))).isEqualTo("7!");
    // Another variable is another library, with its own process environment.
    assertThat(manager.get(dsk, "s", GetOptions.defaults().extraFiles(settings.resolve("threshold.txt"))
        .environmentVariable("TENDRIL_TEST_MARK", "?"))).isEqualTo("7?");
    assertThatThrownBy(() -> manager.get(dsk, "s", GetOptions.defaults().extraFiles(dir.resolve("missing.txt"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extra file")
        .hasMessageContaining("missing.txt does not exist");
    assertThatThrownBy(() -> GetOptions.defaults().environmentVariable("A=B", "x"))
        .hasMessageContaining("'A=B' cannot be set");
  }

  @Test
  void filesKeepAChainOnOneWorkerAndRandomSpreadsIt() {
    Map<Object, Object> dsk = new HashMap<>();
    int links = 24;
    dsk.put(Key.of("link", 0), new byte[0]);
    for (int i = 1; i <= links; i++) {
      // 100 KB per link: above the inline limit, so each result is a file on the worker that made it.
      dsk.put(Key.of("link", i), Task.of(GraphOps::link, Key.of("link", i - 1), 100L));
    }
    byte[] last = (byte[]) manager.get(dsk, Key.of("link", links));
    assertThat(last[0]).isEqualTo((byte) links);
    assertThat(manager.stats().peerTransfers()).as("by files, every link runs where its input is").isZero();
    byte[] again = (byte[]) manager.get(dsk, Key.of("link", links), GetOptions.defaults().workerChoice(WorkerChoice.RANDOM));
    assertThat(again[0]).isEqualTo((byte) links);
    // At random, a link lands on the other worker about half the time (all 23 on one: 2^-22).
    assertThat(manager.stats().peerTransfers()).as("at random, links cross between the workers").isPositive();
  }

  @Test
  void callsWaitOnBusyWorkersUpToCallPrefetchPerCore() throws Exception {
    // Two workers of one core each; 12 calls of 50 ms are ready at once.
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); manager.stats().workersConnected() < 2; ) {
      assertThat(System.nanoTime()).as("both workers joined").isLessThan(deadline);
      Thread.sleep(50);
    }
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      dsk.put(Key.of("slow", i), Task.of(GraphOps::slowInc, (long) i));
      keys.add(Key.of("slow", i));
    }
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      expected.add(i + 1L);
    }
    assertThat(manager.get(dsk, keys)).isEqualTo(expected);
    // One running and three waiting on each worker before the first ends.
    assertThat(dispatchedBeforeFirstEnd()).isEqualTo(2 * (1 + 3));
    manager.tune("call-prefetch", 0);
    assertThat(manager.get(dsk, keys)).isEqualTo(expected);
    assertThat(dispatchedBeforeFirstEnd()).isEqualTo(2);
  }

  /** Dispatches in the transaction log since the last call of this method, before the first task ended. */
  private long dispatchedBeforeFirstEnd() throws Exception {
    Thread.sleep(1200); // the log is flushed at least every second
    List<String> lines = Files.readAllLines(manager.transactionLog());
    List<String> fresh = lines.subList(logSeen, lines.size());
    logSeen = lines.size();
    long n = 0;
    for (String l : fresh) {
      if (l.contains("\"event\":\"finished\"")) {
        break;
      }
      if (l.contains("\"state\":\"DISPATCHED\"")) {
        n++;
      }
    }
    return n;
  }

  private int logSeen;

  @Test
  void priorityModesOrderTheDispatchOfReadyCalls() throws Exception {
    workers.close(); // this test's workers join only once every call is waiting
    Map<PriorityMode, List<String>> orders = new java.util.EnumMap<>(PriorityMode.class);
    for (PriorityMode mode : List.of(PriorityMode.FIFO, PriorityMode.LIFO)) {
      Path run = dir.resolve("order-" + mode);
      try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(run).build())) {
        Map<Object, Object> dsk = new HashMap<>();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          dsk.put(Key.of("inc", i), Task.of(io.tendril.graph.Ops::inc, (long) i));
          keys.add(Key.of("inc", i));
        }
        java.util.concurrent.CompletableFuture<Object> result = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> m.get(dsk, keys, GetOptions.defaults().priority(mode)));
        while (m.stats().tasksSubmitted() < 12) {
          Thread.sleep(20);
        }
        try (LocalWorkers late = LocalWorkers.start(1, m.port(), run)) {
          assertThat(result.get(120, TimeUnit.SECONDS)).asList().hasSize(12);
        }
        orders.put(mode, dispatchedCommands(m.transactionLog()));
      }
    }
    // The same twelve calls became ready in the same order in both runs: LIFO runs them backwards.
    assertThat(orders.get(PriorityMode.FIFO)).hasSize(12);
    List<String> reversed = new ArrayList<>(orders.get(PriorityMode.FIFO));
    java.util.Collections.reverse(reversed);
    assertThat(orders.get(PriorityMode.LIFO)).isEqualTo(reversed);
  }

  /** The commands ("call inc for ('inc', 3)") of the tasks in the order they were dispatched. */
  private static List<String> dispatchedCommands(Path log) throws IOException {
    Map<Long, String> command = new HashMap<>();
    List<String> order = new ArrayList<>();
    java.util.regex.Pattern id = java.util.regex.Pattern.compile("\"id\":(\\d+)");
    java.util.regex.Pattern cmd = java.util.regex.Pattern.compile("\"command\":\"([^\"]*)\"");
    for (String line : Files.readAllLines(log)) {
      java.util.regex.Matcher i = id.matcher(line);
      if (!line.contains("\"type\":\"task\"") || !i.find()) {
        continue;
      }
      long task = Long.parseLong(i.group(1));
      java.util.regex.Matcher c = cmd.matcher(line);
      if (line.contains("\"state\":\"SUBMITTED\"") && c.find()) {
        command.put(task, c.group(1));
      } else if (line.contains("\"state\":\"DISPATCHED\"")) {
        order.add(command.get(task));
      }
    }
    return order;
  }

  @Test
  void functionsFromAJarOnlyTheCallerHasRunOnTheWorkers() throws Exception {
    Path jar = buildJar();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      FunctionResolver resolver = new FunctionResolver(loader);
      Fn square = resolver.resolve("ext.cluster.Physics::square");
      Map<Object, Object> dsk = new HashMap<>();
      dsk.put("x", 12L);
      dsk.put("y", Task.ofFunction(square, List.of("x")));
      assertThatThrownBy(() -> Class.forName("ext.cluster.Physics")).isInstanceOf(ClassNotFoundException.class);
      Object y = manager.get(dsk, "y", GetOptions.defaults().environment(List.of(jar)));
      assertThat(y).isEqualTo(144L);
    }
  }

  private Path buildJar() throws Exception {
    Path src = dir.resolve("src/ext/cluster/Physics.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package ext.cluster;

        public final class Physics {
          private Physics() {}

          public static long square(long x) {
            return x * x;
          }
        }
        """);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "--release", "21", "-d", classes.toString(), src.toString())).isZero();
    Path jar = dir.resolve("physics.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return jar;
  }
}

package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.AuthBegin;
import io.tendril.protocol.wire.Heartbeat;
import io.tendril.protocol.wire.Hello;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.RefuseCode;
import io.tendril.protocol.wire.TaskStarted;
import io.tendril.protocol.wire.WorkerBatch;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.worker.Worker;
import io.tendril.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A manager's worker endpoint under hostile control streams, sent by hand over real gRPC: bytes
 * that are not a message, truncated and oversized messages, handshakes gone wrong (another
 * protocol version, a first message that is not Hello, a taken id, a nested batch, a password the
 * manager does not expect, resources that are not numbers), and thousands of valid messages full
 * of nonsense from fixed seeds, both before Hello and from a connected worker that answers its
 * tasks at random. Each ends at most its own stream; after each, a worker that was connected all
 * along is still connected and runs a normal task.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileWorkerStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Manager manager;
  private Worker steady;

  @BeforeEach
  void start() throws InterruptedException {
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
    steady = new Worker(WorkerOptions.builder("127.0.0.1", manager.port()).workerId("steady")
        .cores(2).memoryMb(1024).diskMb(1024).gpus(0).workspace(dir.resolve("ws-steady"))
        .connectTimeout(Duration.ofSeconds(60)).build()).start();
    awaitWorkers(1);
  }

  @AfterEach
  void stop() {
    steady.close();
    manager.close();
  }

  private void awaitWorkers(int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (manager.stats().workersConnected() != n) {
      assertThat(System.nanoTime()).as(n + " workers connected in time; now " + manager.stats().workersConnected())
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static WorkerMessage hello(String id) {
    return WorkerMessage.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(Protocol.VERSION)
        .setWorkerId(id).setHostname("nowhere").setTransferAddress("127.0.0.1:1")
        .setResources(new io.tendril.protocol.Resources(2, 1024, 1024, 0).toWire())).build();
  }

  /** The worker connected from the start is still there and runs a task: nothing hostile got past its stream. */
  private void aNormalTaskStillRuns() throws Exception {
    assertThat(steady.exit()).as("the steady worker is still running").isEmpty();
    assertThat(steady.isConnected()).as("the steady worker is still connected").isTrue();
    Path out = dir.resolve("normal-" + System.nanoTime() + ".txt");
    CommandTask t = CommandTask.builder("echo still here > out").output("out", manager.declareFile(out, CacheLevel.WORKFLOW))
        .build();
    manager.submit(t);
    awaitDone(List.of(t), Duration.ofSeconds(60));
    assertThat(t.succeeded()).as(t.resultCode() + " " + t.message()).isTrue();
    assertThat(t.worker()).startsWith("steady@");
    assertThat(Files.readString(out)).isEqualTo("still here\n");
  }

  /** Waits until every one of these tasks came back from await (others that come back are dropped). */
  private void awaitDone(List<CommandTask> tasks, Duration wait) {
    Set<CommandTask> left = new HashSet<>(tasks);
    long deadline = System.nanoTime() + wait.toNanos();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      manager.await(Duration.ofMillis(100)).ifPresent(left::remove);
    }
    assertThat(left).as("tasks that never finished").isEmpty();
  }

  private String log() throws Exception {
    // The log is flushed at least every second.
    Thread.sleep(1200);
    return Files.readString(manager.transactionLog());
  }

  @Test
  void bytesThatAreNotAMessageEndOnlyTheirOwnStream() throws Exception {
    byte[] garbage = new byte[64];
    Arrays.fill(garbage, (byte) 0xff);
    byte[] valid = hello("half").toByteArray();
    byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
    for (byte[] bad : List.of(garbage, truncated, new byte[] {0x0a, (byte) 0x80})) {
      try (RawWorkerStream s = new RawWorkerStream(manager.port())) {
        s.send(bad);
        Status status = s.awaitClose(WAIT);
        assertThat(status).as("the manager ended the stream").isNotNull();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith("a message of " + bad.length + " bytes is not a WorkerMessage: ");
        assertThat(s.received()).isEmpty();
      }
    }
    // The same from a worker the manager welcomed: it is disconnected, and says why in the log.
    try (RawWorkerStream s = new RawWorkerStream(manager.port())) {
      s.send(hello("rogue-1"));
      s.await(ManagerMessage.KindCase.WELCOME, WAIT);
      awaitWorkers(2);
      s.send(truncated);
      assertThat(s.awaitClose(WAIT).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      awaitWorkers(1);
    }
    assertThat(log()).contains("\"event\":\"bad-message\",\"worker\":\"rogue-1@nowhere\"")
        .contains("\"event\":\"disconnect\",\"worker\":\"rogue-1@nowhere\",\"reason\":\"its stream carried a message of "
            + truncated.length + " bytes is not a WorkerMessage");
    aNormalTaskStillRuns();
  }

  @Test
  void aMessageAboveTheSizeLimitEndsOnlyItsOwnStream() throws Exception {
    String huge = "h".repeat(Protocol.MAX_MESSAGE_BYTES + 1);
    for (boolean afterHello : new boolean[] {false, true}) {
      try (RawWorkerStream s = new RawWorkerStream(manager.port())) {
        if (afterHello) {
          s.send(hello("large-1"));
          s.await(ManagerMessage.KindCase.WELCOME, WAIT);
        }
        s.send(WorkerMessage.newBuilder().setHello(Hello.newBuilder().setWorkerId("large-2").setHostname(huge)).build());
        Status status = s.awaitClose(WAIT);
        assertThat(status).isNotNull();
        // gRPC refuses it before it reaches the manager (and logs it); the peer sees its stream reset.
        assertThat(status.getCode()).isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
        awaitWorkers(1);
      }
    }
    aNormalTaskStillRuns();
  }

  /** The manager's refusal of a stream that opens with a message, and its reason. */
  private String refusalOf(WorkerMessage... messages) throws InterruptedException {
    try (RawWorkerStream s = new RawWorkerStream(manager.port())) {
      for (WorkerMessage m : messages) {
        s.send(m);
      }
      ManagerMessage refuse = s.await(ManagerMessage.KindCase.REFUSE, WAIT);
      Status status = s.awaitClose(WAIT);
      assertThat(status).as("the manager ends a refused stream").isNotNull();
      assertThat(status.isOk()).isTrue();
      return refuse.getRefuse().getCode() + ": " + refuse.getRefuse().getReason();
    }
  }

  @Test
  void handshakesGoneWrongAreRefusedWithTheReason() throws Exception {
    WorkerMessage future = WorkerMessage.newBuilder().setHello(hello("future").getHello().toBuilder()
        .setProtocolVersion(99)).build();
    assertThat(refusalOf(future)).contains("this manager speaks protocol version " + Protocol.VERSION + ", the worker 99");
    assertThat(refusalOf(WorkerMessage.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId(1)).build()))
        .contains("the first message of a worker must be Hello, got TASK_STARTED");
    assertThat(refusalOf(hello("steady"))).contains("worker id 'steady' is empty or already connected");
    assertThat(refusalOf(hello(""))).contains("worker id '' is empty");
    WorkerMessage nested = WorkerMessage.newBuilder().setBatch(WorkerBatch.newBuilder()
        .addMessages(WorkerMessage.newBuilder().setBatch(WorkerBatch.newBuilder().addMessages(hello("nested"))))).build();
    assertThat(refusalOf(nested)).contains("a worker's batch must not hold another batch");
    assertThat(refusalOf(WorkerMessage.newBuilder().setAuthBegin(AuthBegin.newBuilder().setProtocolVersion(Protocol.VERSION))
        .build())).startsWith(RefuseCode.REFUSE_CODE_NO_PASSWORD.name());
    String log = log();
    assertThat(log).contains("\"event\":\"refuse\"").contains("protocol version").contains("REFUSE_CODE_NO_PASSWORD");
    assertThat(manager.stats().workersJoined()).as("only the steady worker joined").isEqualTo(1);
    aNormalTaskStillRuns();
  }

  @Test
  void resourcesThatAreNotNumbersCountAsNothing() throws Exception {
    int hungry = manager.hungry();
    int window = manager.window();
    double[] nonsense = {Double.POSITIVE_INFINITY, Double.NaN, -4, Double.NEGATIVE_INFINITY, 1e300};
    for (int i = 0; i < nonsense.length; i++) {
      try (RawWorkerStream s = new RawWorkerStream(manager.port())) {
        s.send(WorkerMessage.newBuilder().setHello(hello("odd-" + i).getHello().toBuilder()
            .setResources(io.tendril.protocol.wire.Resources.newBuilder().setCores(nonsense[i])
                .setMemoryMb(Long.MAX_VALUE).setDiskMb(-1).setGpus(Integer.MIN_VALUE))).build());
        s.await(ManagerMessage.KindCase.WELCOME, WAIT);
        awaitWorkers(2);
        assertThat(manager.hungry()).as("hungry() with worker odd-" + i).isBetween(1, 1 << 24);
        assertThat(manager.window()).as("window with worker odd-" + i).isBetween(1, 1 << 24);
        // Tasks dispatched meanwhile (to either worker) are not lost to the odd one's numbers.
        List<CommandTask> tasks = List.of(CommandTask.builder("true").cores(1).memoryMb(10).build(),
            CommandTask.builder("true").build(), CommandTask.builder("true").memoryMb(100).build());
        tasks.forEach(manager::submit);
        Thread.sleep(200);
        s.halfClose();
        assertThat(s.awaitClose(WAIT)).isNotNull();
        awaitWorkers(1);
        awaitDone(tasks, WAIT);
      }
    }
    // Once they left, the manager counts as it did before they came.
    assertThat(manager.hungry()).isEqualTo(hungry);
    assertThat(manager.window()).isEqualTo(window);
    aNormalTaskStillRuns();
  }

  /**
   * A worker that reports an output it cannot serve (its transfer address answers nothing) while
   * it stays connected: bringing the output back fails, the task runs again instead of failing, and
   * ends with the right output on the steady worker once the other is gone.
   */
  @Test
  void anOutputThatCannotBeBroughtBackRunsTheTaskAgain() throws Exception {
    Path out = dir.resolve("again.txt");
    // The steady worker is busy first, so the task (which wants a whole worker) goes to the other.
    CommandTask busy = CommandTask.builder("sleep 2").build();
    manager.submit(busy);
    try (RawWorkerStream rogue = new RawWorkerStream(manager.port())) {
      rogue.send(hello("unreachable"));
      rogue.await(ManagerMessage.KindCase.WELCOME, WAIT);
      awaitWorkers(2);
      CommandTask t = CommandTask.builder("echo made > out")
          .output("out", manager.declareFile(out, CacheLevel.WORKFLOW)).build();
      manager.submit(t);
      io.tendril.protocol.wire.RunTask run = rogue.await(ManagerMessage.KindCase.RUN_TASK, WAIT).getRunTask();
      assertThat(run.getTaskId()).isEqualTo(t.id());
      rogue.send(WorkerMessage.newBuilder().setTaskFinished(io.tendril.protocol.wire.TaskFinished.newBuilder()
          .setTaskId(run.getTaskId()).setResult(io.tendril.protocol.wire.TaskResult.TASK_RESULT_SUCCESS)
          .addOutputs(io.tendril.protocol.wire.OutputFile.newBuilder().setSandboxName("out")
              .setCacheName(run.getOutputs(0).getCacheName()).setSize(5).setPresent(true))).build());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!log().contains("could not bring an output back from unreachable")) {
        assertThat(System.nanoTime()).as("the failed retrieval requeued the task").isLessThan(deadline);
      }
      rogue.halfClose();
      assertThat(rogue.awaitClose(WAIT)).isNotNull();
    }
    awaitWorkers(1);
    List<CommandTask> both = new ArrayList<>();
    manager.await(Duration.ofSeconds(60)).ifPresent(both::add);
    manager.await(Duration.ofSeconds(60)).ifPresent(both::add);
    CommandTask t = both.stream().filter(c -> c != busy).findFirst().orElseThrow();
    assertThat(t.succeeded()).as(t.resultCode() + " " + t.message()).isTrue();
    assertThat(t.worker()).startsWith("steady@");
    assertThat(t.attempts()).isGreaterThanOrEqualTo(2);
    assertThat(Files.readString(out)).isEqualTo("made\n");
  }

  /**
   * Streams that open with random messages (random Hellos among them): each is refused, or
   * accepted and then left; none harms the manager.
   */
  @ParameterizedTest
  @ValueSource(longs = {101, 102})
  void randomMessagesBeforeHello(long seed) throws Exception {
    RandomWorkerMessages gen = new RandomWorkerMessages(seed, List::of, List::of);
    for (int i = 0; i < 150; i++) {
      try (RawWorkerStream s = new RawWorkerStream(manager.port())) {
        for (int k = 1 + gen.random().nextInt(3); k > 0; k--) {
          s.send(gen.random().nextInt(4) == 0 ? WorkerMessage.newBuilder().setHello(gen.hello(gen.string())).build()
              : gen.next());
        }
        s.halfClose();
        assertThat(s.awaitClose(WAIT)).as("stream " + i + " of seed " + seed + " ended").isNotNull();
      }
    }
    awaitWorkers(1);
    aNormalTaskStillRuns();
  }

  /**
   * A connected worker that takes its tasks and answers them with random outcomes, outputs and
   * measurements, among thousands of random messages about real and made-up tasks and files. Every
   * task submitted meanwhile finishes (with whatever result its answers earned it, or on the steady
   * worker once the rogue left), and the manager goes on.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void randomMessagesFromAConnectedWorker(long seed) throws Exception {
    manager.tune("forsake-after", 3);
    DeclaredFile buffer = manager.declareBuffer(("seed " + seed + "\n").getBytes(StandardCharsets.UTF_8), CacheLevel.WORKFLOW);
    List<DeclaredFile> temps = new ArrayList<>();
    List<CommandTask> tasks = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      DeclaredFile temp = manager.declareTemp();
      temps.add(temp);
      CommandTask.Builder b = CommandTask.builder("cat in > t; echo " + i + " > out").input(buffer, "in").output("t", temp)
          .output("out", manager.declareFile(dir.resolve("out-" + seed + "-" + i), CacheLevel.WORKFLOW));
      if (i % 2 == 0) {
        b.cores(1);
      }
      if (i >= 12) {
        b.input(temps.get(i - 12), "prev");
      }
      tasks.add(b.build());
    }
    List<Long> ids = new CopyOnWriteArrayList<>();
    List<String> names = new CopyOnWriteArrayList<>();
    names.add(buffer.cacheName());
    temps.forEach(t -> names.add(t.cacheName()));
    RandomWorkerMessages gen = new RandomWorkerMessages(seed, () -> ids, () -> names);
    try (RawWorkerStream rogue = new RawWorkerStream(manager.port())) {
      rogue.send(hello("fuzz-" + seed));
      rogue.await(ManagerMessage.KindCase.WELCOME, WAIT);
      awaitWorkers(2);
      for (CommandTask t : tasks) {
        ids.add(manager.submit(t));
      }
      Set<Long> answered = new HashSet<>();
      for (int i = 0; i < 2000 && !rogue.isClosed(); i++) {
        rogue.send(gen.next());
        if (i % 10 == 0) {
          for (ManagerMessage m : rogue.received()) {
            if (m.hasRunTask() && answered.add(m.getRunTask().getTaskId())) {
              rogue.send(WorkerMessage.newBuilder().setTaskFinished(gen.finished(m.getRunTask().getTaskId())).build());
            }
          }
          rogue.send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentAtMs(i)).build());
        }
      }
      rogue.halfClose();
      assertThat(rogue.awaitClose(WAIT)).isNotNull();
    }
    awaitWorkers(1);
    awaitDone(tasks, Duration.ofSeconds(90));
    for (CommandTask t : tasks) {
      assertThat(t.resultCode()).as("task " + t.id()).isNotNull();
    }
    aNormalTaskStillRuns();
  }
}

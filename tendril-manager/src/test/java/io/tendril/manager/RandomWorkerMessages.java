package io.tendril.manager;

import com.google.protobuf.ByteString;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.AuthBegin;
import io.tendril.protocol.wire.AuthResponse;
import io.tendril.protocol.wire.CacheInvalid;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.CachedFile;
import io.tendril.protocol.wire.DiskStatus;
import io.tendril.protocol.wire.Heartbeat;
import io.tendril.protocol.wire.Hello;
import io.tendril.protocol.wire.Measured;
import io.tendril.protocol.wire.OutputFile;
import io.tendril.protocol.wire.Resources;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.TaskStarted;
import io.tendril.protocol.wire.WorkerBatch;
import io.tendril.protocol.wire.WorkerMessage;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Valid worker messages with nonsense in them, from a seed: every kind, random field values
 * (negative, huge, NaN and infinite numbers; empty, long, unsafe and unicode strings), and now and
 * then the ids of real tasks and the names of real files, so that a manager's handlers meet
 * nonsense about things it knows. What a hostile or broken worker could send once it is connected.
 */
final class RandomWorkerMessages {
  private static final List<String> STRINGS = List.of("", "x", "../escape", "/etc/passwd", "a\nb", "\"quoted\"",
      "ü✓𝄞", "x".repeat(300), "127.0.0.1:1", "manager", "temp-1", "a/b", "\u0000", "null", "-1");

  private final Random random;
  private final Supplier<List<Long>> taskIds;
  private final Supplier<List<String>> cacheNames;

  /**
   * A generator.
   *
   * @param seed its seed
   * @param taskIds ids of real tasks, mixed into the messages
   * @param cacheNames names of real files, mixed into the messages
   */
  RandomWorkerMessages(long seed, Supplier<List<Long>> taskIds, Supplier<List<String>> cacheNames) {
    this.random = new Random(seed);
    this.taskIds = taskIds;
    this.cacheNames = cacheNames;
  }

  Random random() {
    return random;
  }

  /** The next message: any kind but a batch of batches. */
  WorkerMessage next() {
    if (random.nextInt(12) == 0) {
      WorkerBatch.Builder b = WorkerBatch.newBuilder();
      for (int i = random.nextInt(5); i > 0; i--) {
        b.addMessages(single());
      }
      return WorkerMessage.newBuilder().setBatch(b).build();
    }
    return single();
  }

  private WorkerMessage single() {
    WorkerMessage.Builder m = WorkerMessage.newBuilder();
    switch (random.nextInt(11)) {
      case 0 -> m.setHello(hello(string()));
      case 1 -> m.setTaskStarted(TaskStarted.newBuilder().setTaskId(taskId()).setStartedAtMs(number()));
      case 2, 3, 4 -> m.setTaskFinished(finished(taskId()));
      case 5 -> m.setCacheUpdate(CacheUpdate.newBuilder().setCacheName(cacheName()).setSize(number())
          .setTransferId(random.nextBoolean() ? "x" + random.nextInt(40) : string()).setElapsedMs(number())
          .setError(random.nextBoolean() ? "" : string()).setSource(string()));
      case 6 -> m.setCacheInvalid(CacheInvalid.newBuilder().setCacheName(cacheName()).setReason(string()));
      case 7 -> m.setHeartbeat(Heartbeat.newBuilder().setSentAtMs(number()).setInUse(resources())
          .setCacheBytes(number()).setDiskFreeMb(number()));
      case 8 -> m.setAuthBegin(AuthBegin.newBuilder().setProtocolVersion(random.nextInt()));
      case 9 -> m.setDiskStatus(DiskStatus.newBuilder().setFull(random.nextBoolean()).setFreeMb(number())
          .setFloorMb(number()).setReason(string()));
      default -> m.setAuthResponse(AuthResponse.newBuilder().setNonce(bytes()).setMac(bytes()));
    }
    return m.build();
  }

  /** A Hello of this protocol version with random resources and cached files. */
  Hello hello(String workerId) {
    Hello.Builder h = Hello.newBuilder().setProtocolVersion(random.nextInt(8) == 0 ? random.nextInt() : Protocol.VERSION)
        .setWorkerId(workerId).setHostname(string()).setTransferAddress(string()).setResources(resources())
        .setWorkspace(string());
    for (int i = random.nextInt(4); i > 0; i--) {
      h.addCached(CachedFile.newBuilder().setCacheName(cacheName()).setSize(number()));
    }
    return h.build();
  }

  /** A completion of a task with a random outcome, outputs and measurements. */
  TaskFinished finished(long taskId) {
    TaskResult[] results = TaskResult.values();
    TaskResult result = results[random.nextInt(results.length - 1)]; // not UNRECOGNIZED
    TaskFinished.Builder f = TaskFinished.newBuilder().setTaskId(taskId).setResult(result)
        .setExitCode(random.nextInt()).setStdout(bytes()).setStdoutTruncated(random.nextBoolean())
        .setMessage(string()).setStartedAtMs(number()).setFinishedAtMs(number())
        .setMeasured(Measured.newBuilder().setWallTimeMs(number()).setCpuTimeMs(number()).setPeakMemoryMb(number())
            .setPeakDiskMb(number()).setMaxProcesses(random.nextInt()).setAvgCoresMilli(number())
            .setPeakCoresMilli(number()).setBytesRead(number()).setBytesWritten(number()))
        .setFailure(bytes()).setHasInlineResult(random.nextBoolean()).setInlineResult(bytes())
        .setExhaustedResource(string());
    for (int i = random.nextInt(4); i > 0; i--) {
      f.addOutputs(OutputFile.newBuilder().setSandboxName(string()).setCacheName(cacheName()).setSize(number())
          .setPresent(random.nextBoolean()));
    }
    return f.build();
  }

  private Resources resources() {
    double[] cores = {0, 1, 2.5, -3, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, Double.MIN_VALUE};
    return Resources.newBuilder().setCores(cores[random.nextInt(cores.length)]).setMemoryMb(number())
        .setDiskMb(number()).setGpus(random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(3)).build();
  }

  private long taskId() {
    List<Long> ids = taskIds.get();
    return !ids.isEmpty() && random.nextBoolean() ? ids.get(random.nextInt(ids.size())) : number();
  }

  String cacheName() {
    List<String> names = cacheNames.get();
    return !names.isEmpty() && random.nextBoolean() ? names.get(random.nextInt(names.size())) : string();
  }

  private long number() {
    return switch (random.nextInt(6)) {
      case 0 -> 0;
      case 1 -> -random.nextInt(1000) - 1;
      case 2 -> Long.MAX_VALUE - random.nextInt(3);
      case 3 -> Long.MIN_VALUE + random.nextInt(3);
      default -> random.nextInt(1 << 20);
    };
  }

  String string() {
    if (random.nextInt(3) == 0) {
      StringBuilder b = new StringBuilder();
      for (int i = random.nextInt(40); i > 0; i--) {
        b.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x2FFF) : 0x20 + random.nextInt(0x5f));
      }
      return b.toString();
    }
    return STRINGS.get(random.nextInt(STRINGS.size()));
  }

  private ByteString bytes() {
    byte[] b = new byte[random.nextInt(4) == 0 ? random.nextInt(2000) : random.nextInt(40)];
    random.nextBytes(b);
    return ByteString.copyFrom(b);
  }
}

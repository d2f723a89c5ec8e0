package io.tendril.worker;

import com.google.protobuf.ByteString;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.AuthChallenge;
import io.tendril.protocol.wire.AuthProof;
import io.tendril.protocol.wire.CallTask;
import io.tendril.protocol.wire.CallValue;
import io.tendril.protocol.wire.FetchFile;
import io.tendril.protocol.wire.FunctionCall;
import io.tendril.protocol.wire.HeartbeatAck;
import io.tendril.protocol.wire.KillTask;
import io.tendril.protocol.wire.ManagerBatch;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.MiniTask;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.OutputSpec;
import io.tendril.protocol.wire.Resources;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.Unlink;
import io.tendril.protocol.wire.Untar;
import io.tendril.protocol.wire.Welcome;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Valid manager messages with nonsense in them, from a seed, for a worker that must survive them:
 * fetches from sources that fail (closed ports, missing files, bad URLs, archives nobody sent),
 * tasks with unsafe names, odd environments, resources that are not numbers, limits of zero or
 * below, calls of functions that do not exist, kills and unlinks of anything. Commands and
 * mini-task commands come from a short list of harmless ones, and URLs never leave the machine:
 * the point is the worker's handling, not running random shell text. Shutdown and Refuse, which
 * rightly end a worker, are never sent. Remembers the task and transfer ids it used, so a test
 * can check that each got its answer.
 */
final class RandomManagerMessages {
  private static final List<String> COMMANDS = List.of("true", "echo hi > out", "cat in > out", "exit 3",
      "sleep 0.05", "echo \"$A\"", "ls -la", "kill -9 $$", "head -c 3000 /dev/zero", "cat in/x 2>&1");
  private static final List<String> NAMES = List.of("in", "out", "a/b", "../escape", "/etc/passwd", "", ".",
      "a//b", "in/../..", "x".repeat(300), "ü✓", "sp ace");
  private static final List<String> STRINGS = List.of("", "x", "../escape", "a\nb", "\"q\"", "ü✓𝄞",
      "x".repeat(300), "-1", "null", "A=B", "\u0000");

  private final Random random;
  private final List<String> cacheNames;
  private final String fakeManagerAddress;
  private final String existingFileUrl;
  private final Set<Long> taskIds = new LinkedHashSet<>();
  private final Set<String> transferIds = new LinkedHashSet<>();
  private long nextTask = 1000;
  private long nextTransfer;

  /**
   * A generator.
   *
   * @param seed its seed
   * @param cacheNames names the fake manager serves (fetches of them may succeed)
   * @param fakeManagerAddress the fake manager's transfer address
   * @param existingFileUrl a file: URL of a file that exists
   */
  RandomManagerMessages(long seed, List<String> cacheNames, String fakeManagerAddress, String existingFileUrl) {
    this.random = new Random(seed);
    this.cacheNames = cacheNames;
    this.fakeManagerAddress = fakeManagerAddress;
    this.existingFileUrl = existingFileUrl;
  }

  /** The ids of the tasks sent (each should end in a TaskFinished). */
  Set<Long> taskIds() {
    return taskIds;
  }

  /** The transfer ids of the fetches sent whose cache name is valid (each should get a CacheUpdate). */
  Set<String> transferIds() {
    return transferIds;
  }

  ManagerMessage next() {
    if (random.nextInt(15) == 0) {
      ManagerBatch.Builder b = ManagerBatch.newBuilder();
      for (int i = random.nextInt(4); i > 0; i--) {
        b.addMessages(single());
      }
      return ManagerMessage.newBuilder().setBatch(b).build();
    }
    return single();
  }

  private ManagerMessage single() {
    ManagerMessage.Builder m = ManagerMessage.newBuilder();
    switch (random.nextInt(12)) {
      case 0, 1, 2, 3 -> m.setFetchFile(fetch());
      case 4, 5, 6, 7 -> m.setRunTask(run());
      case 8 -> m.setKillTask(KillTask.newBuilder().setTaskId(knownTask()));
      case 9 -> m.setUnlink(Unlink.newBuilder().setCacheName(cacheName()));
      case 10 -> m.setHeartbeatAck(HeartbeatAck.newBuilder().setSentAtMs(number()));
      default -> {
        switch (random.nextInt(3)) {
          case 0 -> m.setWelcome(Welcome.newBuilder().setProtocolVersion(Protocol.VERSION).setManagerName(string())
              .setHeartbeatIntervalMs(number()).setTransferAddress(string()));
          case 1 -> m.setAuthChallenge(AuthChallenge.newBuilder().setNonce(bytes()));
          default -> m.setAuthProof(AuthProof.newBuilder().setMac(bytes()));
        }
      }
    }
    return m.build();
  }

  private FetchFile fetch() {
    String name = cacheName();
    String id = random.nextInt(10) == 0 ? string() : "f" + (++nextTransfer);
    FetchFile.Builder f = FetchFile.newBuilder().setCacheName(name).setTransferId(id).setSize(number())
        .setToken(bytes()).setTokenExpiryMs(number());
    if (random.nextInt(10) == 0) {
      f.setLevelValue(random.nextInt(8) - 2);
    } else {
      f.setLevelValue(random.nextInt(4));
    }
    switch (random.nextInt(5)) {
      case 0 -> f.setTransferAddress(pick(List.of("127.0.0.1:1", fakeManagerAddress, fakeManagerAddress,
          "127.0.0.1:99999", "[::1]:1", "a b", ":::", "localhost:1")));
      case 1 -> f.setUrl(pick(List.of(existingFileUrl, "file:///nonexistent/tendril/x", "http://127.0.0.1:1/x",
          "ftp://127.0.0.1/x", "not a url", "file:relative", "https://127.0.0.1:1/y")));
      case 2 -> {
        MiniTask.Builder mini = MiniTask.newBuilder().setCommand(pick(COMMANDS)).setOutputName(pick(NAMES));
        for (int i = random.nextInt(3); i > 0; i--) {
          mini.addInputs(Mount.newBuilder().setCacheName(cacheName()).setSandboxName(pick(NAMES)));
        }
        if (random.nextBoolean()) {
          mini.putEnv(pick(List.of("A", "A=B", "", "PATH", "\u0000")), string());
        }
        f.setMiniTask(mini);
      }
      case 3 -> f.setUntar(Untar.newBuilder().setArchiveCacheName(cacheName()));
      default -> { } // no source at all
    }
    if (Protocol.isValidCacheName(name) && !id.isEmpty()) {
      transferIds.add(id);
    }
    return f.build();
  }

  private RunTask run() {
    long id = random.nextInt(8) == 0 && !taskIds.isEmpty() ? knownTask() : ++nextTask;
    taskIds.add(id);
    RunTask.Builder t = RunTask.newBuilder().setTaskId(id).setCategory(string()).setEnforceCores(random.nextBoolean());
    for (int i = random.nextInt(3); i > 0; i--) {
      t.addInputs(Mount.newBuilder().setCacheName(cacheName()).setSandboxName(pick(NAMES)));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      t.addOutputs(OutputSpec.newBuilder().setSandboxName(pick(NAMES))
          .setCacheName(random.nextBoolean() ? "o-" + random.nextInt(1000) : string()).setLevelValue(random.nextInt(5)));
    }
    if (random.nextBoolean()) {
      t.putEnv(pick(List.of("A", "A=B", "", "PATH", "CORES", "\u0000")), string());
    }
    double[] cores = {0, 0, 1, 1, 0.5, 2, 64, -1, Double.NaN, Double.POSITIVE_INFINITY};
    t.setResources(Resources.newBuilder().setCores(cores[random.nextInt(cores.length)])
        .setMemoryMb(pick(List.of(0L, 10L, 100L, -5L, Long.MAX_VALUE))).setDiskMb(pick(List.of(0L, 10L, -1L, 1L << 40)))
        .setGpus(pick(List.of(0, 0, 1, -1))));
    t.setMaxWallTimeMs(pick(List.of(0L, 0L, 1L, 30L, 1000L, -1L, Long.MAX_VALUE)));
    t.setStdoutLimit(pick(List.of(0L, 0L, 1L, 10L, -1L, Long.MAX_VALUE)));
    if (random.nextInt(12) == 0) {
      // A call of a function that cannot be decoded or found; its result is one of the outputs.
      t.addOutputs(OutputSpec.newBuilder().setSandboxName("result").setCacheName("r-" + id));
      t.setCall(FunctionCall.newBuilder().setResultName(random.nextInt(4) == 0 ? pick(NAMES) : "result")
          .setInlineLimit(number())
          .setTask(CallTask.newBuilder().setFunction(bytes()).addArgs(CallValue.newBuilder().setLiteral(bytes())))
          .addAllAllowedPackages(List.of(string())));
      if (random.nextInt(4) == 0) {
        t.setCommand(pick(COMMANDS));
      }
    } else {
      t.setCommand(pick(COMMANDS));
    }
    return t.build();
  }

  private long knownTask() {
    List<Long> ids = new ArrayList<>(taskIds);
    return ids.isEmpty() ? number() : ids.get(random.nextInt(ids.size()));
  }

  private String cacheName() {
    return random.nextInt(3) > 0 ? pick(cacheNames) : string();
  }

  private <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  private long number() {
    return switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> -random.nextInt(1000) - 1;
      case 2 -> Long.MAX_VALUE - random.nextInt(3);
      default -> random.nextInt(1 << 16);
    };
  }

  private String string() {
    return STRINGS.get(random.nextInt(STRINGS.size()));
  }

  private ByteString bytes() {
    byte[] b = new byte[random.nextInt(64)];
    random.nextBytes(b);
    return ByteString.copyFrom(b);
  }
}

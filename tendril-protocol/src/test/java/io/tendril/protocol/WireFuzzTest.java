package io.tendril.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.tendril.protocol.codec.Fuzz;
import io.tendril.protocol.transfer.DataReceiver;
import io.tendril.protocol.transfer.DataStream;
import io.tendril.protocol.transfer.EntryReceiver;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.CallTask;
import io.tendril.protocol.wire.CallValue;
import io.tendril.protocol.wire.EntryHeader;
import io.tendril.protocol.wire.FetchFile;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.FunctionCall;
import io.tendril.protocol.wire.Heartbeat;
import io.tendril.protocol.wire.Hello;
import io.tendril.protocol.wire.LibraryReply;
import io.tendril.protocol.wire.LibraryRequest;
import io.tendril.protocol.wire.ManagerBatch;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Measured;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.OutputFile;
import io.tendril.protocol.wire.OutputSpec;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.TransferEnd;
import io.tendril.protocol.wire.TransferFrame;
import io.tendril.protocol.wire.Welcome;
import io.tendril.protocol.wire.WorkerBatch;
import io.tendril.protocol.wire.WorkerMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoders of everything that crosses the wire, on random and damaged bytes from fixed seeds:
 * the control-stream messages of both sides, transfer requests and chunks, and the messages
 * between a worker and its libraries. Each input parses or is refused with an {@link
 * InvalidProtocolBufferException}; nothing else is thrown and nothing hangs. A transfer stream of
 * random entries is written to disk or refused with an {@link IOException}, and never leaves its
 * target. (What the manager and the worker do with messages that parse is tested against running
 * processes: HostileWorkerStreamTest in the manager, HostileManagerTest in the worker.)
 */
class WireFuzzTest {
  private static final int RANDOMS = 2500;
  private static final int MUTATIONS = 2500;

  @TempDir Path dir;

  private static List<byte[]> encodings(MessageLite... messages) {
    return Stream.of(messages).map(MessageLite::toByteArray).toList();
  }

  private static WorkerMessage hello() {
    return WorkerMessage.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(Protocol.VERSION)
        .setWorkerId("w-1").setHostname("host").setTransferAddress("127.0.0.1:9000")
        .setResources(new Resources(4, 1024, 2048, 0).toWire())).build();
  }

  private static TaskFinished finished() {
    return TaskFinished.newBuilder().setTaskId(7).setResult(TaskResult.TASK_RESULT_SUCCESS).setExitCode(0)
        .setStdout(ByteString.copyFromUtf8("hello\n")).setMeasured(Measured.newBuilder().setWallTimeMs(12))
        .addOutputs(OutputFile.newBuilder().setSandboxName("out").setCacheName("temp-1").setSize(6).setPresent(true))
        .build();
  }

  private static RunTask runTask() {
    return RunTask.newBuilder().setTaskId(7).setCommand("cat in > out")
        .addInputs(Mount.newBuilder().setCacheName("file-abc").setSandboxName("in"))
        .addOutputs(OutputSpec.newBuilder().setSandboxName("out").setCacheName("temp-1"))
        .putEnv("A", "b").setResources(new Resources(1, 100, 10, 0).toWire()).build();
  }

  private static CallTask callTask() {
    return CallTask.newBuilder().setFunction(ByteString.copyFrom(new byte[] {1, 2, 3, 4}))
        .addArgs(CallValue.newBuilder().setLiteral(ByteString.copyFrom(new byte[] {9, 8})))
        .addArgs(CallValue.newBuilder().setInput("in")).build();
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void workerMessagesParseOrAreRefused(long seed) {
    WorkerMessage finished = WorkerMessage.newBuilder().setTaskFinished(finished()).build();
    WorkerMessage update = WorkerMessage.newBuilder().setCacheUpdate(CacheUpdate.newBuilder()
        .setCacheName("file-abc").setSize(10).setTransferId("x1").setSource("127.0.0.1:9000")).build();
    WorkerMessage heartbeat = WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentAtMs(1234)).build();
    WorkerMessage batch = WorkerMessage.newBuilder().setBatch(WorkerBatch.newBuilder()
        .addMessages(finished).addMessages(update).addMessages(heartbeat)).build();
    Fuzz.Outcome o = Fuzz.run(seed, encodings(hello(), finished, update, heartbeat, batch), RANDOMS, MUTATIONS,
        WorkerMessage::parseFrom, InvalidProtocolBufferException.class);
    assertThat(o.refused()).isPositive();
    assertThat(o.decoded()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void managerMessagesParseOrAreRefused(long seed) {
    ManagerMessage welcome = ManagerMessage.newBuilder().setWelcome(Welcome.newBuilder()
        .setProtocolVersion(Protocol.VERSION).setManagerName("m").setHeartbeatIntervalMs(5000)).build();
    ManagerMessage run = ManagerMessage.newBuilder().setRunTask(runTask()).build();
    ManagerMessage call = ManagerMessage.newBuilder().setRunTask(runTask().toBuilder().clearCommand()
        .setCall(FunctionCall.newBuilder().setTask(callTask()).setResultName("out").addClasspath("file-abc"))).build();
    ManagerMessage fetch = ManagerMessage.newBuilder().setFetchFile(FetchFile.newBuilder().setCacheName("file-abc")
        .setTransferId("x1").setSize(100).setTransferAddress("127.0.0.1:9000")
        .setToken(ByteString.copyFrom(new byte[32])).setTokenExpiryMs(1)).build();
    ManagerMessage batch = ManagerMessage.newBuilder().setBatch(ManagerBatch.newBuilder()
        .addMessages(run).addMessages(fetch)).build();
    Fuzz.Outcome o = Fuzz.run(seed, encodings(welcome, run, call, fetch, batch), RANDOMS, MUTATIONS,
        ManagerMessage::parseFrom, InvalidProtocolBufferException.class);
    assertThat(o.refused()).isPositive();
    assertThat(o.decoded()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(longs = {31, 32})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void transferAndLibraryMessagesParseOrAreRefused(long seed) {
    List<byte[]> frames = encodings(
        TransferFrame.newBuilder().setHeader(EntryHeader.newBuilder().setPath("a/b").setSize(3)).build(),
        TransferFrame.newBuilder().setEnd(TransferEnd.newBuilder().setStatus("NOT_FOUND").setMessage("no")).build());
    Fuzz.run(seed, frames, RANDOMS, MUTATIONS, TransferFrame::parseFrom, InvalidProtocolBufferException.class);
    List<byte[]> requests = encodings(FetchRequest.newBuilder().setCacheName("file-abc").setRequester("w-1")
        .setToken(ByteString.copyFrom(new byte[32])).setTokenExpiryMs(99).build());
    Fuzz.run(seed, requests, RANDOMS, MUTATIONS, FetchRequest::parseFrom, InvalidProtocolBufferException.class);
    List<byte[]> chunks = encodings(
        FileChunk.newBuilder().setHeader(EntryHeader.newBuilder().setPath("a/b").setSize(3)).build(),
        FileChunk.newBuilder().setData(ByteString.copyFromUtf8("abc")).build());
    Fuzz.run(seed, chunks, RANDOMS, MUTATIONS, FileChunk::parseFrom, InvalidProtocolBufferException.class);
    List<byte[]> library = encodings(
        LibraryRequest.newBuilder().setCallId(3).setSandbox("/tmp/s").setTask(callTask()).setResultName("out")
            .addAllowedPackages("com.example").setInlineLimit(65536).build(),
        LibraryReply.newBuilder().setCallId(3).setError("boom").setWallTimeNs(5).setResultSize(8)
            .setInlineResult(ByteString.copyFrom(new byte[8])).setHasInlineResult(true).build());
    Fuzz.run(seed, library, RANDOMS, MUTATIONS, LibraryRequest::parseFrom, InvalidProtocolBufferException.class);
    Fuzz.run(seed, library, RANDOMS, MUTATIONS, LibraryReply::parseFrom, InvalidProtocolBufferException.class);
  }

  /**
   * Streams of random entries (paths with {@code ..}, absolute, empty segments; sizes that lie;
   * data before headers) from a hostile transfer server: each is received whole or refused with an
   * IOException, and nothing is ever written outside the target's directory.
   */
  @ParameterizedTest
  @ValueSource(longs = {41, 42})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void randomTransferStreamsStayInsideTheirTarget(long seed) throws IOException {
    Random random = new Random(seed);
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    Path outside = dir.resolve("escaped");
    int received = 0;
    int refused = 0;
    for (int i = 0; i < 1500; i++) {
      List<FileChunk> stream = randomStream(random);
      Path target = inbox.resolve("t" + i);
      try {
        EntryReceiver.receive(stream.iterator(), target);
        received++;
      } catch (IOException expected) {
        refused++;
        assertThat(target).as("a refused transfer leaves nothing").doesNotExist();
      } catch (Throwable t) {
        fail("stream " + i + " of seed " + seed + " " + describe(stream) + " failed with " + t, t);
      }
      EntryReceiver.deleteRecursively(target);
    }
    assertThat(received).isPositive();
    assertThat(refused).isPositive();
    assertThat(outside).doesNotExist();
    try (Stream<Path> left = Files.list(inbox)) {
      assertThat(left.toList()).as("no partial file is left behind").isEmpty();
    }
    try (Stream<Path> top = Files.list(dir)) {
      assertThat(top.map(p -> p.getFileName().toString()).toList()).containsExactly("inbox");
    }
  }

  /**
   * The same random entries as data-port streams (headers framed, file bytes raw, an end frame or
   * none, lying sizes), and random and damaged bytes: each is received whole or refused with an
   * IOException, and nothing is ever written outside the target's directory.
   */
  @ParameterizedTest
  @ValueSource(longs = {51, 52})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void randomDataPortStreamsStayInsideTheirTarget(long seed) throws IOException {
    Random random = new Random(seed);
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    int received = 0;
    int refused = 0;
    ByteBuffer buffer = ByteBuffer.allocate(DataReceiver.BUFFER_BYTES);
    for (int i = 0; i < 3000; i++) {
      byte[] stream = dataStream(randomStream(random), random);
      if (i % 3 == 2) {
        // Damage it: flip, drop or insert bytes.
        for (int k = random.nextInt(4); k >= 0 && stream.length > 0; k--) {
          int at = random.nextInt(stream.length);
          switch (random.nextInt(3)) {
            case 0 -> stream[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> stream = java.util.Arrays.copyOf(stream, at);
            default -> stream[at] = (byte) random.nextInt(256);
          }
        }
      }
      Path target = inbox.resolve("t" + i);
      try {
        DataReceiver.receive(Channels.newChannel(new ByteArrayInputStream(stream)), buffer, target, () -> { });
        received++;
      } catch (IOException expected) {
        refused++;
        assertThat(target).as("a refused transfer leaves nothing").doesNotExist();
      } catch (Throwable t) {
        fail("data stream " + i + " of seed " + seed + " failed with " + t, t);
      }
      EntryReceiver.deleteRecursively(target);
    }
    assertThat(received).isPositive();
    assertThat(refused).isPositive();
    try (Stream<Path> left = Files.list(inbox)) {
      assertThat(left.toList()).as("no partial file is left behind").isEmpty();
    }
    try (Stream<Path> top = Files.list(dir)) {
      assertThat(top.map(p -> p.getFileName().toString()).toList()).containsExactly("inbox");
    }
  }

  /** A chunk stream as the data port frames it: data chunks become raw bytes; mostly an end frame. */
  private static byte[] dataStream(List<FileChunk> chunks, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (FileChunk c : chunks) {
      out.writeBytes(c.hasHeader() ? DataStream.header(c.getHeader()) : c.getData().toByteArray());
    }
    switch (random.nextInt(5)) {
      case 0 -> { }
      case 1 -> out.writeBytes(DataStream.end("INTERNAL", "boom"));
      default -> out.writeBytes(DataStream.end(DataStream.OK, ""));
    }
    return out.toByteArray();
  }

  private static final List<String> PATHS = List.of("", "a", "b", "a/b", "a/c", "../escaped", "/abs/escaped",
      "a/../../escaped", "./a", "a//b", "..", ".", "a/", "d/e/f", "x\\y", "ü✓", "a/b/c/d/e/f/g/h");

  private static List<FileChunk> randomStream(Random random) {
    List<FileChunk> out = new ArrayList<>();
    int n = random.nextInt(8);
    boolean first = true;
    for (int k = 0; k < n; k++) {
      if (random.nextInt(4) == 0) {
        byte[] data = new byte[random.nextInt(16)];
        random.nextBytes(data);
        out.add(FileChunk.newBuilder().setData(ByteString.copyFrom(data)).build());
        continue;
      }
      String path = first && random.nextBoolean() ? "" : PATHS.get(random.nextInt(PATHS.size()));
      first = false;
      long size = random.nextInt(10) == 0 ? -random.nextInt(5) - 1 : random.nextInt(12);
      out.add(FileChunk.newBuilder().setHeader(EntryHeader.newBuilder().setPath(path)
          .setDirectory(random.nextInt(3) == 0).setExecutable(random.nextBoolean()).setSize(size)).build());
    }
    return out;
  }

  private static String describe(List<FileChunk> stream) {
    StringBuilder b = new StringBuilder("[");
    for (Iterator<FileChunk> it = stream.iterator(); it.hasNext(); ) {
      FileChunk c = it.next();
      b.append(c.hasHeader() ? "header(" + c.getHeader().getPath() + ", dir=" + c.getHeader().getDirectory()
          + ", size=" + c.getHeader().getSize() + ")" : "data(" + HexFormat.of().formatHex(c.getData().toByteArray()) + ")");
      b.append(it.hasNext() ? ", " : "");
    }
    return b.append(']').toString();
  }
}

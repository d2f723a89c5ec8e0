package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.TransferServiceGrpc;
import io.tendril.worker.Worker;
import io.tendril.worker.WorkerExit;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager and in-process workers over real gRPC on 127.0.0.1 with a shared password: the
 * handshake that opens each control stream (right, wrong, or missing on one side) and the tokens
 * that guard every transfer, at a worker's transfer server and at the manager's transfer service.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuthClusterTest {
  private static final byte[] PASSWORD = "correct horse".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  @RegisterExtension final InProcessCluster cluster = new InProcessCluster(() -> dir);

  private Manager manager(byte[] password) {
    return cluster.manager(b -> password == null ? b : b.password(password));
  }

  private Worker worker(Manager m, String id, byte[] password) {
    return cluster.worker(m, id, b -> password == null ? b : b.password(password));
  }

  private static void awaitWorkers(Manager m, int n) throws InterruptedException {
    InProcessCluster.awaitWorkers(m, n);
  }

  private static List<CommandTask> awaitTasks(Manager m, int n) {
    List<CommandTask> done = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (done.size() < n && System.nanoTime() < deadline) {
      m.await(Duration.ofMillis(100)).ifPresent(done::add);
    }
    assertThat(done).as("tasks finished in time").hasSize(n);
    for (CommandTask t : done) {
      assertThat(t.succeeded()).as(t.command() + ": " + t.resultCode() + " " + t.message() + " " + t.stdout()).isTrue();
    }
    return done;
  }

  /** The transaction log once it holds a text (it is flushed every second). */
  private static String logContaining(Manager m, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String log = Files.readString(m.transactionLog());
    while (!log.contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      log = Files.readString(m.transactionLog());
    }
    return log;
  }

  private static WorkerExit exitOf(Worker w) throws InterruptedException {
    assertThat(w.awaitTermination(Duration.ofSeconds(20)))
        .as("the worker gave up at once instead of retrying until its connect timeout").isTrue();
    return w.exit().orElseThrow();
  }

  @Test
  void withTheSamePasswordTasksRunAndFilesMoveFromTheManagerBetweenPeersAndBack() throws Exception {
    Manager m = manager(PASSWORD);
    worker(m, "a", PASSWORD);
    worker(m, "b", PASSWORD);
    awaitWorkers(m, 2);
    DeclaredFile seed = m.declareBuffer("seed\n".getBytes(StandardCharsets.UTF_8), CacheLevel.WORKFLOW);
    DeclaredFile t1 = m.declareTemp();
    DeclaredFile t2 = m.declareTemp();
    // Two whole-worker producers overlap in time, so they run on both workers; the consumer needs
    // both temps, so one moves from worker to worker.
    m.submit(CommandTask.builder("sleep 1; cat in > t; echo one >> t").input(seed, "in").output("t", t1).build());
    m.submit(CommandTask.builder("sleep 1; echo two > t").output("t", t2).build());
    awaitTasks(m, 2);
    Path out = dir.resolve("out.txt");
    m.submit(CommandTask.builder("cat one two > out").input(t1, "one").input(t2, "two")
        .output("out", m.declareFile(out, CacheLevel.WORKFLOW)).build());
    awaitTasks(m, 1);
    assertThat(Files.readString(out)).isEqualTo("seed\none\ntwo\n");
    ManagerStats s = m.stats();
    assertThat(s.peerTransfers()).isEqualTo(1);
    assertThat(s.managerTransfers()).isEqualTo(1);
    assertThat(s.transferFailures()).isZero();
    assertThat(new String(m.fetchFile(t2), StandardCharsets.UTF_8)).isEqualTo("two\n");
  }

  @Test
  void aWrongPasswordEndsTheWorkerAndTheManagerRefusesIt() throws Exception {
    Manager m = manager(PASSWORD);
    Worker w = worker(m, "intruder", "wrong".getBytes(StandardCharsets.UTF_8));
    WorkerExit exit = exitOf(w);
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.AUTHENTICATION_FAILED);
    assertThat(exit.message())
        .startsWith("authentication with the manager at 127.0.0.1:" + m.port() + " failed: the password differs");
    assertThat(w.tasksRun()).isZero();
    assertThat(m.stats().workersJoined()).isZero();
    assertThat(logContaining(m, "REFUSE_CODE_AUTH_FAILED")).contains("\"event\":\"refuse\"")
        .contains("the password differs").contains("REFUSE_CODE_AUTH_FAILED");
  }

  @Test
  void aWorkerWithoutAPasswordIsRefusedByAManagerThatHasOne() throws Exception {
    Manager m = manager(PASSWORD);
    WorkerExit exit = exitOf(worker(m, "bare", null));
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.AUTHENTICATION_FAILED);
    assertThat(exit.message()).isEqualTo("the manager at 127.0.0.1:" + m.port()
        + " requires a password and worker bare has none: start it with --password FILE, FILE holding the manager's password");
    assertThat(m.stats().workersJoined()).isZero();
    assertThat(logContaining(m, "REFUSE_CODE_PASSWORD_REQUIRED")).contains("requires a password and worker 'bare' has none");
  }

  @Test
  void aWorkerWithAPasswordIsRefusedByAManagerWithout() throws Exception {
    Manager m = manager(null);
    WorkerExit exit = exitOf(worker(m, "keen", PASSWORD));
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.AUTHENTICATION_FAILED);
    assertThat(exit.message()).isEqualTo("worker keen has a password but the manager at 127.0.0.1:" + m.port()
        + " expects none: start the worker without --password, or the manager with the same password");
    assertThat(m.stats().workersJoined()).isZero();
    assertThat(logContaining(m, "REFUSE_CODE_NO_PASSWORD")).contains("the worker has a password but this manager expects none");
  }

  @Test
  void withoutPasswordsNothingChanges() throws Exception {
    Manager m = manager(null);
    worker(m, "plain", null);
    DeclaredFile in = m.declareBuffer("x\n".getBytes(StandardCharsets.UTF_8), CacheLevel.TASK);
    DeclaredFile t = m.declareTemp();
    m.submit(CommandTask.builder("cat in in > t").input(in, "in").output("t", t).build());
    awaitTasks(m, 1);
    assertThat(new String(m.fetchFile(t), StandardCharsets.UTF_8)).isEqualTo("x\nx\n");
  }

  // ------------------------------------------------------------------ transfer tokens

  /** Fetches a file straight from a transfer server, as a peer would; the data bytes, or the error. */
  private static byte[] fetch(String address, FetchRequest request) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      Iterator<FileChunk> chunks = TransferServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(20, TimeUnit.SECONDS).fetch(request);
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      while (chunks.hasNext()) {
        FileChunk c = chunks.next();
        if (c.hasData()) {
          c.getData().writeTo(data);
        }
      }
      return data.toByteArray();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Checks that a server refuses a file without a token, with a forged or stale one, and serves it with a valid one. */
  private static void onlyAValidTokenIsServed(String address, String cacheName, String content) throws Exception {
    SharedSecret secret = SharedSecret.of(PASSWORD);
    FetchRequest.Builder base = FetchRequest.newBuilder().setCacheName(cacheName).setRequester("intruder");
    long later = System.currentTimeMillis() + 60_000;

    assertRefused(address, base.build(), "no transfer token");
    FetchRequest forged = base.clone().setTokenExpiryMs(later)
        .setToken(ByteString.copyFrom(SharedSecret.nonce())).build();
    assertRefused(address, forged, "not valid for '" + cacheName + "'");
    FetchRequest otherPassword = base.clone().setTokenExpiryMs(later).setToken(ByteString.copyFrom(
        SharedSecret.of("wrong".getBytes(StandardCharsets.UTF_8)).transferToken(cacheName, "intruder", later))).build();
    assertRefused(address, otherPassword, "not valid");
    FetchRequest forAnotherFile = base.clone().setTokenExpiryMs(later)
        .setToken(ByteString.copyFrom(secret.transferToken("another-file", "intruder", later))).build();
    assertRefused(address, forAnotherFile, "not valid");
    long past = System.currentTimeMillis() - 1000;
    FetchRequest expired = base.clone().setTokenExpiryMs(past)
        .setToken(ByteString.copyFrom(secret.transferToken(cacheName, "intruder", past))).build();
    assertRefused(address, expired, "expired");

    FetchRequest valid = base.clone().setTokenExpiryMs(later)
        .setToken(ByteString.copyFrom(secret.transferToken(cacheName, "intruder", later))).build();
    assertThat(new String(fetch(address, valid), StandardCharsets.UTF_8)).isEqualTo(content);
  }

  private static void assertRefused(String address, FetchRequest request, String why) {
    assertThatThrownBy(() -> fetch(address, request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("'intruder'").contains(why);
        });
  }

  @Test
  void aWorkersTransferServerServesOnlyWithAValidToken() throws Exception {
    Manager m = manager(PASSWORD);
    Worker w = worker(m, "holder", PASSWORD);
    DeclaredFile t = m.declareTemp();
    m.submit(CommandTask.builder("echo kept on the worker > t").output("t", t).build());
    awaitTasks(m, 1);
    onlyAValidTokenIsServed(w.transferAddress(), t.cacheName(), "kept on the worker\n");
    // The manager's own fetch carries a token it issued.
    assertThat(new String(m.fetchFile(t), StandardCharsets.UTF_8)).isEqualTo("kept on the worker\n");
    assertThat(w.bytesServed()).isPositive();
  }

  @Test
  void theManagersTransferServiceServesOnlyWithAValidToken() throws Exception {
    Manager m = manager(PASSWORD);
    DeclaredFile buffer = m.declareBuffer("held by the manager\n".getBytes(StandardCharsets.UTF_8), CacheLevel.WORKFLOW);
    onlyAValidTokenIsServed("127.0.0.1:" + m.port(), buffer.cacheName(), "held by the manager\n");
    // A worker fetching it because the manager sent it there still gets it.
    worker(m, "reader", PASSWORD);
    Path out = dir.resolve("copy.txt");
    m.submit(CommandTask.builder("cp in out").input(buffer, "in")
        .output("out", m.declareFile(out, CacheLevel.WORKFLOW)).build());
    awaitTasks(m, 1);
    assertThat(Files.readString(out)).isEqualTo("held by the manager\n");
  }
}

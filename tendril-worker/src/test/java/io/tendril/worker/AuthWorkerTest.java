package io.tendril.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.wire.AuthChallenge;
import io.tendril.protocol.wire.AuthProof;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Welcome;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's side of the handshake against scripted managers on 127.0.0.1: Hello goes only
 * after both proofs, and a manager that skips the challenge or cannot prove the password is never
 * obeyed (no task runs) and ends the worker at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthWorkerTest {
  private static final byte[] PASSWORD = "shared".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  private Server server;
  private Worker worker;
  private final List<WorkerMessage> received = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    if (worker != null) {
      worker.close();
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Starts a manager that answers each worker message as the script says. */
  private int manager(BiConsumer<WorkerMessage, StreamObserver<ManagerMessage>> script) throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new WorkerServiceGrpc.WorkerServiceImplBase() {
          @Override
          public StreamObserver<WorkerMessage> connect(StreamObserver<ManagerMessage> out) {
            return new StreamObserver<>() {
              @Override
              public void onNext(WorkerMessage m) {
                received.add(m);
                script.accept(m, out);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            };
          }
        }).build().start();
    return server.getPort();
  }

  private Worker worker(int port, byte[] password) {
    WorkerOptions.Builder b = WorkerOptions.builder("127.0.0.1", port).workerId("w")
        .cores(1).memoryMb(512).diskMb(512).gpus(0).workspace(tmp.resolve("ws"))
        .connectTimeout(Duration.ofSeconds(60));
    if (password != null) {
      b.password(password);
    }
    worker = new Worker(b.build()).start();
    return worker;
  }

  private static ManagerMessage welcome() {
    return ManagerMessage.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(Protocol.VERSION)
        .setManagerName("scripted").setHeartbeatIntervalMs(1000)).build();
  }

  private ManagerMessage runTask(Path marker) {
    return ManagerMessage.newBuilder().setRunTask(Messages.task(1, "touch " + marker)).build();
  }

  private List<WorkerMessage.KindCase> kinds() {
    return received.stream().map(WorkerMessage::getKindCase).toList();
  }

  private static WorkerExit exitOf(Worker w) throws InterruptedException {
    assertThat(w.awaitTermination(Duration.ofSeconds(20))).as("the worker gave up at once").isTrue();
    return w.exit().orElseThrow();
  }

  @Test
  void helloGoesOnlyAfterBothSidesProvedThePassword() throws Exception {
    SharedSecret secret = SharedSecret.of(PASSWORD);
    byte[] nm = SharedSecret.nonce();
    int port = manager((m, out) -> {
      switch (m.getKindCase()) {
        case AUTH_BEGIN -> out.onNext(ManagerMessage.newBuilder()
            .setAuthChallenge(AuthChallenge.newBuilder().setNonce(ByteString.copyFrom(nm))).build());
        case AUTH_RESPONSE -> {
          byte[] nw = m.getAuthResponse().getNonce().toByteArray();
          if (SharedSecret.matches(secret.workerProof(nm, nw), m.getAuthResponse().getMac().toByteArray())) {
            out.onNext(ManagerMessage.newBuilder().setAuthProof(AuthProof.newBuilder()
                .setMac(ByteString.copyFrom(secret.managerProof(nw, nm)))).build());
          }
        }
        case HELLO -> out.onNext(welcome());
        default -> { }
      }
    });
    Worker w = worker(port, PASSWORD);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!w.isConnected()) {
      assertThat(System.nanoTime()).as("welcomed in time").isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(kinds().subList(0, 3)).containsExactly(
        WorkerMessage.KindCase.AUTH_BEGIN, WorkerMessage.KindCase.AUTH_RESPONSE, WorkerMessage.KindCase.HELLO);
    assertThat(received.get(1).getAuthResponse().getNonce().size()).isEqualTo(SharedSecret.NONCE_BYTES);
    assertThat(received.get(1).getAuthResponse().getNonce().toByteArray()).isNotEqualTo(nm);
  }

  @Test
  void aManagerThatSkipsTheChallengeIsNeverObeyed() throws Exception {
    Path marker = tmp.resolve("ran");
    int port = manager((m, out) -> {
      out.onNext(welcome());
      out.onNext(runTask(marker));
    });
    WorkerExit exit = exitOf(worker(port, PASSWORD));
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.AUTHENTICATION_FAILED);
    assertThat(exit.message()).isEqualTo("authentication with the manager at 127.0.0.1:" + port
        + " failed: the manager sent WELCOME instead of a challenge");
    assertThat(kinds()).containsExactly(WorkerMessage.KindCase.AUTH_BEGIN);
    assertThat(worker.tasksRun()).isZero();
    assertThat(Files.exists(marker)).isFalse();
  }

  @Test
  void aManagerThatCannotProveThePasswordIsNeverObeyed() throws Exception {
    Path marker = tmp.resolve("ran");
    int port = manager((m, out) -> {
      switch (m.getKindCase()) {
        case AUTH_BEGIN -> out.onNext(ManagerMessage.newBuilder().setAuthChallenge(
            AuthChallenge.newBuilder().setNonce(ByteString.copyFrom(SharedSecret.nonce()))).build());
        case AUTH_RESPONSE -> {
          // Accepts any answer and claims to know the password without it.
          out.onNext(ManagerMessage.newBuilder().setAuthProof(
              AuthProof.newBuilder().setMac(ByteString.copyFrom(SharedSecret.nonce()))).build());
          out.onNext(welcome());
          out.onNext(runTask(marker));
        }
        default -> { }
      }
    });
    WorkerExit exit = exitOf(worker(port, PASSWORD));
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.AUTHENTICATION_FAILED);
    assertThat(exit.message()).startsWith("authentication with the manager at 127.0.0.1:" + port
        + " failed: the manager did not prove it knows the password");
    assertThat(kinds()).containsExactly(WorkerMessage.KindCase.AUTH_BEGIN, WorkerMessage.KindCase.AUTH_RESPONSE);
    assertThat(worker.tasksRun()).isZero();
    assertThat(Files.exists(marker)).isFalse();
  }

  @Test
  void aWorkerWithoutAPasswordLeavesAManagerThatChallengesIt() throws Exception {
    int port = manager((m, out) -> out.onNext(ManagerMessage.newBuilder().setAuthChallenge(
        AuthChallenge.newBuilder().setNonce(ByteString.copyFrom(SharedSecret.nonce()))).build()));
    WorkerExit exit = exitOf(worker(port, null));
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.AUTHENTICATION_FAILED);
    assertThat(exit.message()).isEqualTo("the manager at 127.0.0.1:" + port + " requires a password and this worker"
        + " has none: start it with --password FILE, FILE holding the manager's password");
    assertThat(kinds()).containsExactly(WorkerMessage.KindCase.HELLO);
  }
}

package io.tendril.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.Hello;
import io.tendril.protocol.wire.WorkerMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The control stream: Hello and Welcome, heartbeats, refusal, Shutdown, the idle timeout, losing
 * the manager, and connecting to a manager that comes up later.
 */
class ControlStreamTest extends WorkerTestSupport {

  @Test
  void helloCarriesVersionIdResourcesAndAddressesThenHeartbeatsFollowWelcome() throws Exception {
    Worker w = startWorker("hello");
    FakeManager.Connection c = manager.awaitConnection("hello");
    Hello h = c.hello;
    assertThat(h.getProtocolVersion()).isEqualTo(Protocol.VERSION);
    assertThat(h.getWorkerId()).isEqualTo("hello");
    assertThat(h.getResources().getCores()).isEqualTo(4.0);
    assertThat(h.getResources().getMemoryMb()).isEqualTo(1024);
    assertThat(h.getResources().getDiskMb()).isEqualTo(1024);
    assertThat(h.getTransferAddress()).isEqualTo(w.transferAddress()).startsWith("127.0.0.1:");
    assertThat(h.getWorkspace()).isEqualTo(w.workspace().toString());
    assertThat(h.getCachedList()).isEmpty();
    assertThat(c.received().get(0).hasHello()).as("Hello comes first").isTrue();

    awaitConnected(w);
    WorkerMessage beat = c.await(WorkerMessage::hasHeartbeat, "a heartbeat");
    assertThat(beat.getHeartbeat().getSentAtMs()).isPositive();
    assertThat(beat.getHeartbeat().getDiskFreeMb()).isPositive();
    assertThat(w.exit()).isEmpty();
  }

  @Test
  void detectedResourcesAreOfferedWhenNoneAreGiven() throws Exception {
    Worker w = track(new Worker(WorkerOptions.builder("127.0.0.1", manager.port()).workerId("detect")
        .workspace(tmp.resolve("ws")).build())).start();
    Hello h = manager.awaitConnection("detect").hello;
    assertThat(h.getResources().getCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(h.getResources().getMemoryMb()).isPositive();
    assertThat(h.getResources().getDiskMb()).isPositive();
    assertThat(w.resources().toWire()).isEqualTo(h.getResources());
  }

  @Test
  void refusalEndsTheWorkerWithTheManagersReason() throws Exception {
    manager.refuseWith = "worker id taken";
    Worker w = track(new Worker(options("refused").build()));
    CompletableFuture<Integer> status = CompletableFuture.supplyAsync(w::run);
    assertThat(w.awaitTermination(FakeManager.WAIT)).isTrue();
    assertThat(status.get()).isEqualTo(1);
    WorkerExit exit = w.exit().orElseThrow();
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.REFUSED);
    assertThat(exit.message()).contains("refused").contains("worker id taken");
    assertThat(exit.isError()).isTrue();
    assertThat(manager.connectionCount()).as("no reconnection after a refusal").isEqualTo(1);
  }

  @Test
  void aWelcomeOfAnotherProtocolVersionEndsTheWorker() throws Exception {
    manager.welcomeVersion = Protocol.VERSION + 1;
    Worker w = startWorker("old");
    assertThat(w.awaitTermination(FakeManager.WAIT)).isTrue();
    WorkerExit exit = w.exit().orElseThrow();
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.REFUSED);
    assertThat(exit.message()).contains("version " + (Protocol.VERSION + 1)).contains(String.valueOf(Protocol.VERSION));
  }

  @Test
  void shutdownEndsTheWorkerCleanlyAndClosesTheStream() throws Exception {
    Worker w = startWorker("leaver");
    FakeManager.Connection c = manager.awaitConnection("leaver");
    awaitConnected(w);
    c.shutdown("done for today");
    assertThat(w.awaitTermination(FakeManager.WAIT)).isTrue();
    WorkerExit exit = w.exit().orElseThrow();
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.SHUTDOWN);
    assertThat(exit.message()).contains("done for today");
    assertThat(exit.exitCode()).isZero();
    assertThat(c.awaitEnd()).isTrue();
    assertThat(c.endedHow).isEqualTo("completed");
  }

  @Test
  void anIdleWorkerExits() throws Exception {
    Worker w = startWorker("idle", b -> b.idleTimeout(Duration.ofMillis(800)));
    FakeManager.Connection c = manager.awaitConnection("idle");
    awaitConnected(w);
    assertThat(w.awaitTermination(FakeManager.WAIT)).isTrue();
    assertThat(w.exit().orElseThrow().reason()).isEqualTo(WorkerExit.Reason.IDLE);
    assertThat(c.awaitEnd()).isTrue();
  }

  @Test
  void aWorkerBusyWithATaskIsNotIdle() throws Exception {
    Worker w = startWorker("busy", b -> b.idleTimeout(Duration.ofMillis(1500)));
    FakeManager.Connection c = manager.awaitConnection("busy");
    awaitConnected(w);
    c.send(Messages.task(1, "sleep 4").build());
    assertThat(c.awaitFinished(1).getResult().name()).isEqualTo("TASK_RESULT_SUCCESS");
    assertThat(w.awaitTermination(FakeManager.WAIT)).isTrue();
    assertThat(w.exit().orElseThrow().reason()).isEqualTo(WorkerExit.Reason.IDLE);
  }

  @Test
  void whenTheManagerIsGoneTheWorkerGivesUpAfterItsConnectTimeout() throws Exception {
    Worker w = startWorker("orphan", b -> b.connectTimeout(Duration.ofMillis(1500)));
    manager.awaitConnection("orphan");
    awaitConnected(w);
    int port = manager.port();
    manager.close();
    assertThat(w.awaitTermination(FakeManager.WAIT)).isTrue();
    WorkerExit exit = w.exit().orElseThrow();
    assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.MANAGER_UNREACHABLE);
    assertThat(exit.message()).contains("could not reach the manager at 127.0.0.1:" + port);
    assertThat(exit.exitCode()).isEqualTo(1);
  }

  @Test
  void aWorkerStartedBeforeItsManagerConnectsWhenTheManagerComesUp() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Worker w = track(new Worker(WorkerOptions.builder("127.0.0.1", port).workerId("early")
        .cores(1).memoryMb(100).diskMb(100).gpus(0).workspace(tmp.resolve("ws-early"))
        .connectTimeout(Duration.ofSeconds(30)).build())).start();
    Thread.sleep(1500);
    assertThat(w.exit()).as("still trying").isEmpty();
    assertThat(w.isConnected()).isFalse();
    try (FakeManager late = FakeManager.start(port)) {
      FakeManager.Connection c = late.awaitConnection("early");
      awaitConnected(w);
      c.send(Messages.task(1, "echo late").build());
      assertThat(text(c.awaitFinished(1).getStdout())).isEqualTo("late\n");
      w.close();
    }
  }

  @Test
  void afterLosingTheManagerTheWorkerReconnectsWithANewHello() throws Exception {
    Worker w = startWorker("phoenix");
    FakeManager.Connection first = manager.awaitConnection("phoenix");
    awaitConnected(w);
    first.hangUp();
    FakeManager.Connection second = manager.awaitConnection("phoenix", 2);
    assertThat(second.hello.getWorkerId()).isEqualTo("phoenix");
    awaitConnected(w);
    second.send(Messages.task(5, "echo again").build());
    assertThat(text(second.awaitFinished(5).getStdout())).isEqualTo("again\n");
    assertThat(w.exit()).isEmpty();
  }

  @Test
  void closeBeforeStartAndTwiceIsHarmless() {
    Worker w = new Worker(options("never").build());
    w.close();
    w.close();
    assertThat(w.exit().orElseThrow().reason()).isEqualTo(WorkerExit.Reason.CLOSED);
    org.assertj.core.api.Assertions.assertThatThrownBy(w::start).isInstanceOf(IllegalStateException.class);
  }
}

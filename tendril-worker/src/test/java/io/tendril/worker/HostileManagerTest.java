package io.tendril.worker;

import static io.tendril.worker.Messages.fromAddress;
import static io.tendril.worker.Messages.mount;
import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.HeartbeatAck;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.WorkerMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A worker whose manager sends it what no manager should: bytes that are not a message, truncated
 * and oversized messages (each costs the worker its stream, and it reconnects), and thousands of
 * valid messages full of nonsense from fixed seeds (which cost it nothing: every task gets its
 * TaskFinished, every fetch its CacheUpdate, the stream stays up). After each, the worker runs a
 * normal task and nothing was written outside its workspace.
 */
class HostileManagerTest extends WorkerTestSupport {

  private static RunTask echo(long id, String text) {
    return task(id, "echo " + text).build();
  }

  private static TaskFinished finishedOn(RawManager.Stream s, long id) throws InterruptedException {
    return s.await(m -> m.hasTaskFinished() && m.getTaskFinished().getTaskId() == id, "TaskFinished of " + id,
        FakeManager.WAIT).getTaskFinished();
  }

  @Test
  void bytesThatAreNotAMessageCostTheWorkerOnlyItsStream() throws Exception {
    try (RawManager raw = new RawManager()) {
      Worker w = track(new Worker(WorkerOptions.builder("127.0.0.1", raw.port()).workerId("sturdy")
          .cores(2).memoryMb(512).diskMb(512).gpus(0).workspace(tmp.resolve("ws-sturdy"))
          .connectTimeout(Duration.ofSeconds(30)).build())).start();
      RawManager.Stream first = raw.awaitStream(1);
      first.send(ManagerMessage.newBuilder().setRunTask(echo(1, "one")).build().toByteArray());
      assertThat(finishedOn(first, 1).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);

      byte[] garbage = new byte[64];
      Arrays.fill(garbage, (byte) 0xff);
      byte[] run = ManagerMessage.newBuilder().setRunTask(echo(2, "two")).build().toByteArray();
      byte[] truncated = Arrays.copyOf(run, run.length - 3);
      byte[] oversized = ManagerMessage.newBuilder().setRunTask(echo(3, "x".repeat(Protocol.MAX_MESSAGE_BYTES)))
          .build().toByteArray();
      List<byte[]> bad = List.of(garbage, truncated, oversized);
      for (int i = 0; i < bad.size(); i++) {
        raw.awaitStream(i + 1).send(bad.get(i));
        // The worker drops the stream it cannot read and comes back with a new Hello.
        RawManager.Stream next = raw.awaitStream(i + 2);
        assertThat(w.exit()).isEmpty();
        assertThat(next.await(WorkerMessage::hasHello, "Hello", FakeManager.WAIT).getHello().getWorkerId())
            .isEqualTo("sturdy");
      }
      RawManager.Stream last = raw.awaitStream(bad.size() + 1);
      last.send(ManagerMessage.newBuilder().setRunTask(echo(4, "four")).build().toByteArray());
      TaskFinished ok = finishedOn(last, 4);
      assertThat(ok.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
      assertThat(text(ok.getStdout())).isEqualTo("four\n");
      assertThat(raw.streamCount()).isEqualTo(bad.size() + 1);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void randomManagerMessagesCostTheWorkerNothing(long seed) throws Exception {
    List<String> served = List.of("data-1", "data-2", "data-3");
    for (String name : served) {
      manager.serve(name, (name + " contents\n").getBytes(StandardCharsets.UTF_8));
    }
    Path existing = Files.writeString(tmp.resolve("existing.txt"), "a local file\n");
    Worker w = startWorker("target-" + seed);
    FakeManager.Connection c = manager.awaitConnection("target-" + seed);
    awaitConnected(w);
    RandomManagerMessages gen = new RandomManagerMessages(seed, served, manager.transferAddress(),
        existing.toUri().toString());
    for (int i = 0; i < 1500; i++) {
      c.send(gen.next());
      if (i % 100 == 99) {
        Thread.sleep(50); // let tasks and fetches come and go
      }
    }
    // Every task ends, every fetch of a valid name is answered, and the stream stays up.
    Set<Long> unfinished = new HashSet<>(gen.taskIds());
    Set<String> unanswered = new HashSet<>(gen.transferIds());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while ((!unfinished.isEmpty() || !unanswered.isEmpty()) && System.nanoTime() < deadline) {
      for (WorkerMessage m : c.received()) {
        if (m.hasTaskFinished()) {
          unfinished.remove(m.getTaskFinished().getTaskId());
        } else if (m.hasCacheUpdate()) {
          unanswered.remove(m.getCacheUpdate().getTransferId());
        }
      }
      Thread.sleep(100);
    }
    assertThat(unfinished).as("tasks of seed " + seed + " that never finished").isEmpty();
    assertThat(unanswered).as("fetches of seed " + seed + " never answered").isEmpty();
    assertThat(w.exit()).as("the worker is still running").isEmpty();
    assertThat(w.isConnected()).isTrue();
    assertThat(manager.connectionCount()).as("the worker never had to reconnect").isEqualTo(1);

    c.send(fromAddress("data-1", "final", manager.transferAddress(), 0));
    assertThat(c.awaitCacheUpdate("final").getError()).isEmpty();
    c.send(task(1, "cat in").addInputs(mount("data-1", "in")).build());
    TaskFinished ok = c.awaitFinished(1);
    assertThat(ok.getResult()).as(ok.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(text(ok.getStdout())).isEqualTo("data-1 contents\n");
    c.send(ManagerMessage.newBuilder().setHeartbeatAck(HeartbeatAck.getDefaultInstance()).build());
    try (Stream<Path> s = Files.walk(tmp)) {
      assertThat(s.filter(p -> p.getFileName().toString().equals("escape")).toList())
          .as("nothing was written under a name that leaves its sandbox").isEmpty();
    }
  }
}

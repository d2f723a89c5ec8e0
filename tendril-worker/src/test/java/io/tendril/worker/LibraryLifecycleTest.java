package io.tendril.worker;

import static io.tendril.worker.Calls.call;
import static io.tendril.worker.Calls.kill;
import static io.tendril.worker.Calls.lit;
import static io.tendril.worker.Calls.result;
import static io.tendril.worker.Calls.waitForFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.graph.Fn0;
import io.tendril.graph.Fn2;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The life of library processes: calls share one library and run in its slots at once; a library
 * killed during a call fails that call as the worker's error and is replaced; a cancelled or
 * timed-out call ends its library; a closed worker leaves no library behind. Real processes, no
 * timing assertions: concurrency is shown by calls that wait for each other.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LibraryLifecycleTest extends WorkerTestSupport {
  private static final Fn2<String, String, Long> AWAIT = CallOps::await;
  private static final Fn0<Long> PID = CallOps::pid;

  @Test
  void twoCallsRunAtOnceInATwoSlotLibrary() throws Exception {
    Worker w = startWorker("slots", b -> b.cores(2));
    FakeManager.Connection c = manager.awaitConnection("slots");
    awaitConnected(w);
    Path release = tmp.resolve("release");
    Path started1 = tmp.resolve("started-1");
    Path started2 = tmp.resolve("started-2");
    c.send(call(1, AWAIT, lit(started1.toString()), lit(release.toString())).build());
    c.send(call(2, AWAIT, lit(started2.toString()), lit(release.toString())).build());
    waitForFile(started1);
    waitForFile(started2);
    assertThat(Files.readString(started1)).as("both run in one library").isEqualTo(Files.readString(started2));
    Files.writeString(release, "go");
    for (long id = 1; id <= 2; id++) {
      TaskFinished f = c.awaitFinished(id);
      assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
      assertThat(result(w, id)).isEqualTo(Long.parseLong(Files.readString(started1)));
    }
  }

  @Test
  void manyCallsReuseOneLibraryProcess() throws Exception {
    Worker w = startWorker("many");
    FakeManager.Connection c = manager.awaitConnection("many");
    awaitConnected(w);
    int n = 200;
    for (long id = 1; id <= n; id++) {
      c.send(call(id, PID).build());
    }
    Set<Object> pids = new HashSet<>();
    for (long id = 1; id <= n; id++) {
      TaskFinished f = c.awaitFinished(id);
      assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
      pids.add(result(w, id));
    }
    assertThat(pids).hasSize(1);
    assertThat(pids.iterator().next()).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(libraryLogs(w)).containsExactly("1.log");
    assertThat(w.tasksRun()).isEqualTo(n);
  }

  @Test
  void aLibraryKilledDuringACallFailsItAsTheWorkersErrorAndTheNextCallGetsANewLibrary() throws Exception {
    Worker w = startWorker("sigkill");
    FakeManager.Connection c = manager.awaitConnection("sigkill");
    awaitConnected(w);
    Path started = tmp.resolve("started");
    c.send(call(1, AWAIT, lit(started.toString()), lit(tmp.resolve("never").toString())).build());
    waitForFile(started);
    long pid = Long.parseLong(Files.readString(started));
    assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();

    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_WORKER_ERROR);
    assertThat(f.getMessage()).contains("library 1").contains("status 137 (killed by signal 9)")
        .contains("last lines of its standard error").contains("serving with");

    c.send(call(2, PID).build());
    TaskFinished next = c.awaitFinished(2);
    assertThat(next.getResult()).as(next.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(result(w, 2)).isNotEqualTo(pid);
    assertThat(libraryLogs(w)).containsExactly("1.log", "2.log");
  }

  @Test
  void aCancelledCallEndsCancelledAndStopsItsLibrary() throws Exception {
    Worker w = startWorker("cancel");
    FakeManager.Connection c = manager.awaitConnection("cancel");
    awaitConnected(w);
    Path started = tmp.resolve("started");
    c.send(call(1, AWAIT, lit(started.toString()), lit(tmp.resolve("never").toString())).build());
    waitForFile(started);
    long pid = Long.parseLong(Files.readString(started));
    c.send(kill(1));
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_CANCELLED);
    assertGone(pid);

    c.send(call(2, PID).build());
    assertThat(c.awaitFinished(2).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
  }

  @Test
  void aCallOverItsWallTimeEndsMaxWallTime() throws Exception {
    Worker w = startWorker("slow");
    FakeManager.Connection c = manager.awaitConnection("slow");
    awaitConnected(w);
    c.send(call(1, PID).build());
    assertThat(c.awaitFinished(1).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    long pid = (Long) result(w, 1);
    c.send(call(2, AWAIT, lit(tmp.resolve("started").toString()), lit(tmp.resolve("never").toString()))
        .setMaxWallTimeMs(700).build());
    TaskFinished f = c.awaitFinished(2);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_MAX_WALL_TIME);
    assertThat(f.getMessage()).contains("700 ms");
    assertThat(f.getMeasured().getWallTimeMs()).isGreaterThanOrEqualTo(700);
    assertGone(pid);

    c.send(call(3, PID).build());
    assertThat(c.awaitFinished(3).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(result(w, 3)).isNotEqualTo(pid);
  }

  @Test
  void closingTheWorkerStopsItsLibraries() throws Exception {
    Worker w = startWorker("closes");
    FakeManager.Connection c = manager.awaitConnection("closes");
    awaitConnected(w);
    Path started = tmp.resolve("started");
    c.send(call(1, AWAIT, lit(started.toString()), lit(tmp.resolve("never").toString())).build());
    waitForFile(started);
    long busy = Long.parseLong(Files.readString(started));
    w.close();
    assertGone(busy);
  }

  private static List<String> libraryLogs(Worker w) throws Exception {
    try (Stream<Path> s = Files.list(w.workspace().resolve("libraries"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
    }
  }

  /** The process is dead (after a short grace for the kernel to reap it). */
  private static void assertGone(long pid) throws InterruptedException {
    for (int i = 0; i < 300 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(10);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("library process %d is gone", pid).isFalse();
  }
}

package io.tendril.worker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Common ground of the worker tests: a {@link FakeManager} per test, workers started against it
 * with small explicit resources (so nothing is detected) in workspaces under the test's temporary
 * directory, and everything closed after the test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class WorkerTestSupport {
  @TempDir Path tmp;
  FakeManager manager;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void startManager() {
    manager = FakeManager.start();
  }

  @AfterEach
  void stopEverything() {
    for (Worker w : workers) {
      w.close();
    }
    if (manager != null) {
      manager.close();
    }
  }

  /** Options for a worker of the test's manager: 4 cores, 1 GB memory and disk, no GPU. */
  WorkerOptions.Builder options(String id) {
    return WorkerOptions.builder("127.0.0.1", manager.port())
        .workerId(id).cores(4).memoryMb(1024).diskMb(1024).gpus(0)
        .workspace(tmp.resolve("ws-" + id))
        .connectTimeout(Duration.ofSeconds(20))
        .idleTimeout(Duration.ofMinutes(5));
  }

  /** Starts a worker, closed after the test. */
  Worker startWorker(String id, UnaryOperator<WorkerOptions.Builder> tweak) {
    return track(new Worker(tweak.apply(options(id)).build())).start();
  }

  Worker startWorker(String id) {
    return startWorker(id, b -> b);
  }

  /** Starts a worker and waits for its (welcomed) connection. */
  FakeManager.Connection connectWorker(String id) throws InterruptedException {
    Worker w = startWorker(id);
    FakeManager.Connection c = manager.awaitConnection(id);
    awaitConnected(w);
    return c;
  }

  /** Closes the worker after the test. */
  Worker track(Worker w) {
    workers.add(w);
    return w;
  }

  static void awaitConnected(Worker w) throws InterruptedException {
    long deadline = System.nanoTime() + FakeManager.WAIT.toNanos();
    while (!w.isConnected()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(w + " was not welcomed within " + FakeManager.WAIT);
      }
      Thread.sleep(10);
    }
  }

  static String text(com.google.protobuf.ByteString bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}

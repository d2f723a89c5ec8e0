package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.worker.Worker;
import io.tendril.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Managers and in-process workers on 127.0.0.1 for one test, over real gRPC, each in its own
 * folder of the test's directory; closed in reverse order of creation after each test. The tests
 * of passwords, TLS and status clients register one as an extension and build their clusters with
 * it, each tweaking the options it is about:
 *
 * <pre>{@code
 * @TempDir Path dir;
 * @RegisterExtension final InProcessCluster cluster = new InProcessCluster(() -> dir);
 * }</pre>
 */
final class InProcessCluster implements AutoCloseable, AfterEachCallback {
  private final Supplier<Path> dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private int managers;

  /** A cluster in the directory {@code dir} gives when the first manager or worker is made. */
  InProcessCluster(Supplier<Path> dir) {
    this.dir = dir;
  }

  /** A manager on any free port, its run directory {@code run} (then {@code run-2}, …). */
  Manager manager(UnaryOperator<ManagerOptions.Builder> tweak) {
    managers++;
    Manager m = new Manager(tweak.apply(ManagerOptions.builder().host("127.0.0.1").port(0)
        .runDirectory(dir.get().resolve(managers == 1 ? "run" : "run-" + managers))).build());
    open.add(m);
    return m;
  }

  /**
   * A started worker of the manager with 2 cores, 1,024 MB of memory and of disk, no GPU; its
   * connect timeout is long, so an exit within seconds is not a give-up.
   */
  Worker worker(Manager m, String id, UnaryOperator<WorkerOptions.Builder> tweak) {
    Worker w = new Worker(tweak.apply(WorkerOptions.builder("127.0.0.1", m.port()).workerId(id)
        .cores(2).memoryMb(1024).diskMb(1024).gpus(0).workspace(dir.get().resolve("ws-" + id))
        .connectTimeout(Duration.ofSeconds(120))).build());
    open.add(w);
    return w.start();
  }

  /** Waits (up to 90 s) until {@code n} workers are connected. */
  static void awaitWorkers(Manager m, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (m.stats().workersConnected() < n) {
      assertThat(System.nanoTime()).as(n + " workers connected in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }
}

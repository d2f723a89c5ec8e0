package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.graph.Scheduler;
import io.tendril.graph.SchedulerContract;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.RemoteTaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler contract, run against {@link Manager#get} with two worker processes on
 * 127.0.0.1: every task of every graph runs as a function call in a worker's library.
 *
 * <p>Cases that count calls in a local variable are skipped (the functions run in other JVMs);
 * the long chain is shorter (each link is a round trip to a worker), and nesting is as deep as the
 * wire's message nesting allows.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterSchedulerTest extends SchedulerContract {
  private static Path dir;
  private static Manager manager;
  private static LocalWorkers workers;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("tendril-cluster-contract-");
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
    workers = LocalWorkers.start(2, manager.port(), dir.resolve("run"));
  }

  @AfterAll
  static void stop() {
    workers.close();
    manager.close();
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Left for the system's temp cleanup.
    }
  }

  @Override
  protected Scheduler scheduler() {
    return manager;
  }

  @Override
  protected boolean runsInThisProcess() {
    return false;
  }

  @Override
  protected int longChain() {
    return 200;
  }

  @Override
  protected int deepNesting() {
    return 40;
  }

  @Override
  protected void assertCause(Throwable cause, Class<? extends Throwable> type, String message) {
    assertThat(cause).isInstanceOf(RemoteTaskException.class);
    RemoteTaskException remote = (RemoteTaskException) cause;
    assertThat(remote.remoteClassName()).isEqualTo(type.getName());
    assertThat(remote.remoteMessage()).isEqualTo(message);
    assertThat(remote.getStackTrace()).isNotEmpty();
  }
}

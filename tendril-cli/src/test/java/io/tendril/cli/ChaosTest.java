package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.graph.Key;
import io.tendril.graph.Task;
import io.tendril.manager.GetOptions;
import io.tendril.manager.MakeflowRunner;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.ManagerStats;
import io.tendril.manager.makeflow.Makeflow;
import io.tendril.manager.makeflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs under fire: a 2,000-task graph and a 500-rule Makeflow workflow run once on three worker
 * processes undisturbed, then again while a chaos thread kills a random worker (SIGKILL) five
 * times, at fixed points of progress, and starts a new one in its place each time. Both runs under
 * fire give exactly the results of the undisturbed ones, no task is lost or fails, and the
 * transaction log shows the lost workers and what was done again. Prints the figures that
 * docs/reliability.md reports.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ChaosTest {
  private static final int WORKERS = 3;
  private static final int WIDTH = 400;
  private static final int LAYERS = 5;
  private static final int RULES = 500;

  @TempDir Path dir;

  /** What one run gave and what it took. */
  private record Run(Object results, double seconds, int kills, ManagerStats stats, String log) {}

  @Test
  void aGraphGivesTheSameResultsWhileWorkersAreKilled() throws Exception {
    Map<Object, Object> dsk = new HashMap<>();
    for (int i = 0; i < WIDTH; i++) {
      dsk.put(Key.of("l", 0, i), Task.of(GraphOps::start, (long) i));
    }
    for (int layer = 1; layer < LAYERS; layer++) {
      for (int i = 0; i < WIDTH; i++) {
        // Each reads two tasks of the layer before, one of them far away: results cross workers.
        dsk.put(Key.of("l", layer, i), Task.of(GraphOps::mix, Key.of("l", layer - 1, i),
            Key.of("l", layer - 1, (i + 7 * layer) % WIDTH)));
      }
    }
    List<Object> last = new ArrayList<>();
    for (int i = 0; i < WIDTH; i++) {
      last.add(Key.of("l", LAYERS - 1, i));
    }
    dsk.put("total", Task.of(GraphOps::sum, last));
    List<Object> keys = new ArrayList<>(last);
    keys.add("total");
    int tasks = dsk.size();
    assertThat(tasks).isEqualTo(WIDTH * LAYERS + 1);

    Run clean = graphRun("graph-clean", dsk, keys, tasks, false);
    Run chaos = graphRun("graph-chaos", dsk, keys, tasks, true);

    assertThat(chaos.results()).isEqualTo(clean.results());
    assertRecovered(chaos);
    report("graph of " + tasks + " tasks", clean, chaos);
  }

  @Test
  void aMakeflowWorkflowGivesTheSameFilesWhileWorkersAreKilled() throws Exception {
    StringBuilder mf = new StringBuilder();
    int half = RULES / 2;
    for (int i = 0; i < half; i++) {
      mf.append("a.").append(i).append(":\n\tsleep 0.02; echo value ").append(i).append(" > a.").append(i).append('\n');
    }
    for (int i = 0; i < half; i++) {
      int j = (i + 1) % half;
      mf.append("b.").append(i).append(": a.").append(i).append(" a.").append(j).append("\n\tcat a.").append(i)
          .append(" a.").append(j).append(" > b.").append(i).append('\n');
    }
    Workflow workflow = Makeflow.parse(mf.toString(), "chaos.mf", Map.of());
    assertThat(workflow.rules()).hasSize(RULES);

    Run clean = makeflowRun("makeflow-clean", workflow, false);
    Run chaos = makeflowRun("makeflow-chaos", workflow, true);

    assertThat(chaos.results()).isEqualTo(clean.results());
    assertThat((Map<?, ?>) clean.results()).hasSize(RULES);
    assertRecovered(chaos);
    report("Makeflow workflow of " + RULES + " rules", clean, chaos);
  }

  private Run graphRun(String name, Map<Object, Object> dsk, List<Object> keys, int tasks, boolean chaos)
      throws Exception {
    Path run = dir.resolve(name);
    AtomicInteger done = new AtomicInteger();
    try (Manager manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(run).build());
        LocalWorkers workers = LocalWorkers.start(WORKERS, manager.port(), run, "w")) {
      awaitWorkers(manager, WORKERS);
      long start = System.nanoTime();
      Object results;
      int kills;
      // Results of a few bytes are files on the workers too, so that a killed worker loses results.
      GetOptions options = GetOptions.defaults().inlineLimit(0).progress((d, all) -> done.set(d));
      try (Chaos c = chaos ? new Chaos(workers, manager, 11, done::get, tasks) : null) {
        results = manager.get(dsk, keys, options);
        kills = c == null ? 0 : c.kills();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Run(results, seconds, kills, manager.stats(), log(manager));
    }
  }

  private Run makeflowRun(String name, Workflow workflow, boolean chaos) throws Exception {
    Path run = dir.resolve(name);
    Path work = Files.createDirectories(dir.resolve(name + "-files"));
    AtomicInteger done = new AtomicInteger();
    try (Manager manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(run).build());
        LocalWorkers workers = LocalWorkers.start(WORKERS, manager.port(), run, "w")) {
      awaitWorkers(manager, WORKERS);
      long start = System.nanoTime();
      MakeflowRunner.Outcome outcome;
      int kills;
      try (Chaos c = chaos ? new Chaos(workers, manager, 23, done::get, RULES) : null) {
        outcome = new MakeflowRunner(manager, workflow, work, line -> done.incrementAndGet()).run();
        kills = c == null ? 0 : c.kills();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(outcome.failed()).as("rules that failed in " + name).isEmpty();
      assertThat(outcome.succeeded()).isEqualTo(RULES);
      Map<String, String> files = new TreeMap<>();
      try (Stream<Path> s = Files.list(work)) {
        for (Path p : s.toList()) {
          files.put(p.getFileName().toString(), Files.readString(p));
        }
      }
      return new Run(files, seconds, kills, manager.stats(), log(manager));
    }
  }

  private static void awaitWorkers(Manager manager, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (manager.stats().workersConnected() < n) {
      assertThat(System.nanoTime()).as(n + " workers connected in time").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String log(Manager manager) throws Exception {
    // The log is flushed by the manager's loop at least every second.
    Thread.sleep(1200);
    return Files.readString(manager.transactionLog());
  }

  private static void assertRecovered(Run chaos) {
    assertThat(chaos.kills()).as("workers killed").isGreaterThanOrEqualTo(3);
    assertThat(chaos.stats().workersLost()).as("workers the manager saw go").isGreaterThanOrEqualTo(1);
    assertThat(count(chaos.log(), "\"event\":\"disconnect\"")).isEqualTo(chaos.stats().workersLost());
    // What was running or held on a lost worker was done again, and the log says so.
    assertThat(count(chaos.log(), " was lost\"") + count(chaos.log(), "\"recovery\":true"))
        .as("requeued or remade after a loss").isPositive();
  }

  private static long count(String log, String needle) {
    return log.lines().filter(l -> l.contains(needle)).count();
  }

  private static void report(String what, Run clean, Run chaos) {
    System.out.printf("chaos: %s: undisturbed %.1f s; %d workers killed: %.1f s (%.2fx); "
            + "%d attempts requeued, %d temps remade, 0 tasks lost%n",
        what, clean.seconds(), chaos.kills(), chaos.seconds(), chaos.seconds() / clean.seconds(),
        chaos.stats().tasksRequeued(), chaos.stats().tempsRecovered());
  }

  /**
   * Kills a random live worker of a group with SIGKILL when the work is a tenth, three tenths, half,
   * seven tenths and nine tenths done, and starts a new worker in its place each time. Kills are at
   * least two seconds apart and wait until the replacement has joined, so that a slow machine is
   * never left without workers; on a machine that runs the work in a minute, that is a kill every
   * few seconds.
   */
  private static final class Chaos implements AutoCloseable {
    /** The fractions of the work done at which a worker is killed. */
    private static final double[] MILESTONES = {0.1, 0.3, 0.5, 0.7, 0.9};
    /** The least time between two kills. */
    private static final long GAP_NANOS = TimeUnit.SECONDS.toNanos(2);
    private final LocalWorkers workers;
    private final Manager manager;
    private final Random random;
    private final IntSupplier progress;
    private final int total;
    private final Thread thread;
    private volatile boolean stopped;
    private final AtomicInteger kills = new AtomicInteger();

    Chaos(LocalWorkers workers, Manager manager, long seed, IntSupplier progress, int total) {
      this.workers = workers;
      this.manager = manager;
      this.random = new Random(seed);
      this.progress = progress;
      this.total = total;
      this.thread = new Thread(this::loop, "chaos");
      thread.setDaemon(true);
      thread.start();
    }

    int kills() {
      return kills.get();
    }

    private void loop() {
      int next = 0;
      long last = 0;
      while (!stopped && next < MILESTONES.length) {
        boolean due = progress.getAsInt() >= total * MILESTONES[next]
            && System.nanoTime() - last >= GAP_NANOS
            && manager.stats().workersConnected() >= WORKERS;
        if (!due) {
          sleep(20);
          continue;
        }
        List<Process> alive = workers.processes().stream().filter(Process::isAlive).toList();
        if (alive.isEmpty()) {
          continue;
        }
        Process victim = alive.get(random.nextInt(alive.size()));
        victim.destroyForcibly();
        try {
          victim.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          return;
        }
        kills.incrementAndGet();
        next++;
        workers.add();
        last = System.nanoTime();
      }
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      stopped = true;
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }
}

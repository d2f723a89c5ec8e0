package io.tendril.bench;

import io.tendril.graph.Key;
import io.tendril.graph.Task;
import io.tendril.manager.GetOptions;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Graphs on the cluster: {@code Manager.get} with W local worker processes of one core each, for
 * the three shapes of the side-by-side benchmark with dask.distributed (bench/dask_distributed.py):
 * 10,000 independent {@code inc} tasks with every key requested; 10,000 {@code inc} tasks summed
 * in chunks of 1,000 (one key requested); a tree reduction of 65,536 leaves. Each shape first
 * runs once cold (the libraries start and the JIT begins; its rate is reported apart), then warms
 * up, untimed, for {@value #DEFAULT_WARM_UP_SECONDS} seconds (the system property {@code
 * bench.warmUpSeconds}) as a JMH warm-up would, then runs {@code runs} timed runs. Prints one
 * JSON line per shape with the first run's rate, the best and median of the timed runs and the
 * rate of each timed run in order.
 *
 * <p>Arguments: workers, the tendril jar, [runs], [shapes, comma-separated]. The system property
 * {@code bench.batchCalls} sets {@link GetOptions#batchCalls} (default: the option's default);
 * {@code bench.tune=knob=value,...} tunes the manager's knobs.
 */
public final class ClusterGraphBench {
  /** How long each shape runs untimed before its timed runs, by default. */
  static final int DEFAULT_WARM_UP_SECONDS = 10;

  private ClusterGraphBench() {}

  /** One run of a shape: checks its result and returns its rate in tasks per second. */
  private static double timedRun(Manager m, Case c, GetOptions options) {
    long start = System.nanoTime();
    Object result = m.get(c.dsk, c.keys, options);
    double seconds = (System.nanoTime() - start) / 1e9;
    check(c, result);
    return c.tasks / seconds;
  }

  public static void main(String[] args) throws Exception {
    int workerCount = Integer.parseInt(args[0]);
    String jar = args[1];
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String shapes = args.length > 3 ? args[3] : "independent,reduce,tree";
    int warmUpSeconds = Integer.getInteger("bench.warmUpSeconds", DEFAULT_WARM_UP_SECONDS);
    Path run = Files.createTempDirectory("tendril-cluster-bench-");
    try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(run).build())) {
      String tune = System.getProperty("bench.tune", "");
      for (String kv : tune.isEmpty() ? new String[0] : tune.split(",")) {
        m.tune(kv.substring(0, kv.indexOf('=')), Double.parseDouble(kv.substring(kv.indexOf('=') + 1)));
      }
      try (BenchWorkers workers = new BenchWorkers()) {
        for (int i = 0; i < workerCount; i++) {
          workers.start(jar, m, run, "bench-" + i, List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
              "--cores", "1", "--memory", "2000", "--disk", "10000");
        }
        workers.awaitJoined(m);
        for (String shape : shapes.split(",")) {
          if (shape.equals("first-dispatch")) {
            firstDispatch(m);
            continue;
          }
          Case c = build(shape);
          GetOptions options = GetOptions.defaults();
          if (System.getProperty("bench.batchCalls") != null) {
            options.batchCalls(Integer.getInteger("bench.batchCalls"));
          }
          long warmUpStart = System.nanoTime();
          double firstRate = timedRun(m, c, options);
          int warmUpRuns = 1;
          while (System.nanoTime() - warmUpStart < TimeUnit.SECONDS.toNanos(warmUpSeconds)) {
            timedRun(m, c, options);
            warmUpRuns++;
          }
          double[] rates = new double[runs];
          for (int r = 0; r < runs; r++) {
            rates[r] = timedRun(m, c, options);
          }
          StringBuilder each = new StringBuilder();
          for (double rate : rates) {
            each.append(each.isEmpty() ? "" : ",").append(Math.round(rate));
          }
          Arrays.sort(rates);
          System.out.printf("{\"system\":\"tendril\",\"shape\":\"%s\",\"tasks\":%d,\"workers\":%d,"
              + "\"first_run_tasks_per_s\":%.1f,\"warm_up_runs\":%d,\"runs\":%d,"
              + "\"best_tasks_per_s\":%.1f,\"median_tasks_per_s\":%.1f,\"each_run\":[%s]}%n",
              shape, c.tasks, workerCount, firstRate, warmUpRuns, runs, rates[runs - 1], rates[runs / 2], each);
        }
      }
    }
  }

  /**
   * Time from calling get on a 100,000-task wide graph to the first call dispatched to a worker,
   * read from the transaction log. The run is then abandoned: the manager closes with it.
   */
  private static void firstDispatch(Manager m) throws Exception {
    GraphShapes.Shape s = GraphShapes.wide(100_000, 1_000);
    long before = Files.size(m.transactionLog());
    long startMs = System.currentTimeMillis();
    long start = System.nanoTime();
    Thread run = Thread.ofPlatform().daemon().start(() -> {
      try {
        m.get(s.graph(), s.target());
      } catch (RuntimeException e) {
        // The manager closed under it: expected.
      }
    });
    long dispatchedAt = -1;
    while (dispatchedAt < 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
      Thread.sleep(5);
      try (var in = Files.newInputStream(m.transactionLog())) {
        in.skipNBytes(before);
        for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
          if (line.contains("\"state\":\"DISPATCHED\"")) {
            int i = line.indexOf("\"time\":") + 7;
            dispatchedAt = Long.parseLong(line.substring(i, line.indexOf(',', i)));
            break;
          }
        }
      }
    }
    System.out.printf("{\"system\":\"tendril\",\"shape\":\"first-dispatch\",\"tasks\":%d,\"first_dispatch_ms\":%d}%n",
        s.tasks(), dispatchedAt < 0 ? -1 : dispatchedAt - startMs);
    run.interrupt();
  }

  private record Case(Map<Object, Object> dsk, Object keys, int tasks, Object expected) {}

  private static Case build(String shape) {
    switch (shape) {
      case "independent" -> {
        Map<Object, Object> dsk = new LinkedHashMap<>();
        List<Object> keys = new ArrayList<>();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
          dsk.put(Key.of("inc", i), Task.of(GraphShapes::inc, (long) i));
          keys.add(Key.of("inc", i));
          expected.add((long) i + 1);
        }
        return new Case(dsk, keys, 10_000, expected);
      }
      case "reduce" -> {
        GraphShapes.Shape s = GraphShapes.wide(10_000, 1_000);
        return new Case(s.graph(), s.target(), s.tasks(), s.expected());
      }
      case "tree" -> {
        GraphShapes.Shape s = GraphShapes.tree(65_536);
        return new Case(s.graph(), s.target(), s.tasks(), s.expected());
      }
      default -> throw new IllegalArgumentException("unknown shape " + shape + ": independent, reduce or tree");
    }
  }

  private static void check(Case c, Object result) {
    if (!c.expected.equals(result)) {
      throw new IllegalStateException(c.tasks + "-task graph returned a wrong result");
    }
  }
}

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
 * in chunks of 1,000 (one key requested); a tree reduction of 65,536 leaves. Each shape runs once
 * untimed (the libraries start and the JIT warms), then {@code runs} timed runs. Prints one JSON
 * line per shape with the best and median rates.
 *
 * <p>Arguments: workers, the tendril jar, [runs], [shapes, comma-separated]. The system property
 * {@code bench.batchCalls} sets {@link GetOptions#batchCalls} (default: the option's default);
 * {@code bench.tune=knob=value,...} tunes the manager's knobs.
 */
public final class ClusterGraphBench {
  private ClusterGraphBench() {}

  public static void main(String[] args) throws Exception {
    int workerCount = Integer.parseInt(args[0]);
    String jar = args[1];
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String shapes = args.length > 3 ? args[3] : "independent,reduce,tree";
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
          check(c, m.get(c.dsk, c.keys, options));
          double[] rates = new double[runs];
          for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            Object result = m.get(c.dsk, c.keys, options);
            double seconds = (System.nanoTime() - start) / 1e9;
            check(c, result);
            rates[r] = c.tasks / seconds;
          }
          Arrays.sort(rates);
          System.out.printf("{\"system\":\"tendril\",\"shape\":\"%s\",\"tasks\":%d,\"workers\":%d,\"runs\":%d,"
              + "\"best_tasks_per_s\":%.1f,\"median_tasks_per_s\":%.1f}%n",
              shape, c.tasks, workerCount, runs, rates[runs - 1], rates[runs / 2]);
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

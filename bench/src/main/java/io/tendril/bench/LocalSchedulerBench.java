package io.tendril.bench;

import io.tendril.graph.LocalScheduler;
import io.tendril.graph.Schedulers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times the local schedulers on the shapes of {@link GraphShapes} and prints one JSON line per
 * shape and scheduler, in the format {@code bench/dask_local.py} prints for Dask.
 *
 * <p>Only {@code get} is timed: the graph is built once per shape beforehand and reused (graphs
 * are immutable and {@code get} keeps no state between calls). Each measured combination first
 * runs {@code --warmup} times (discarded, they let the JIT compile the scheduler), then {@code
 * --runs} timed runs, with a {@code System.gc()} before each one, outside the timed region. Every
 * run, warm-up included, must return the shape's expected value or the program fails.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.tendril.bench.LocalSchedulerBench \
 *     [--runs 7] [--warmup 10] [--shapes wide,chain,tree] [--schedulers sync,threaded]
 * </pre>
 */
public final class LocalSchedulerBench {
  /** The result of the last timed run, printed so that the check can be seen. */
  private static Object lastResult;

  private LocalSchedulerBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args options, see the class comment
   */
  public static void main(String[] args) {
    int runs = 7;
    int warmup = 10;
    List<String> shapes = List.of("wide", "chain", "tree");
    List<String> schedulers = List.of("sync", "threaded");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--runs" -> runs = Integer.parseInt(need(a, v));
        case "--warmup" -> warmup = Integer.parseInt(need(a, v));
        case "--shapes" -> shapes = Arrays.asList(need(a, v).split(","));
        case "--schedulers" -> schedulers = Arrays.asList(need(a, v).split(","));
        default -> {
          System.err.println("unknown option " + a
              + "; options: --runs N --warmup N --shapes wide,chain,tree --schedulers sync,threaded");
          System.exit(2);
        }
      }
      i++;
    }
    if (runs < 1 || warmup < 0) {
      System.err.println("--runs must be >= 1 and --warmup >= 0");
      System.exit(2);
    }
    boolean failed = false;
    for (String shapeName : shapes) {
      long b0 = System.nanoTime();
      GraphShapes.Shape shape = GraphShapes.standard(shapeName);
      double buildS = (System.nanoTime() - b0) / 1e9;
      for (String schedName : schedulers) {
        LocalScheduler scheduler = switch (schedName) {
          case "sync" -> Schedulers.sync();
          case "threaded" -> Schedulers.threaded();
          default -> throw new IllegalArgumentException("unknown scheduler " + schedName + ": sync or threaded");
        };
        String line;
        try {
          line = measure(shape, schedName, scheduler, runs, warmup, buildS);
        } catch (RuntimeException | Error e) {
          failed = true;
          line = "{\"system\": \"tendril\", \"shape\": \"" + shape.name() + "\", \"scheduler\": \""
              + schedName + "\", \"tasks\": " + shape.tasks() + ", \"error\": \""
              + json(e.getClass().getSimpleName() + ": " + e.getMessage()) + "\"}";
        }
        System.out.println(line);
        System.out.flush();
      }
    }
    if (failed) {
      System.exit(1);
    }
  }

  private static String measure(
      GraphShapes.Shape shape, String schedName, LocalScheduler scheduler, int runs, int warmup, double buildS) {
    double firstS = -1;
    for (int i = 0; i < warmup; i++) {
      double s = timeOnce(shape, scheduler);
      if (i == 0) {
        firstS = s;
      }
    }
    double[] times = new double[runs];
    for (int i = 0; i < runs; i++) {
      System.gc();
      times[i] = timeOnce(shape, scheduler);
      if (firstS < 0) {
        firstS = times[i];
      }
    }
    double[] sorted = times.clone();
    Arrays.sort(sorted);
    double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
    List<String> each = new ArrayList<>();
    for (double t : times) {
      each.add(String.format(Locale.ROOT, "%.6f", t));
    }
    return String.format(
        Locale.ROOT,
        "{\"system\": \"tendril\", \"shape\": \"%s\", \"scheduler\": \"%s\", \"threads\": %d, "
            + "\"tasks\": %d, \"runs\": %d, \"warmup\": %d, \"median_s\": %.6f, \"min_s\": %.6f, "
            + "\"max_s\": %.6f, \"first_s\": %.6f, \"tasks_per_s\": %.1f, \"build_s\": %.6f, "
            + "\"result\": %d, \"expected\": %d, \"times_s\": [%s]}",
        shape.name(), schedName, scheduler.parallelism(), shape.tasks(), runs, warmup, median,
        sorted[0], sorted[runs - 1], firstS, shape.tasks() / median, buildS, (Long) lastResult,
        shape.expected(), String.join(", ", each));
  }

  /** One timed {@code get}; throws unless the result is the expected value. */
  private static double timeOnce(GraphShapes.Shape shape, LocalScheduler scheduler) {
    long t0 = System.nanoTime();
    Object result = scheduler.get(shape.graph(), shape.target());
    long t1 = System.nanoTime();
    if (!(result instanceof Long l) || l != shape.expected()) {
      throw new IllegalStateException(
          shape.name() + " on " + scheduler + " returned " + result + ", expected " + shape.expected());
    }
    lastResult = result;
    return (t1 - t0) / 1e9;
  }

  private static String need(String option, String value) {
    if (value == null) {
      System.err.println(option + " needs a value");
      System.exit(2);
    }
    return value;
  }

  private static String json(String s) {
    return String.valueOf(s).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}

package io.tendril.bench;

import io.tendril.graph.json.Json;
import io.tendril.manager.CommandTask;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.resources.ResourcesMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The resource modes side by side on one mixed workload: N command tasks whose true memory peaks
 * are skewed (most between 20 and 80 MB, one in seven between 300 and 700 MB), each holding its
 * memory for half a second, run on two local workers under {@code fixed} (every task given the
 * category's generous 1,000 MB), {@code max}, {@code min waste} and {@code max throughput} (the
 * same 1,000 MB maximum, allocations learned from measurements). For each mode: the makespan, the
 * memory × time allocated and actually used over every attempt (from the transaction log: each
 * attempt's allocation times its wall time, and its measured peak times its wall time), the waste
 * (allocated − used) and the exhaustion retries. Prints one JSON line per mode.
 *
 * <p>Arguments: tasks, the tendril jar. Needs python3 on the PATH (the tasks are
 * {@code python3 -c "b = bytearray(N MB); sleep"}).
 */
public final class ResourceModesBench {
  private ResourceModesBench() {}

  private static final long CATEGORY_MAX_MB = 1000;

  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[0]);
    String jar = args[1];
    List<Integer> peaks = new ArrayList<>();
    Random random = new Random(42);
    for (int i = 0; i < tasks; i++) {
      peaks.add(random.nextInt(7) == 0 ? 300 + random.nextInt(401) : 20 + random.nextInt(61));
    }
    for (ResourcesMode mode : ResourcesMode.values()) {
      Path run = Files.createTempDirectory("tendril-modes-" + mode.name().toLowerCase() + "-");
      try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(run).build());
          BenchWorkers workers = new BenchWorkers()) {
        for (int w = 0; w < 2; w++) {
          workers.start(jar, m, run, "modes-" + w, List.of("-Xmx256m", "-XX:+UseSerialGC"),
              "--cores", "8", "--memory", "4000", "--disk", "20000");
        }
        workers.awaitJoined(m);
        m.category("mix").mode(mode).max(0, CATEGORY_MAX_MB, 0, 0);
        long start = System.nanoTime();
        for (int mb : peaks) {
          m.submit(CommandTask.builder("python3 -c \"b = bytearray(" + mb + " * 2**20); import time; time.sleep(0.5)\"")
              .category("mix").build());
        }
        int failed = 0;
        for (int i = 0; i < tasks; i++) {
          CommandTask t = m.await(Duration.ofMinutes(10)).orElseThrow(() -> new IllegalStateException("a task is missing"));
          if (!t.succeeded()) {
            failed++;
          }
        }
        double makespan = (System.nanoTime() - start) / 1e9;
        Usage u = usage(m.transactionLog());
        System.out.printf("{\"mode\":\"%s\",\"tasks\":%d,\"failed\":%d,\"makespan_s\":%.1f,\"allocated_mb_s\":%.0f,"
                + "\"used_mb_s\":%.0f,\"waste_mb_s\":%.0f,\"exhaustion_retries\":%d}%n",
            mode.label(), tasks, failed, makespan, u.allocated, u.used, u.allocated - u.used, u.retries);
      }
    }
  }

  /** Memory × time over every attempt of every task, and the exhaustion retries, from the log. */
  private record Usage(double allocated, double used, int retries) {}

  private static Usage usage(Path log) throws Exception {
    Map<Object, Long> allocatedMb = new HashMap<>();
    double allocated = 0;
    double used = 0;
    int retries = 0;
    for (String line : Files.readAllLines(log)) {
      if (!(Json.parse(line) instanceof Map<?, ?> e) || !"task".equals(e.get("type"))) {
        continue;
      }
      if ("DISPATCHED".equals(e.get("state"))) {
        allocatedMb.put(e.get("id"), ((Number) e.get("memory_mb")).longValue());
      } else if ("finished".equals(e.get("event"))) {
        double seconds = ((Number) e.get("wall_time_ms")).doubleValue() / 1000;
        allocated += allocatedMb.getOrDefault(e.get("id"), 0L) * seconds;
        Object peak = e.get("peak_memory_mb");
        used += (peak instanceof Number n ? n.doubleValue() : 0) * seconds;
      } else if ("exhausted".equals(e.get("event")) && Boolean.TRUE.equals(e.get("retry"))) {
        retries++;
      }
    }
    return new Usage(allocated, used, retries);
  }
}

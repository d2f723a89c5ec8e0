package io.tendril.bench;

import io.tendril.graph.json.Json;
import io.tendril.manager.CommandTask;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.resources.ResourceKind;
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
 * are skewed (most between 5 and 20 MB, one in seven between 75 and 175 MB, drawn with a fixed
 * seed), each holding its memory for two seconds, run on two local workers (8 cores and 1,000 MB
 * each) under {@code fixed} (every task given the category's generous 250 MB), {@code max},
 * {@code min waste} and {@code max throughput} (the same 250 MB maximum, allocations learned from
 * measurements in buckets of 62.5 MB). For each mode: the makespan, the memory × time allocated and
 * actually used over every attempt (from the transaction log: each attempt's allocation times its
 * wall time, and its measured peak times its wall time), the waste (allocated − used), the
 * exhaustion retries, the CPU the tasks used, the CPU of the worker processes and of the manager,
 * the mean wall time of an attempt that ran to its end, and how busy the machine's CPUs were meanwhile (all processes, from {@code /proc/stat}). Prints
 * one JSON line per mode.
 *
 * <p>Why this shape (docs/benchmarks.md, "Resource modes"): touching memory costs CPU (page
 * faults), about 3 ms of CPU per MB on the machine the figures come from. An earlier form, with
 * four times the memory held for half a second by a Python interpreter, kept the machine's two
 * cores saturated, so tasks packed more densely only ran slower and the figures measured the CPU,
 * not the allocation. Here the memory is a quarter (worker, category maximum, bucket and peaks
 * alike, so every ratio the policies see is unchanged), the holder is Perl (starts in a few
 * milliseconds; {@code vec} grows one zeroed string to the size, touching each page once) and the
 * hold is longer, so that memory, not CPU, limits how many tasks run at once.
 *
 * <p>Arguments: tasks, the tendril jar. Needs perl on the PATH.
 */
public final class ResourceModesBench {
  private ResourceModesBench() {}

  private static final long CATEGORY_MAX_MB = 250;
  private static final double BUCKET_MB = 62.5;
  private static final String WORKER_MEMORY_MB = "1000";
  private static final int HOLD_SECONDS = 2;

  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[0]);
    String jar = args[1];
    List<Integer> peaks = new ArrayList<>();
    Random random = new Random(42);
    for (int i = 0; i < tasks; i++) {
      peaks.add(random.nextInt(7) == 0 ? 75 + random.nextInt(101) : 5 + random.nextInt(16));
    }
    for (ResourcesMode mode : ResourcesMode.values()) {
      Path run = Files.createTempDirectory("tendril-modes-" + mode.name().toLowerCase() + "-");
      try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(run).build());
          BenchWorkers workers = new BenchWorkers()) {
        for (int w = 0; w < 2; w++) {
          workers.start(jar, m, run, "modes-" + w, List.of("-Xmx256m", "-XX:+UseSerialGC"),
              "--cores", "8", "--memory", WORKER_MEMORY_MB, "--disk", "20000");
        }
        workers.awaitJoined(m);
        m.category("mix").mode(mode).bucketSize(ResourceKind.MEMORY, BUCKET_MB).max(0, CATEGORY_MAX_MB, 0, 0);
        long[] cpuBefore = cpuTicks();
        double workersCpuBefore = workers.cpuSeconds();
        double managerCpuBefore = ownCpuSeconds();
        long start = System.nanoTime();
        for (int mb : peaks) {
          // vec grows one zeroed string to the size: each page is touched once.
          long bytes = (long) mb << 20;
          m.submit(CommandTask.builder("perl -e 'vec(my $x, " + (bytes - 1) + ", 8) = 1; sleep " + HOLD_SECONDS + "'")
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
        long[] cpuAfter = cpuTicks();
        double workersCpu = workers.cpuSeconds() - workersCpuBefore;
        double managerCpu = ownCpuSeconds() - managerCpuBefore;
        double busy = cpuAfter[1] > cpuBefore[1]
            ? (double) (cpuAfter[0] - cpuBefore[0]) / (cpuAfter[1] - cpuBefore[1]) : Double.NaN;
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        Usage u = usage(m.transactionLog());
        System.out.printf("{\"mode\":\"%s\",\"tasks\":%d,\"failed\":%d,\"makespan_s\":%.1f,\"allocated_mb_s\":%.0f,"
                + "\"used_mb_s\":%.0f,\"waste_mb_s\":%.0f,\"exhaustion_retries\":%d,\"task_cpu_s\":%.1f,"
                + "\"mean_wall_s\":%.2f,\"workers_cpu_s\":%.1f,\"manager_cpu_s\":%.1f,\"machine_cpu_busy\":%.2f,"
                + "\"load_1min\":%s}%n",
            mode.label(), tasks, failed, makespan, u.allocated, u.used, u.allocated - u.used, u.retries,
            u.cpuSeconds, u.completedWall / Math.max(1, u.completed), workersCpu, managerCpu, busy, load);
      }
    }
  }

  /** The CPU time this JVM (the manager) has used so far, in seconds. */
  private static double ownCpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  /** Busy and total CPU ticks of the whole machine, from the first line of /proc/stat. */
  private static long[] cpuTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
      return new long[] {total - idle, total};
    } catch (Exception e) {
      return new long[] {0, 0};
    }
  }

  /** Memory × time over every attempt of every task, and the exhaustion retries, from the log. */
  private record Usage(double allocated, double used, int retries, double cpuSeconds, double completedWall,
      int completed) {}

  private static Usage usage(Path log) throws Exception {
    Map<Object, Long> allocatedMb = new HashMap<>();
    double allocated = 0;
    double used = 0;
    int retries = 0;
    double cpu = 0;
    double completedWall = 0;
    int completed = 0;
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
        cpu += e.get("cpu_time_ms") instanceof Number c ? c.doubleValue() / 1000 : 0;
        if (e.get("exhausted_resource") == null) {
          completedWall += seconds;
          completed++;
        }
      } else if ("exhausted".equals(e.get("event")) && Boolean.TRUE.equals(e.get("retry"))) {
        retries++;
      }
    }
    return new Usage(allocated, used, retries, cpu, completedWall, completed);
  }
}

package io.tendril.worker.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The process tree of one command: its root process and every descendant seen while sampling.
 * Sampling (every {@link #SAMPLE_INTERVAL}) remembers each process, sums CPU time per process and
 * resident memory (from /proc) and counts processes; killing sends SIGTERM to the whole tree, waits
 * {@link #KILL_GRACE} and sends SIGKILL to whatever is left. Remembered processes are killed too,
 * so a background process orphaned by the shell is not left behind.
 *
 * <p>Handles compare by process id and start time, so a reused process id is never signalled.
 * CPU time is that of processes seen by a sample: a process living shorter than the sampling
 * interval may go uncounted. Owned by one {@link CommandProcess}; samples run on the engine's timer
 * thread, kills on the thread that asks for them.
 */
final class ProcessTree {
  /** How often the tree is sampled. */
  static final Duration SAMPLE_INTERVAL = Duration.ofMillis(200);

  /** When the first sample is taken after the start. */
  static final Duration FIRST_SAMPLE = Duration.ofMillis(20);

  /** How long a tree has between SIGTERM and SIGKILL. */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

  private static final long PAGE_BYTES = 4096;

  /** Whether this kernel lists a thread's children in /proc (CONFIG_PROC_CHILDREN). */
  private static final boolean PROC_CHILDREN = Files.isReadable(Path.of("/proc/thread-self/children"));

  private final ProcessHandle root;
  private final Map<ProcessHandle, Long> cpuMillis = new ConcurrentHashMap<>();
  private volatile long peakRssBytes;
  private volatile int maxProcesses;
  private ScheduledFuture<?> sampling;

  /** Watches the tree below a started process. */
  ProcessTree(ProcessHandle root) {
    this.root = root;
    cpuMillis.put(root, 0L);
  }

  /**
   * Samples after {@link #FIRST_SAMPLE} and then every {@link #SAMPLE_INTERVAL} on the given timer
   * until stopped. A command that ends sooner costs no sample but the final one.
   */
  synchronized void startSampling(ScheduledExecutorService timers) {
    sampling = timers.scheduleWithFixedDelay(this::sample, FIRST_SAMPLE.toMillis(), SAMPLE_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops sampling. */
  synchronized void stopSampling() {
    if (sampling != null) {
      sampling.cancel(false);
    }
  }

  /** CPU time of the processes seen, in milliseconds. */
  long cpuMillis() {
    long total = 0;
    for (long ms : cpuMillis.values()) {
      total += ms;
    }
    return total;
  }

  /** The largest resident memory of the tree seen by a sample, in megabytes (rounded up). */
  long peakMemoryMb() {
    return (peakRssBytes + (1 << 20) - 1) >> 20;
  }

  /** The most processes alive at one sample. */
  int maxProcesses() {
    return maxProcesses;
  }

  /** Takes one sample (also safe to call from any thread). */
  synchronized void sample() {
    long rss = 0;
    int alive = 0;
    for (ProcessHandle p : aliveMembers()) {
      cpuMillis.merge(p, p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L), Math::max);
      rss += rssBytes(p.pid());
      alive++;
    }
    peakRssBytes = Math.max(peakRssBytes, rss);
    maxProcesses = Math.max(maxProcesses, alive);
  }

  /**
   * Kills the whole tree: SIGTERM to every member, then SIGKILL to what is left after {@link
   * #KILL_GRACE}. Blocks until the members are gone or a second more has passed.
   */
  void kill() {
    kill(KILL_GRACE);
  }

  /**
   * Kills the whole tree with the given grace between SIGTERM and SIGKILL.
   *
   * @param grace time to exit after SIGTERM
   */
  void kill(Duration grace) {
    Set<ProcessHandle> members = aliveMembers();
    if (members.isEmpty()) {
      return;
    }
    members.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && !aliveMembers().isEmpty() && pause(20)) {
      // Waiting for the tree to exit on SIGTERM.
    }
    Set<ProcessHandle> left = aliveMembers();
    left.forEach(ProcessHandle::destroyForcibly);
    long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (System.nanoTime() < killDeadline && !aliveMembers().isEmpty() && pause(10)) {
      // Waiting for SIGKILL to take effect.
    }
  }

  /** Every member alive now: the root, its descendants, and remembered processes, remembering new ones. */
  private Set<ProcessHandle> aliveMembers() {
    Set<ProcessHandle> out = new LinkedHashSet<>();
    for (ProcessHandle p : cpuMillis.keySet()) {
      if (p.isAlive()) {
        out.add(p);
      }
    }
    ArrayDeque<ProcessHandle> parents = new ArrayDeque<>(out);
    while (!parents.isEmpty()) {
      for (ProcessHandle d : children(parents.poll())) {
        if (out.add(d)) {
          cpuMillis.putIfAbsent(d, 0L);
          parents.add(d);
        }
      }
    }
    out.removeIf(p -> !p.isAlive());
    return out;
  }

  /**
   * The children of a process, read from {@code /proc/PID/task/TID/children} (a few small reads
   * for a process and its threads) where the kernel offers it; elsewhere from {@link
   * ProcessHandle#children()}, which scans every process on the machine.
   */
  private static List<ProcessHandle> children(ProcessHandle parent) {
    if (!PROC_CHILDREN) {
      return parent.children().toList();
    }
    List<ProcessHandle> out = new ArrayList<>();
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(parent.pid()), "task"))) {
      for (Path thread : threads) {
        String list;
        try {
          list = Files.readString(thread.resolve("children"));
        } catch (IOException e) {
          continue; // the thread ended
        }
        for (String pid : list.trim().split(" ")) {
          if (!pid.isEmpty()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(out::add);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The parent ended: its children, if any, are found through the remembered members.
    }
    return out;
  }

  private static long rssBytes(long pid) {
    try {
      String[] fields = Files.readString(Path.of("/proc", Long.toString(pid), "statm")).trim().split("\\s+");
      return fields.length > 1 ? Long.parseLong(fields[1]) * PAGE_BYTES : 0;
    } catch (IOException | RuntimeException e) {
      return 0; // gone, or not Linux
    }
  }

  /** Sleeps; false if interrupted (the interrupt is kept), so that waits end early instead of spinning. */
  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

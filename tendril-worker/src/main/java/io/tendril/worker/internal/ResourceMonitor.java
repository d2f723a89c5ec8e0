package io.tendril.worker.internal;

import io.tendril.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Measures one running command and enforces its allocation: samples its {@link ProcessTree}
 * (resident memory, CPU time, processes, bytes read and written) and, less often, the disk its
 * sandbox holds; keeps the peaks; and reports an {@link Exhaustion} as soon as the memory or disk
 * seen exceeds the allocation, or, when cores are enforced, the cores used over {@link
 * #CORES_WINDOW} exceed the allocation by more than {@link #CORES_TOLERANCE}. The caller then
 * kills the tree. Always on: a sample costs two small reads of /proc per process and a listing of
 * each process's threads.
 *
 * <p>Schedule: the first sample {@link #FIRST_SAMPLE} after the start, then at doubling gaps up to
 * the interval (a worker option, {@link #DEFAULT_INTERVAL} by default), so that short commands
 * are measured too; the sandbox is walked at the first sample and then no more often than every
 * {@link #DISK_EVERY} intervals, and never more than a tenth of the time (a walk that took 50 ms
 * waits at least 500 ms for the next), and once more when the command has exited.
 *
 * <p>Memory is the sum of the resident set sizes of the tree's processes (pages shared between
 * them count once per process), which is what a process holds, not what it mapped. Memory that
 * grows faster than the interval can pass the allocation before a sample sees it; a cgroup (v2,
 * {@code memory.max} and {@code memory.peak}) would stop it in the kernel, but a worker may only
 * create one where it was delegated a cgroup subtree, which a worker started by a batch system
 * or in a container usually is not (nor the machines this was developed on, which offer the v1
 * memory controller only), so limits are enforced from /proc everywhere. Disk is the apparent size
 * of the regular files below the sandbox (links not followed, so inputs linked from the cache do
 * not count) plus the captured output. Cores are measured only, unless the task asks for them to
 * be enforced: parallel programs start with bursts of threads, so a short excess is not a fault.
 *
 * <p>Confined to the thread that runs the command ({@link CommandProcess#run()}); not thread-safe.
 */
final class ResourceMonitor {
  /** The default time between samples: {@link WorkerOptions#DEFAULT_MONITOR_INTERVAL}. */
  static final Duration DEFAULT_INTERVAL = WorkerOptions.DEFAULT_MONITOR_INTERVAL;

  /** When the first sample is taken after the start: 20 ms. */
  static final Duration FIRST_SAMPLE = Duration.ofMillis(20);

  /** The sandbox is walked at most once per this many intervals: 4. */
  static final int DISK_EVERY = 4;

  /** A sandbox walk waits at least this many times its last duration: 10. */
  private static final int DISK_WALK_SPACING = 10;

  /** The shortest span over which peak cores are computed (shorter ones say more about clock ticks). */
  static final Duration PEAK_CORES_WINDOW = Duration.ofMillis(200);

  /** The span over which enforced cores are averaged: 2 seconds. */
  static final Duration CORES_WINDOW = Duration.ofSeconds(2);

  /** Enforced cores stop a command averaging more than this times its allocation over a window: 1.5. */
  static final double CORES_TOLERANCE = 1.5;

  private static final long MB = 1 << 20;

  /**
   * The allocation enforced; zero for a resource means it is not.
   *
   * @param memoryMb resident memory of the tree, in megabytes
   * @param diskMb bytes of the sandbox and output, in megabytes
   * @param cores cores averaged over {@link #CORES_WINDOW}, with {@link #CORES_TOLERANCE}
   */
  record Limits(long memoryMb, long diskMb, double cores) {
    /** Nothing enforced. */
    static final Limits NONE = new Limits(0, 0, 0);
  }

  /**
   * What a command's monitor watches.
   *
   * @param interval the time between samples
   * @param disk the files and directories whose bytes are its disk; empty to measure no disk
   * @param limits the allocation enforced
   */
  record Settings(Duration interval, List<Path> disk, Limits limits) {
    /** Copies the list. */
    Settings {
      disk = List.copyOf(disk);
    }

    /** Measures the process tree at the default interval; no disk, no limits (mini-tasks, tar). */
    static Settings measureOnly() {
      return new Settings(DEFAULT_INTERVAL, List.of(), Limits.NONE);
    }
  }

  /**
   * A resource used beyond the allocation.
   *
   * @param resource "memory", "disk" or "cores"
   * @param message the resource, what was used and what was allocated, e.g. "memory: used 312 MB,
   *     allocated 100 MB"
   */
  record Exhaustion(String resource, String message) {}

  /**
   * What was measured of a command.
   *
   * @param wallMillis time from start to exit
   * @param cpuMillis user and system CPU time of the tree
   * @param peakMemoryBytes the largest resident memory of the tree seen
   * @param peakDiskBytes the largest disk seen
   * @param avgCoresMilli CPU time per wall time, in thousandths of a core
   * @param peakCoresMilli the largest CPU time per wall time between samples, in thousandths of a core
   * @param maxProcesses the most processes alive at one sample
   * @param bytesRead bytes read by the tree
   * @param bytesWritten bytes written by the tree
   */
  record Usage(long wallMillis, long cpuMillis, long peakMemoryBytes, long peakDiskBytes, long avgCoresMilli,
      long peakCoresMilli, int maxProcesses, long bytesRead, long bytesWritten) {
    /** Nothing measured: the command never ran. */
    static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The peak memory in megabytes, rounded up. */
    long peakMemoryMb() {
      return ceilDiv(peakMemoryBytes, MB);
    }

    /** The peak disk in megabytes, rounded up. */
    long peakDiskMb() {
      return ceilDiv(peakDiskBytes, MB);
    }
  }

  private final ProcessTree tree;
  private final Settings settings;
  private final long intervalNanos;
  private long gapNanos = FIRST_SAMPLE.toNanos();
  private long nextSampleNanos = FIRST_SAMPLE.toNanos();
  private long nextDiskNanos;
  private long cpuMillis;
  private long peakRss;
  private long peakDisk;
  private int maxProcesses;
  private long bytesRead;
  private long bytesWritten;
  private long peakCoresMilli;
  private final Window peakWindow = new Window(PEAK_CORES_WINDOW.toNanos());
  private final Window coresWindow = new Window(CORES_WINDOW.toNanos());

  /**
   * Watches a started command.
   *
   * @param tree its process tree
   * @param settings the interval, the disk to measure and the limits
   */
  ResourceMonitor(ProcessTree tree, Settings settings) {
    this.tree = tree;
    this.settings = settings;
    this.intervalNanos = settings.interval().toNanos();
  }

  /** When the next sample is due, in nanoseconds since the start. */
  long nextSampleNanos() {
    return nextSampleNanos;
  }

  /**
   * Takes a sample while the command runs and schedules the next.
   *
   * @param elapsedNanos nanoseconds since the start
   * @return the first limit exceeded, or null
   */
  Exhaustion sample(long elapsedNanos) {
    gapNanos = Math.min(intervalNanos, gapNanos * 2);
    nextSampleNanos = elapsedNanos + gapNanos;
    boolean walk = !settings.disk().isEmpty() && elapsedNanos >= nextDiskNanos;
    return measure(elapsedNanos, walk, true);
  }

  /**
   * Takes the last sample once the command has exited, and walks the disk once more: a command
   * that leaves more behind than its disk allocation has exceeded it.
   *
   * @param elapsedNanos nanoseconds since the start
   * @return the memory or disk limit exceeded, or null
   */
  Exhaustion finish(long elapsedNanos) {
    return measure(elapsedNanos, !settings.disk().isEmpty(), false);
  }

  /**
   * What was measured so far.
   *
   * @param wallMillis the command's wall time
   * @return the figures
   */
  /**
   * Takes the CPU time measured when the command was reaped (it and the descendants it reaped),
   * which samples of a short command miss; -1 when unknown. (Its largest resident set is not taken
   * from the same report: after a vfork-style spawn that counts the spawner's own memory.)
   */
  void reaped(long cpuMillis) {
    this.cpuMillis = Math.max(this.cpuMillis, cpuMillis);
  }

  Usage usage(long wallMillis) {
    long avg = wallMillis > 0 ? cpuMillis * 1000 / wallMillis : 0;
    return new Usage(wallMillis, cpuMillis, peakRss, peakDisk, avg, Math.max(peakCoresMilli, 0), maxProcesses,
        bytesRead, bytesWritten);
  }

  private Exhaustion measure(long elapsedNanos, boolean walkDisk, boolean running) {
    ProcessTree.Sample s = tree.sample();
    cpuMillis = Math.max(cpuMillis, s.cpuMillis());
    peakRss = Math.max(peakRss, s.rssBytes());
    maxProcesses = Math.max(maxProcesses, s.processes());
    bytesRead = Math.max(bytesRead, s.readBytes());
    bytesWritten = Math.max(bytesWritten, s.writtenBytes());
    if (walkDisk) {
      long began = System.nanoTime();
      long disk = diskBytes(settings.disk());
      long took = System.nanoTime() - began;
      peakDisk = Math.max(peakDisk, disk);
      nextDiskNanos = elapsedNanos + Math.max(DISK_EVERY * intervalNanos, DISK_WALK_SPACING * took);
    }
    double peak = peakWindow.rate(elapsedNanos, cpuMillis);
    if (running && !Double.isNaN(peak)) {
      peakCoresMilli = Math.max(peakCoresMilli, Math.round(peak * 1000));
    }
    Limits limits = settings.limits();
    if (limits.memoryMb() > 0 && peakRss > limits.memoryMb() * MB) {
      return new Exhaustion("memory", "memory: used " + ceilDiv(peakRss, MB) + " MB, allocated "
          + limits.memoryMb() + " MB");
    }
    if (limits.diskMb() > 0 && peakDisk > limits.diskMb() * MB) {
      return new Exhaustion("disk", "disk: used " + ceilDiv(peakDisk, MB) + " MB, allocated "
          + limits.diskMb() + " MB");
    }
    double cores = coresWindow.rate(elapsedNanos, cpuMillis);
    if (running && limits.cores() > 0 && cores > limits.cores() * CORES_TOLERANCE) {
      return new Exhaustion("cores", String.format(Locale.ROOT,
          "cores: used %.2f (averaged over %.1f s), allocated %s, enforced above %.2f", cores,
          coresWindow.lastSpanNanos / 1e9, number(limits.cores()), limits.cores() * CORES_TOLERANCE));
    }
    return null;
  }

  /**
   * CPU time per wall time over consecutive spans of at least a given width: {@link #rate} returns
   * the cores of the span that a sample closes, and NaN while the span is shorter.
   */
  private static final class Window {
    private final long widthNanos;
    private long startNanos;
    private long startCpuMillis;
    private long lastSpanNanos;

    Window(long widthNanos) {
      this.widthNanos = widthNanos;
    }

    double rate(long nowNanos, long cpuMillis) {
      long span = nowNanos - startNanos;
      if (span < widthNanos) {
        return Double.NaN;
      }
      double cores = (cpuMillis - startCpuMillis) * 1e6 / span;
      startNanos = nowNanos;
      startCpuMillis = cpuMillis;
      lastSpanNanos = span;
      return cores;
    }
  }

  /** Bytes of the regular files at or below the given paths; what cannot be read (a file deleted meanwhile) counts nothing. */
  static long diskBytes(List<Path> paths) {
    long total = 0;
    for (Path p : paths) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        total += PathTrees.sizeQuietly(p);
      } else {
        try {
          total += Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : 0;
        } catch (IOException e) {
          // Gone meanwhile.
        }
      }
    }
    return total;
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}

package io.tendril.worker.internal;

import io.tendril.protocol.Resources;
import io.tendril.worker.WorkerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what this machine offers when the options do not say: cores from {@link
 * Runtime#availableProcessors()}, memory from {@code MemTotal} in /proc/meminfo (the JVM's maximum
 * heap where that file is missing), disk from the free space of the workspace's file system, and
 * GPUs by counting the lines of {@code nvidia-smi --query-gpu=name --format=csv,noheader} when that
 * program is on the PATH (0 otherwise, or if it fails within 10 s). Called once by the worker
 * engine at start; the result goes into Hello.
 */
final class ResourceDetector {
  private static final Logger log = LoggerFactory.getLogger(ResourceDetector.class);

  private ResourceDetector() {}

  /**
   * The resources to offer.
   *
   * @param o the options; given amounts win
   * @param workspace the workspace directory, whose file system's free space is the disk
   * @return the resources
   */
  static Resources detect(WorkerOptions o, Path workspace) {
    double cores = o.cores().orElseGet(() -> Runtime.getRuntime().availableProcessors());
    long memory = o.memoryMb().orElseGet(ResourceDetector::memoryMb);
    long disk = o.diskMb().orElseGet(() -> freeDiskMb(workspace));
    int gpus = o.gpus().orElseGet(ResourceDetector::gpus);
    return new Resources(cores, memory, disk, gpus);
  }

  /** Free space of the file system holding a path, in megabytes. */
  static long freeDiskMb(Path p) {
    return Math.max(0, p.toFile().getUsableSpace() / (1024 * 1024));
  }

  private static long memoryMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cannot read /proc/meminfo: {}", e.toString());
    }
    return Math.max(1, Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  private static int gpus() {
    Path smi = null;
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvidia-smi"))) {
        smi = Path.of(dir, "nvidia-smi");
        break;
      }
    }
    if (smi == null) {
      return 0;
    }
    try {
      Process p = new ProcessBuilder(smi.toString(), "--query-gpu=name", "--format=csv,noheader")
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      byte[] out = p.getInputStream().readNBytes(64 * 1024);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return 0;
      }
      if (p.exitValue() != 0) {
        return 0;
      }
      return (int) new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      log.debug("cannot run nvidia-smi: {}", e.toString());
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}

package io.tendril.worker;

import io.tendril.protocol.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Finds what this machine offers when the options do not say: cores from the JVM, memory from
 * /proc/meminfo, disk from the workspace's file system, NVIDIA GPUs from {@code nvidia-smi} when
 * it is installed.
 */
final class Detection {
  private Detection() {}

  static Resources resources(WorkerOptions o, Path workspace) {
    double cores = o.cores() != null ? o.cores() : Runtime.getRuntime().availableProcessors();
    long memory = o.memoryMb() != null ? o.memoryMb() : memoryMb();
    long disk = o.diskMb() != null ? o.diskMb() : Math.max(1, workspace.toFile().getUsableSpace() / (1024 * 1024));
    int gpus = o.gpus() != null ? o.gpus() : gpus();
    return new Resources(cores, memory, disk, gpus);
  }

  private static long memoryMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall back to the JVM's view.
    }
    return Math.max(1, Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  private static int gpus() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path smi = Path.of(dir, "nvidia-smi");
      if (Files.isExecutable(smi)) {
        try {
          Process p = new ProcessBuilder(smi.toString(), "--query-gpu=name", "--format=csv,noheader")
              .redirectErrorStream(true).start();
          String out = new String(p.getInputStream().readAllBytes());
          if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
            return (int) out.lines().filter(l -> !l.isBlank()).count();
          }
          p.destroyForcibly();
        } catch (IOException e) {
          return 0;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 0;
        }
        return 0;
      }
    }
    return 0;
  }
}

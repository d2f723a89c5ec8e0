package io.tendril.bench;

import io.tendril.manager.Manager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Worker processes for the benchmarks: {@code java … -jar tendril.jar worker 127.0.0.1:PORT …},
 * each logging to {@code run/ID.log} with its workspace in {@code run/ID}, started from this JVM's
 * own java; and waiting until they have joined, so that timings cover task work only.
 */
final class BenchWorkers implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();

  /**
   * Starts one worker.
   *
   * @param jar the tendril jar
   * @param manager the manager it joins
   * @param run where its workspace and log go
   * @param id its id
   * @param jvmFlags flags for its JVM (heap, GC, JIT)
   * @param workerArgs arguments of {@code tendril worker} after the address (resources)
   */
  void start(String jar, Manager manager, Path run, String id, List<String> jvmFlags, String... workerArgs)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    if (Runtime.version().feature() >= 24) {
      cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
    }
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("-jar", jar, "worker", "127.0.0.1:" + manager.port(), "--workspace", run.resolve(id).toString(),
        "--id", id));
    cmd.addAll(List.of(workerArgs));
    processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(run.resolve(id + ".log").toFile()).start());
  }

  /** Waits (up to a minute) until every started worker has joined the manager. */
  void awaitJoined(Manager manager) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (manager.stats().workersConnected() < processes.size() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  /** The CPU time the worker processes (not the tasks they run) have used so far, in seconds. */
  double cpuSeconds() {
    double total = 0;
    for (Process p : processes) {
      total += p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }
    return total;
  }

  /** Stops the workers. */
  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
  }
}

package io.tendril.bench;

import io.tendril.manager.CommandTask;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Command-task throughput: N trivial tasks ({@code /bin/true} by default) submitted at once to a
 * manager with W local worker processes of one core each, timed from the first submit to the last
 * result. Prints one JSON line. Used by bench/run-tasks.sh, which runs the same count through the
 * raw process-spawn ceiling and through Work Queue in the same run.
 *
 * <p>Arguments: tasks, workers, the tendril jar, [command].
 */
public final class CommandTaskBench {
  private CommandTaskBench() {}

  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[0]);
    int workerCount = Integer.parseInt(args[1]);
    String jar = args[2];
    String command = args.length > 3 ? args[3] : "/bin/true";
    Path run = Files.createTempDirectory("tendril-bench-");
    String java = ProcessHandle.current().info().command().orElse("java");
    try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(run).build())) {
      List<Process> workers = new ArrayList<>();
      for (int i = 0; i < workerCount; i++) {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 24) {
          cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        }
        cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", System.getProperty("bench.worker.flag", "-Dunused=1"), "-jar", jar, "worker", "127.0.0.1:" + m.port(), "--cores", "1",
            "--memory", "1000", "--disk", "10000", "--workspace", run.resolve("w" + i).toString(), "--id", "bench-" + i));
        workers.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(run.resolve("w" + i + ".log").toFile()).start());
      }
      try {
        // Wait until both workers are connected, so the timing covers task work only.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (m.stats().workersConnected() < workerCount && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
          m.submit(CommandTask.builder(command).cores(1).build());
        }
        int ok = 0;
        for (int done = 0; done < tasks; ) {
          var t = m.await(Duration.ofSeconds(120));
          if (t.isEmpty()) {
            throw new IllegalStateException("no task finished for 120 s; " + done + " of " + tasks + " done");
          }
          done++;
          if (t.get().succeeded()) {
            ok++;
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("{\"system\":\"tendril\",\"tasks\":%d,\"workers\":%d,\"succeeded\":%d,\"seconds\":%.3f,\"tasks_per_s\":%.1f}%n",
            tasks, workerCount, ok, seconds, tasks / seconds);
      } finally {
        for (Process p : workers) {
          p.destroy();
        }
      }
    }
  }
}

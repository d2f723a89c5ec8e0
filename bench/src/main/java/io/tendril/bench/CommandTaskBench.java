package io.tendril.bench;

import io.tendril.manager.CommandTask;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
    try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(run).build());
        BenchWorkers workers = new BenchWorkers()) {
      for (int i = 0; i < workerCount; i++) {
        workers.start(jar, m, run, "bench-" + i,
            // The flags tendril run gives its local workers (LocalWorkers).
            List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                System.getProperty("bench.worker.flag", "-Dunused=1")),
            "--cores", "1", "--memory", "1000", "--disk", "10000");
      }
      workers.awaitJoined(m);
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
    }
  }
}

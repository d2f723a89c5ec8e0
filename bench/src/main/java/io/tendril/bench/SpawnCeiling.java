package io.tendril.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling for command tasks on this machine: the JVM spawning {@code /bin/true} (or another
 * command) N times, P at a time, with nothing else — no manager, no worker, no sandbox. Prints one
 * JSON line. Arguments: count, parallelism, [command...].
 */
public final class SpawnCeiling {
  private SpawnCeiling() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int parallel = Integer.parseInt(args[1]);
    String[] command = args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length) : new String[] {"/bin/true"};
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      pool.execute(() -> {
        try {
          new ProcessBuilder(command).start().waitFor();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.HOURS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("{\"system\":\"jvm-spawn\",\"tasks\":%d,\"parallel\":%d,\"seconds\":%.3f,\"tasks_per_s\":%.1f}%n",
        n, parallel, seconds, n / seconds);
  }
}

package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tendril worker} processes for the command-line tests: started on this test's classpath
 * with one core, 500 MB of memory and 1,000 MB of disk, their workspace and log ({@code ID.log})
 * in the test's directory.
 */
final class WorkerProcesses {
  private WorkerProcesses() {}

  /**
   * Starts a worker of the manager at 127.0.0.1:{@code port}.
   *
   * @param dir the test's directory: the workspace is {@code dir/ID}, the output {@code dir/ID.log}
   * @param connectTimeoutSeconds how long it tries to reach the manager
   * @param more further flags
   */
  static Process start(Path dir, int port, String id, int connectTimeoutSeconds, String... more) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "worker", "127.0.0.1:" + port, "--cores", "1", "--memory", "500", "--disk", "1000",
        "--workspace", dir.resolve(id).toString(), "--id", id,
        "--connect-timeout", String.valueOf(connectTimeoutSeconds)));
    cmd.addAll(List.of(more));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile()).start();
  }

  /**
   * Waits for a worker that must leave with status 1 well before its connect timeout, and kills it
   * if it does not.
   *
   * @return its log
   */
  static String exitedAtOnce(Path dir, Process p, String id, int waitSeconds) throws Exception {
    try {
      assertThat(p.waitFor(waitSeconds, TimeUnit.SECONDS)).as("the worker left at once instead of retrying").isTrue();
      String log = Files.readString(dir.resolve(id + ".log"));
      assertThat(p.exitValue()).as(log).isEqualTo(1);
      return log;
    } finally {
      p.destroyForcibly();
    }
  }
}

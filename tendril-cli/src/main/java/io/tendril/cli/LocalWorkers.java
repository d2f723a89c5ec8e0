package io.tendril.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Worker processes started on this machine for an embedded run ({@code tendril run} and {@code
 * tendril get} with {@code --workers N}): each is a separate JVM running {@code tendril worker}
 * against 127.0.0.1, with an equal share of the machine's cores, memory and disk, its own
 * workspace, and its output in the run directory. With a password file, each is started with
 * {@code --password} and the same file; with a TLS manager, with {@code --ssl} and {@code
 * --ssl-fingerprint} of the manager's certificate. Closing stops them all (and a shutdown hook does if the
 * command is interrupted).
 */
final class LocalWorkers implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook = new Thread(this::destroyAll, "tendril-local-workers-stop");
  private final int port;
  private final Path runDirectory;
  private final String prefix;
  private final Path password;
  private final String tlsFingerprint;
  private final int cores;
  private final long memoryMb;
  /** How many workers share this machine's disk, for each one's share. */
  private final int share;
  private int started;

  private LocalWorkers(int port, Path runDirectory, String prefix, Path password, String tlsFingerprint, int cores,
      long memoryMb, int share) {
    this.port = port;
    this.runDirectory = runDirectory;
    this.prefix = prefix;
    this.password = password;
    this.tlsFingerprint = tlsFingerprint;
    this.cores = cores;
    this.memoryMb = memoryMb;
    this.share = share;
  }

  /**
   * Starts {@code count} workers for a manager on this machine.
   *
   * @param count how many, at least 1
   * @param port the manager's port on 127.0.0.1
   * @param runDirectory where their workspaces and logs go
   * @return the running workers
   */
  static LocalWorkers start(int count, int port, Path runDirectory) {
    return start(count, port, runDirectory, "local");
  }

  /**
   * Starts {@code count} workers whose ids and workspaces begin with a prefix, so that several
   * groups can join one manager.
   *
   * @param count how many, at least 1
   * @param port the manager's port on 127.0.0.1
   * @param runDirectory where their workspaces and logs go
   * @param prefix the id prefix, e.g. {@code "local"} gives local-1, local-2, ...
   * @return the running workers
   */
  static LocalWorkers start(int count, int port, Path runDirectory, String prefix) {
    return start(count, port, runDirectory, prefix, null, null);
  }

  /**
   * Starts {@code count} workers that prove they know the password in a file, and speak TLS
   * pinning the manager's certificate.
   *
   * @param count how many, at least 1
   * @param port the manager's port on 127.0.0.1
   * @param runDirectory where their workspaces and logs go
   * @param prefix the id prefix
   * @param password the password file given to the manager, or null for none
   * @param tlsFingerprint the SHA-256 fingerprint of the manager's certificate, or null without TLS
   * @return the running workers
   */
  static LocalWorkers start(int count, int port, Path runDirectory, String prefix, Path password,
      String tlsFingerprint) {
    return start(count, port, runDirectory, prefix, password, tlsFingerprint, 0, 0);
  }

  /**
   * Starts {@code count} workers of a given size, for tests and benchmarks of allocation.
   *
   * @param count how many, at least 1
   * @param port the manager's port on 127.0.0.1
   * @param runDirectory where their workspaces and logs go
   * @param prefix the id prefix
   * @param password the password file given to the manager, or null for none
   * @param tlsFingerprint the SHA-256 fingerprint of the manager's certificate, or null without TLS
   * @param cores cores each worker reports; 0 for an equal share of this machine's
   * @param memoryMb memory each worker reports, in MB; 0 for an equal share of this machine's
   * @return the running workers
   */
  static LocalWorkers start(int count, int port, Path runDirectory, String prefix, Path password,
      String tlsFingerprint, int cores, long memoryMb) {
    if (cores <= 0) {
      cores = Math.max(1, Runtime.getRuntime().availableProcessors() / count);
    }
    if (memoryMb <= 0) {
      memoryMb = Math.max(256, physicalMemoryMb() / count);
    }
    LocalWorkers w = new LocalWorkers(port, runDirectory, prefix, password, tlsFingerprint, cores, memoryMb, count);
    Runtime.getRuntime().addShutdownHook(w.hook);
    try {
      for (int i = 0; i < count; i++) {
        w.launch();
      }
    } catch (IOException e) {
      w.close();
      throw new UncheckedIOException("cannot start local workers", e);
    }
    return w;
  }

  /**
   * Starts one more worker of this group, of the same size and settings, with the next id (for a
   * worker that replaces one that was lost).
   *
   * @return the new worker's process
   */
  synchronized Process add() {
    try {
      return launch();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start another local worker", e);
    }
  }

  private synchronized Process launch() throws IOException {
    int i = ++started;
    Path workspace = Files.createDirectories(runDirectory.resolve(prefix + "-" + i));
    long diskMb = Math.max(1024, workspace.toFile().getUsableSpace() / (1024 * 1024) / share);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    if (Runtime.version().feature() >= 22) {
      cmd.add("--enable-native-access=ALL-UNNAMED"); // the worker spawns commands through the foreign-function API
    }
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "127.0.0.1:" + port,
        "--cores", String.valueOf(cores), "--memory", String.valueOf(memoryMb),
        "--disk", String.valueOf(diskMb), "--workspace", workspace.resolve("workspace").toString(),
        "--id", prefix + "-" + i, "--connect-timeout", "60", "--idle-timeout", "3600"));
    if (password != null) {
      cmd.addAll(List.of("--password", password.toAbsolutePath().toString()));
    }
    if (tlsFingerprint != null) {
      cmd.addAll(List.of("--ssl", "--ssl-fingerprint", tlsFingerprint));
    }
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(runDirectory.resolve(prefix + "-" + i + ".log").toFile())
        .start();
    processes.add(p);
    return p;
  }

  private static long physicalMemoryMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall through to the JVM's view.
    }
    return Runtime.getRuntime().maxMemory() / (1024 * 1024);
  }

  /** The worker processes started so far (killed ones too), for tests that kill one. */
  synchronized List<Process> processes() {
    return List.copyOf(processes);
  }

  private void destroyAll() {
    List<Process> all = processes();
    for (Process p : all) {
      p.destroy();
    }
    for (Process p : all) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down; the hook runs anyway.
    }
  }
}

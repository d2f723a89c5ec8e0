package io.tendril.cli;

import io.tendril.protocol.tls.ServerTrust;
import io.tendril.worker.Worker;
import io.tendril.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tendril worker HOST:PORT}: a worker process that connects to a manager, runs its tasks
 * and serves its files to peers. Resources not given are detected.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Runs a worker for the manager at HOST:PORT: it retries the connection until the manager is",
      "up, runs tasks in sandboxes, caches files and serves them to peers; it exits when told,",
      "when idle too long, or when the manager cannot be reached within the connect timeout."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:told to leave, or idle",
        "1:refused by the manager, the password differs (or only one side has one), TLS does not match (only one"
            + " side speaks it, or the manager's certificate is not the trusted one), or the manager was unreachable",
        "2:bad usage, an unreadable or empty password file, or an unreadable CA file"})
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The manager.")
  String manager;

  @Option(names = "--cores", paramLabel = "N", description = "Cores to offer (default: all).")
  Double cores;

  @Option(names = "--memory", paramLabel = "MB", description = "Memory to offer in MB (default: all).")
  Long memory;

  @Option(names = "--disk", paramLabel = "MB", description = "Disk to offer in MB (default: free space of the workspace).")
  Long disk;

  @Option(names = "--disk-floor", paramLabel = "MB",
      description = "Count the workspace's disk as full below this much usable space: tell the manager, and take no "
          + "task that needs disk until there is room again (default: " + WorkerOptions.DEFAULT_DISK_FLOOR_MB + ").")
  Long diskFloor;

  @Option(names = "--no-direct-spawn",
      description = "Start every command with the JVM's process launch instead of spawning it directly with "
          + "posix_spawn (done on JDK 22+ on Linux; it costs one exec per command instead of two).")
  boolean noDirectSpawn;

  @Option(names = "--gpus", paramLabel = "N", description = "GPUs to offer (default: NVIDIA GPUs found by nvidia-smi).")
  Integer gpus;

  @Option(names = "--workspace", paramLabel = "DIR", description = "Cache and sandboxes (default: a new temporary directory).")
  Path workspace;

  @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "900",
      description = "Exit after this long without tasks (default: ${DEFAULT-VALUE}).")
  long idleTimeout;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "900",
      description = "Keep trying to reach the manager this long (default: ${DEFAULT-VALUE}).")
  long connectTimeout;

  @Option(names = "--id", paramLabel = "ID", description = "This worker's id (default: random).")
  String id;

  @Option(names = "--password", paramLabel = "FILE",
      description = "Prove to the manager that this worker knows the password in FILE (the manager's own), "
          + "and serve files only to transfers the manager ordered (default: no password).")
  Path password;

  @Mixin ManagerTrustOptions tls;

  @Override
  public Integer call() throws InterruptedException {
    ManagerAddress address;
    try {
      address = ManagerAddress.parse(manager);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("tendril: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    WorkerOptions.Builder b;
    try {
      b = WorkerOptions.builder(address.host(), address.port())
          .idleTimeout(Duration.ofSeconds(idleTimeout))
          .connectTimeout(Duration.ofSeconds(connectTimeout));
      if (cores != null) {
        b.cores(cores);
      }
      if (memory != null) {
        b.memoryMb(memory);
      }
      if (disk != null) {
        b.diskMb(disk);
      }
      if (gpus != null) {
        b.gpus(gpus);
      }
      if (diskFloor != null) {
        b.diskFloorMb(diskFloor);
      }
      b.directSpawn(!noDirectSpawn);
      if (workspace != null) {
        b.workspace(workspace);
      }
      if (id != null) {
        b.workerId(id);
      }
      if (password != null) {
        b.password(password);
      }
      ServerTrust trust = tls.trust();
      if (trust != null) {
        b.tls(trust);
      }
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("tendril: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    Worker worker = new Worker(b.build());
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "tendril-worker-stop"));
    return worker.run();
  }
}

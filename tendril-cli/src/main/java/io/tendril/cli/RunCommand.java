package io.tendril.cli;

import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.ManagerStats;
import io.tendril.manager.MakeflowRunner;
import io.tendril.manager.makeflow.Makeflow;
import io.tendril.manager.makeflow.MakeflowException;
import io.tendril.manager.makeflow.Workflow;
import io.tendril.manager.resources.ResourcesMode;
import io.tendril.protocol.tls.TlsIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tendril run WORKFLOW}: runs a workflow written in Makeflow's language (docs/makeflow.md)
 * on a manager with local worker processes (the embedded default), or on workers started
 * elsewhere with {@code tendril worker}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Runs a Makeflow workflow: each rule a task on a worker, targets written to the working",
      "directory. A failed rule stops the rules that need it; the others go on."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every rule succeeded",
      "1:a rule failed (stderr names it), or a rule was skipped because of one",
      "2:the workflow cannot be run: a malformed file (with its line), a cycle, a missing source, bad usage"
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The Makeflow file.")
  Path workflowFile;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
      description = "Local worker processes to start on 127.0.0.1 (default: ${DEFAULT-VALUE}); 0 waits for workers started elsewhere.")
  int workers;

  @Option(names = "--port", paramLabel = "P", defaultValue = "0",
      description = "The manager's port (default: any free port).")
  int port;

  @Option(names = {"--workdir", "-C"}, paramLabel = "DIR",
      description = "Where sources are read and targets written (default: the workflow file's directory).")
  Path workDir;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where the transaction log and worker logs go (default: WORKFLOW.tendril next to the workflow).")
  Path runDir;

  @Option(names = "--password", paramLabel = "FILE",
      description = "Accept only workers that prove they know the password in FILE; the local workers get it too "
          + "(default: no password).")
  Path password;

  @Option(names = "--resources-mode", paramLabel = "MODE",
      description = "How the rules' categories choose resources: fixed (the default: as declared), max, "
          + "\"min waste\" or \"max throughput\" (learned from measurements; a rule that exceeds its allocation "
          + "is retried with the category's CORES, MEMORY, DISK). See docs/allocation.md.")
  String resourcesMode;

  @Mixin ManagerTlsOptions tls = new ManagerTlsOptions();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (workers < 0) {
      err.println("tendril: --workers must be 0 or more, got " + workers);
      return ExitCodes.BAD_INPUT;
    }
    ResourcesMode mode = null;
    if (resourcesMode != null) {
      try {
        mode = ResourcesMode.parse(resourcesMode);
      } catch (IllegalArgumentException e) {
        err.println("tendril: --resources-mode: " + e.getMessage());
        return ExitCodes.BAD_INPUT;
      }
    }
    Workflow workflow;
    try {
      workflow = Makeflow.parse(workflowFile);
    } catch (NoSuchFileException e) {
      err.println("tendril: no such workflow file: " + workflowFile);
      return ExitCodes.BAD_INPUT;
    } catch (IOException e) {
      err.println("tendril: cannot read " + workflowFile + ": " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    } catch (MakeflowException e) {
      err.println("tendril: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    Path dir = workDir != null ? workDir : workflowFile.toAbsolutePath().getParent();
    Path run = runDir != null ? runDir : workflowFile.toAbsolutePath().resolveSibling(workflowFile.getFileName() + ".tendril");
    long start = System.nanoTime();
    ManagerOptions.Builder builder = ManagerOptions.builder()
        .host(workers > 0 ? "127.0.0.1" : ManagerOptions.DEFAULT_HOST)
        .port(port).name("tendril-run").runDirectory(run);
    try {
      if (password != null) {
        builder.password(password);
      }
      TlsIdentity identity = tls.identity();
      if (identity != null) {
        builder.tls(identity);
      }
    } catch (IllegalArgumentException e) {
      err.println("tendril: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    ManagerOptions options = builder.build();
    try (Manager manager = new Manager(options);
        LocalWorkers local = workers > 0 ? LocalWorkers.start(workers, manager.port(), run, "local", password,
            manager.tlsFingerprint().orElse(null)) : null) {
      if (workers == 0) {
        err.println("tendril: waiting for workers: tendril worker <this-host>:" + manager.port()
            + manager.tlsFingerprint().map(f -> " --ssl --ssl-fingerprint " + f).orElse(""));
      }
      MakeflowRunner runner = new MakeflowRunner(manager, workflow, dir, line -> err.println("tendril: " + line));
      if (mode != null) {
        runner.resourcesMode(mode);
      }
      MakeflowRunner.Outcome outcome = runner.run();
      ManagerStats s = manager.stats();
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf("%d rules: %d succeeded, %d failed, %d skipped in %.1f s; %d workers; "
              + "%d transfers worker to worker (%d bytes), %d from the manager; log: %s%n",
          workflow.rules().size(), outcome.succeeded(), outcome.failed().size(), outcome.skipped(), seconds,
          s.workersJoined(), s.peerTransfers(), s.peerBytes(), s.managerTransfers(), manager.transactionLog());
      out.flush();
      for (String f : outcome.failed()) {
        err.println("tendril: " + f);
      }
      return outcome.ok() ? ExitCodes.OK : ExitCodes.TASK_FAILED;
    } catch (MakeflowException e) {
      err.println("tendril: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
  }
}

package io.tendril.cli;

import io.tendril.graph.json.GraphFormatException;
import io.tendril.manager.ManagerStatus;
import io.tendril.manager.StatusClient;
import io.tendril.manager.StatusException;
import io.tendril.protocol.tls.ServerTrust;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * {@code tendril status HOST:PORT} asks a running manager for a snapshot over the network ({@link
 * StatusClient}, authenticated like a worker: {@code --password}, {@code --ssl}) and prints it
 * ({@link ManagerReport}); {@code tendril status RUN_DIR} prints the per-category tables of a run
 * from the transaction log in its run directory ({@link CategoryReport}), during the run (the
 * manager flushes the log after every batch of events) or after it.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Prints the state of a run. Given HOST:PORT, asks the running manager there (with --password",
      "and --ssl as its workers need): its tasks, workers and transfers, a table per category, and",
      "its connected workers. Given a run directory, reads its transaction log (transactions.jsonl),",
      "during the run or after it: a table per category. A category's table shows its tasks done,",
      "running and waiting; the largest peak measured, the first allocation in effect and the",
      "maximum of each resource."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the status was printed",
      "1:the manager could not be reached, refused the password (or only one side has one), or TLS does not"
          + " match (only one side speaks it, or the manager's certificate is not the trusted one)",
      "2:bad usage, no transaction log there, a line of it is not JSON, or an unreadable password or CA file"
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST:PORT|RUN_DIR",
      description = "A running manager, or a run directory (--run-dir of tendril run and get) or its "
          + "transactions.jsonl.")
  String target;

  @Option(names = "--password", paramLabel = "FILE",
      description = "Prove to the manager that this client knows the password in FILE (the manager's own); "
          + "needed when the manager has one (default: no password).")
  Path password;

  @Mixin ManagerTrustOptions tls;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "Give up on the manager after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    Path path = Path.of(target);
    if (!Files.exists(path) && ManagerAddress.looksLikeOne(target)) {
      return remote();
    }
    if (password != null || tls.ssl) {
      return usage("--password and --ssl are for a running manager (HOST:PORT), not for a run directory");
    }
    return local(path);
  }

  private int remote() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    StatusClient client;
    try {
      ManagerAddress address = ManagerAddress.parse(target);
      if (timeoutSeconds <= 0) {
        throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
      }
      StatusClient.Builder b = StatusClient.builder(address.host(), address.port())
          .timeout(Duration.ofSeconds(timeoutSeconds));
      if (password != null) {
        b.password(password);
      }
      ServerTrust trust = tls.trust();
      if (trust != null) {
        b.tls(trust);
      }
      client = b.build();
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    ManagerStatus status;
    try {
      status = client.query();
    } catch (StatusException e) {
      spec.commandLine().getErr().println("tendril: " + e.getMessage());
      return ExitCodes.TASK_FAILED;
    }
    ManagerReport.print(status, target, out);
    out.flush();
    return ExitCodes.OK;
  }

  private int local(Path runDir) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path log = Files.isDirectory(runDir) ? runDir.resolve("transactions.jsonl") : runDir;
    if (!Files.isRegularFile(log)) {
      err.println("tendril: no transaction log at " + log + ": give a run directory (--run-dir of tendril run "
          + "or get) or its transactions.jsonl, or a running manager's HOST:PORT");
      return ExitCodes.BAD_INPUT;
    }
    CategoryReport report;
    try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
      report = CategoryReport.read(in, log.toString());
    } catch (GraphFormatException e) {
      err.println("tendril: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    } catch (IOException e) {
      err.println("tendril: cannot read " + log + ": " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    report.print(out);
    out.flush();
    return ExitCodes.OK;
  }

  private int usage(String message) {
    spec.commandLine().getErr().println("tendril: " + message);
    return ExitCodes.BAD_INPUT;
  }
}

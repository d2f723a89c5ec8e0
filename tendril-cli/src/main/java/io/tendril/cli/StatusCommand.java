package io.tendril.cli;

import io.tendril.graph.json.GraphFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tendril status RUN_DIR}: per-category tables of a run, read from the transaction log in
 * its run directory ({@link CategoryReport}). Works while the run goes on (the manager flushes the
 * log after every batch of events) and after it ended.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Prints a table per category of a run: tasks done, running and waiting; the largest peak",
      "measured, the first allocation in effect and the maximum of each resource. Reads the",
      "transaction log (transactions.jsonl) of the run directory, during the run or after it."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the tables were printed",
      "2:no transaction log there, or a line of it is not JSON"
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_DIR",
      description = "The run directory (--run-dir of tendril run and get), or its transactions.jsonl.")
  Path runDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path log = Files.isDirectory(runDir) ? runDir.resolve("transactions.jsonl") : runDir;
    if (!Files.isRegularFile(log)) {
      String arg = runDir.toString();
      if (!Files.exists(runDir) && arg.matches("[^/]+:[0-9]+")) {
        err.println("tendril: status of a running manager by HOST:PORT is not available yet: give its run "
            + "directory, which holds transactions.jsonl");
      } else {
        err.println("tendril: no transaction log at " + log + ": give a run directory (--run-dir of tendril run "
            + "or get) or its transactions.jsonl");
      }
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
}

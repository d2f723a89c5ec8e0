package io.tendril.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tendril} command: one entry point whose subcommands run graphs and, as the project
 * grows, workflows, managers and workers. Exit codes are listed in {@link ExitCodes}.
 */
@Command(
    name = "tendril",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Runs task graphs and controls how they run.",
    subcommands = {GetCommand.class, RunCommand.class, StatusCommand.class, WorkerCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line without exiting, for tests and embedding.
   *
   * @param args the arguments
   * @return the exit code
   */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /**
   * Runs the command line with the given output streams, without exiting.
   *
   * @param out where results go
   * @param err where errors and progress go
   * @param args the arguments
   * @return the exit code
   */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("tendril: " + e);
      return ExitCodes.INTERNAL;
    });
    cl.setParameterExceptionHandler((e, a) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println("tendril: " + e.getMessage());
      cmd.getErr().println("Try 'tendril " + (cmd.getCommandName().equals("tendril") ? "" : cmd.getCommandName() + " ") + "--help'.");
      return ExitCodes.BAD_INPUT;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

package io.tendril.cli;

/** The exit codes of the {@code tendril} command, documented in its help. */
public final class ExitCodes {
  private ExitCodes() {}

  /** Everything asked for was computed. */
  public static final int OK = 0;

  /** A task failed; stderr names its key and the error. */
  public static final int TASK_FAILED = 1;

  /**
   * The input cannot be run: a malformed graph file (with the position of the problem), an
   * unknown function, a requested key the graph lacks, a cycle, or bad command-line usage.
   */
  public static final int BAD_INPUT = 2;

  /** An unexpected internal error; please report it with the command that caused it. */
  public static final int INTERNAL = 70;
}

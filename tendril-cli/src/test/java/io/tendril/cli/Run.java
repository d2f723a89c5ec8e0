package io.tendril.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One {@code tendril} command run in process, as the command-line tests run it: its exit status
 * and what it printed on stdout and stderr.
 */
final class Run {
  /** The exit status. */
  final int exit;
  /** What it printed on stdout. */
  final String out;
  /** What it printed on stderr. */
  final String err;

  Run(int exit, String out, String err) {
    this.exit = exit;
    this.out = out;
    this.err = err;
  }

  int exit() {
    return exit;
  }

  String out() {
    return out;
  }

  String err() {
    return err;
  }

  /** Runs {@code tendril ARGS…} through {@link Main#run}. */
  static Run tendril(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }
}

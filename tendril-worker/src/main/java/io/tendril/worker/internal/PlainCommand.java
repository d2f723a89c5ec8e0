package io.tendril.worker.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises a command line that {@code /bin/sh -c} would run as one program with its words as
 * arguments, and nothing else, so that the worker can start that program itself and spare a
 * shell per task (a fork and an exec of the shell, about as much as the program's own start for
 * a short one). Anything the shell would treat differently keeps the shell: quotes, variables,
 * globs, redirections, pipes, lists, comments, tilde expansion, assignments, a first word that is a
 * shell keyword or builtin ({@code echo}, {@code true}, {@code cd}, …), a program that the task's
 * {@code PATH} does not lead to as a regular executable file, and an environment that changes how
 * a shell starts ({@code ENV}, {@code BASH_ENV}, {@code SHELLOPTS}, {@code BASHOPTS}) or sets its
 * own {@code PWD}.
 *
 * <p>The program is found as the shell finds it: a first word with a slash is a path (relative to
 * the sandbox), any other is looked for in each directory of the task's {@code PATH} in order. The
 * environment gets {@code PWD}, the sandbox's physical path, which the shell would have exported.
 * A program the kernel will not execute (a script without {@code #!}) is started through the shell
 * after all ({@link CommandProcess} falls back). Stateless.
 */
final class PlainCommand {
  /** Shell keywords and the builtins of dash and bash that could stand first in a plain line. */
  private static final Set<String> SHELL_WORDS = Set.of(
      "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "select", "then", "time",
      "until", "while", ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "chdir", "command",
      "compgen", "complete", "continue", "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit",
      "export", "false", "fc", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "logout",
      "mapfile", "popd", "printf", "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift",
      "shopt", "source", "suspend", "test", "times", "trap", "true", "type", "typeset", "ulimit", "umask",
      "unalias", "unset", "wait");

  /** Variables that change how a shell starts: with one of them set, the shell stays. */
  private static final List<String> SHELL_STARTUP = List.of("ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PWD");

  private PlainCommand() {}

  /**
   * The argument vector to start without a shell, or empty to keep the shell.
   *
   * @param command the task's command line
   * @param environment the command's whole environment (its {@code PATH} is searched)
   * @param sandbox the working directory, which need not exist yet
   * @return the program's path and its arguments
   */
  static Optional<List<String>> argv(String command, Map<String, String> environment, Path sandbox) {
    for (String v : SHELL_STARTUP) {
      if (environment.containsKey(v)) {
        return Optional.empty();
      }
    }
    List<String> words = words(command);
    if (words == null || words.isEmpty()) {
      return Optional.empty();
    }
    String first = words.get(0);
    if (first.indexOf('=') >= 0 || SHELL_WORDS.contains(first)) {
      return Optional.empty();
    }
    Optional<String> program = find(first, environment.get("PATH"), sandbox);
    if (program.isEmpty()) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>(words.size());
    argv.add(program.get());
    argv.addAll(words.subList(1, words.size()));
    return Optional.of(argv);
  }

  /** The words of a line of plain words separated by blanks, or null if any character would mean more to a shell. */
  private static List<String> words(String command) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= command.length(); i++) {
      char c = i < command.length() ? command.charAt(i) : ' ';
      if (c == ' ' || c == '\t') {
        if (start >= 0) {
          out.add(command.substring(start, i));
          start = -1;
        }
      } else if (plain(c)) {
        if (start < 0) {
          start = i;
        }
      } else {
        return null;
      }
    }
    return out;
  }

  /** Characters that stand for themselves anywhere in a shell word. */
  private static boolean plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.' || c == '/' || c == ',' || c == ':' || c == '=' || c == '+' || c == '@'
        || c == '%' || c == '-';
  }

  /** The program a shell would run for {@code name}: its absolute path, or empty when it is not plainly there. */
  private static Optional<String> find(String name, String path, Path sandbox) {
    if (name.indexOf('/') >= 0) {
      Path p = sandbox.resolve(name);
      return executable(p) ? Optional.of(p.toString()) : Optional.empty();
    }
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(":", -1)) {
      if (dir.isEmpty() || !dir.startsWith("/")) {
        return Optional.empty(); // the current directory, or one relative to it: leave it to the shell
      }
      Path p = Path.of(dir, name);
      if (executable(p)) {
        return Optional.of(p.toString());
      }
    }
    return Optional.empty();
  }

  private static boolean executable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p);
  }
}

package io.tendril.manager.makeflow;

import java.util.List;

/**
 * One meaningful line of a Makeflow file, as the {@link LineReader} hands it to the
 * {@link Parser}: blank lines and comments never become one.
 */
sealed interface Line {
  /** Where the line starts. */
  SourcePosition at();

  /** {@code targets: sources}, split into tokens that end with a newline token. */
  record RuleHeader(SourcePosition at, List<Token> files) implements Line {}

  /**
   * {@code NAME=value} or {@code NAME+=value}, with the value already substituted.
   *
   * @param exported whether the line was {@code export NAME=value}
   */
  record Assignment(SourcePosition at, String name, char operator, String value, boolean exported)
      implements Line {}

  /** {@code export NAME...}. */
  record Export(SourcePosition at, List<String> names) implements Line {}

  /** {@code .MAKEFLOW KEY VALUE}, {@code .SIZE FILE SIZE} and the like. */
  record Directive(SourcePosition at, String name, List<String> arguments) implements Line {}

  /** A line that starts with a tab or a space: a command, split into tokens. */
  record Command(SourcePosition at, List<Token> tokens) implements Line {}
}

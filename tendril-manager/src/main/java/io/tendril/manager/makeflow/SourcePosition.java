package io.tendril.manager.makeflow;

/**
 * A place in a Makeflow file: a 1-based line and a 1-based column, where a tab counts as one
 * column. The lexer stamps every token with one, and {@link MakeflowException} reports one.
 *
 * @param line the line, starting at 1
 * @param column the column, starting at 1
 */
record SourcePosition(int line, int column) {
  /** The first character of a file. */
  static final SourcePosition START = new SourcePosition(1, 1);
}

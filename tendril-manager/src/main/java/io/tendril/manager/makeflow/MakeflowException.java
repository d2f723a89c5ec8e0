package io.tendril.manager.makeflow;

/**
 * A workflow that cannot be run: a syntax error, an undefined variable, two rules making one
 * file, a cycle, or a source that exists nowhere. {@link Makeflow} and {@link Workflow#validate}
 * throw it; its message reads {@code file:line:column: reason}, like a compiler's.
 */
public final class MakeflowException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String sourceName;
  private final int line;
  private final int column;
  private final String reason;

  /**
   * Creates an error at a place in a workflow file.
   *
   * @param sourceName the file's name as the user gave it
   * @param line the 1-based line
   * @param column the 1-based column
   * @param reason what is wrong, without the place
   */
  public MakeflowException(String sourceName, int line, int column, String reason) {
    super(sourceName + ":" + line + ":" + column + ": " + reason);
    this.sourceName = sourceName;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  MakeflowException(String sourceName, SourcePosition at, String reason) {
    this(sourceName, at.line(), at.column(), reason);
  }

  /** The workflow file's name, as given to the parser. */
  public String sourceName() {
    return sourceName;
  }

  /** The 1-based line of the error. */
  public int line() {
    return line;
  }

  /** The 1-based column of the error; a tab counts as one column. */
  public int column() {
    return column;
  }

  /** What is wrong, without the file name and place. */
  public String reason() {
    return reason;
  }
}

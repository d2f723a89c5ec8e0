package io.tendril.graph.json;

import io.tendril.graph.GraphException;

/**
 * A JSON text or graph file is malformed: bad JSON syntax, a value the format does not allow, a
 * task object with unknown members, or a function name that resolves to nothing. Thrown by {@link
 * Json#parse} and {@link GraphJson} while reading, before any task runs; the {@code tendril}
 * command reports it and exits with status 2.
 *
 * <p>The message starts with the place of the problem, {@code source:line:column: }, as compilers
 * print it, e.g. {@code graph.json:3:14: expected ',' or '}' after an object member, found 'x'}.
 * Lines and columns count from 1; a column counts UTF-16 characters from the start of its line (a
 * tab counts as one); {@link #offset()} counts UTF-16 characters from the start of the text, from
 * 0. A line ends at {@code \n}, {@code \r} or {@code \r\n}.
 */
public class GraphFormatException extends GraphException {
  private static final long serialVersionUID = 1L;

  /** The name of the text. */
  private final String source;

  /** The line of the problem, from 1. */
  private final int line;

  /** The column of the problem, from 1. */
  private final int column;

  /** The character offset of the problem, from 0. */
  private final long offset;

  /** The message without the place. */
  private final String detail;

  /**
   * Creates the exception.
   *
   * @param source the name of the text for messages, e.g. the file's path or {@code "--keys"}
   * @param line the line of the problem, from 1
   * @param column the column of the problem, from 1
   * @param offset the character offset of the problem, from 0
   * @param detail what is wrong, without the place
   */
  public GraphFormatException(String source, int line, int column, long offset, String detail) {
    super(source + ":" + line + ":" + column + ": " + detail);
    this.source = source;
    this.line = line;
    this.column = column;
    this.offset = offset;
    this.detail = detail;
  }

  /**
   * The name of the text, as given to the reader.
   *
   * @return e.g. {@code "graph.json"}
   */
  public String source() {
    return source;
  }

  /**
   * The line of the problem.
   *
   * @return the line, from 1
   */
  public int line() {
    return line;
  }

  /**
   * The column of the problem, in UTF-16 characters from the start of the line.
   *
   * @return the column, from 1
   */
  public int column() {
    return column;
  }

  /**
   * The offset of the problem, in UTF-16 characters from the start of the text.
   *
   * @return the offset, from 0
   */
  public long offset() {
    return offset;
  }

  /**
   * What is wrong, without the {@code source:line:column: } prefix of the message.
   *
   * @return the description
   */
  public String detail() {
    return detail;
  }
}

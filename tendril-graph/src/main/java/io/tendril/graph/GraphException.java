package io.tendril.graph;

/**
 * A task graph cannot be run as given: a cycle, a requested key the graph lacks, a reference to a
 * missing tuple key, or a value that cannot be a key. Thrown before any task runs; the message
 * names the keys involved.
 */
public class GraphException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong with the graph and, where it helps, what to do
   */
  public GraphException(String message) {
    super(message);
  }
}

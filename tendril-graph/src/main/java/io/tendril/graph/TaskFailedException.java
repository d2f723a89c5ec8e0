package io.tendril.graph;

/**
 * A task of a graph threw: the run stopped (no new task started) and this carries the failing
 * task's key and, as {@link #getCause()}, the exception the task threw.
 */
public class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Object key;

  /**
   * Creates the exception.
   *
   * @param key the key of the task that failed
   * @param cause what the task threw
   */
  public TaskFailedException(Object key, Throwable cause) {
    this(key, "task " + Keys.repr(key) + " failed: " + cause, cause);
  }

  /**
   * Creates the exception with a message of the caller's.
   *
   * @param key the key of the task that failed
   * @param message the message
   * @param cause what the task threw, or null when the failure has no local exception
   */
  public TaskFailedException(Object key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /**
   * The key of the task that failed.
   *
   * @return the key as it appears in the graph
   */
  public Object key() {
    return key;
  }
}

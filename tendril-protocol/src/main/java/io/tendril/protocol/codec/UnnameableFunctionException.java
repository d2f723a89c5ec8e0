package io.tendril.protocol.codec;

/**
 * A task function that cannot be sent to another process by name: an anonymous or local class, a
 * non-static inner class, a function class with state, or a lambda that captures a value the
 * {@link ValueCodec} does not allow (often {@code this}). The message names the function and says
 * how to write it so that it can be named, e.g. as a static method reference such as {@code
 * Ops::inc}.
 */
public class UnnameableFunctionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which function, why it cannot be named, and how to fix it
   * @param cause the underlying failure, or null
   */
  public UnnameableFunctionException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.tendril.protocol.codec;

/**
 * The class or method a {@link FunctionDescriptor} names is not found by the class loader it is
 * resolved on: usually the jar that holds it is not on the executing environment's classpath. The
 * message names the class, the method and where the loader looked.
 */
public class FunctionNotFoundException extends CodecException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is missing, and where it was looked for
   * @param cause the lookup failure, or null
   */
  public FunctionNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}

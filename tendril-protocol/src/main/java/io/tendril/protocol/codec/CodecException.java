package io.tendril.protocol.codec;

/**
 * A value, a function descriptor or a remote failure that cannot be encoded or decoded: a class the
 * {@link ValueCodec} does not allow, or bytes that are not a valid encoding (corrupted, truncated,
 * of another format, or larger than a limit). The message says what was wrong and, where the caller
 * can fix it, how.
 *
 * <p>Decoding untrusted bytes never fails with another exception type: whatever the bytes, a
 * decoder returns a value or throws this.
 */
public class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be encoded or decoded, and why
   */
  public CodecException(String message) {
    super(message);
  }

  /**
   * Creates the exception with the failure that caused it.
   *
   * @param message what could not be encoded or decoded, and why
   * @param cause the underlying failure
   */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}

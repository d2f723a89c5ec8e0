package io.tendril.protocol.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * An exception thrown by a task in another process, as data: its class name, message, stack trace
 * and chain of causes. The executing side makes one with {@link #of} and sends {@link #encode()};
 * the caller reads it with {@link #decode} and reports it. The exception's class need not exist on
 * the caller's side, and nothing is read with Java object serialization.
 *
 * <p>{@link #of} keeps at most {@value #MAX_CAUSES} causes, {@value #MAX_FRAMES} frames each and
 * messages of {@value #MAX_MESSAGE_CHARS} characters, so a failure always fits in a message.
 *
 * @param className the exception's class name, e.g. {@code java.lang.ArithmeticException}
 * @param message its message, or null when it had none
 * @param stackTrace its stack trace, innermost frame first
 * @param cause the failure that caused it, or null
 */
public record RemoteFailure(
    String className, String message, List<Frame> stackTrace, RemoteFailure cause) {

  /** The most causes kept, counting the failure itself. */
  public static final int MAX_CAUSES = 32;

  /** The most stack frames kept per failure. */
  public static final int MAX_FRAMES = 1024;

  /** The longest message kept, in characters; longer ones are cut and marked. */
  public static final int MAX_MESSAGE_CHARS = 16_384;

  /** The longest class, method or file name kept, in characters. */
  static final int MAX_NAME_CHARS = 4096;

  /**
   * Checks the components and copies the stack trace.
   *
   * @throws IllegalArgumentException if the class name is empty or null, or the stack trace is
   *     null or holds null
   */
  public RemoteFailure {
    if (className == null || className.isEmpty()) {
      throw new IllegalArgumentException("a remote failure needs the exception's class name");
    }
    if (stackTrace == null) {
      throw new IllegalArgumentException("a remote failure needs a stack trace (possibly empty)");
    }
    stackTrace = List.copyOf(stackTrace);
  }

  /**
   * One stack frame, as {@link StackTraceElement} has it.
   *
   * @param className the class of the method
   * @param methodName the method
   * @param fileName the source file, or null when unknown
   * @param lineNumber the line, or a negative number when unknown (-2 for a native method)
   */
  public record Frame(String className, String methodName, String fileName, int lineNumber) {
    /**
     * Checks the names.
     *
     * @throws IllegalArgumentException if the class or method name is null
     */
    public Frame {
      if (className == null || methodName == null) {
        throw new IllegalArgumentException("a stack frame needs a class and a method name");
      }
    }

    /**
     * The frame of a stack trace element.
     *
     * @param e the element
     * @return the frame
     */
    public static Frame of(StackTraceElement e) {
      return new Frame(
          cut(e.getClassName(), MAX_NAME_CHARS),
          cut(e.getMethodName(), MAX_NAME_CHARS),
          e.getFileName() == null ? null : cut(e.getFileName(), MAX_NAME_CHARS),
          e.getLineNumber());
    }

    /**
     * This frame as a stack trace element, to put into a local exception.
     *
     * @return the element
     */
    public StackTraceElement toStackTraceElement() {
      return new StackTraceElement(className, methodName, fileName, lineNumber);
    }

    /** Prints the frame as a Java stack trace does: {@code com.x.Ops.inc(Ops.java:12)}. */
    @Override
    public String toString() {
      return toStackTraceElement().toString();
    }
  }

  /**
   * The failure of a throwable, with its causes.
   *
   * @param t the throwable
   * @return its description
   * @throws IllegalArgumentException if the throwable is null
   */
  public static RemoteFailure of(Throwable t) {
    if (t == null) {
      throw new IllegalArgumentException("RemoteFailure.of(null): give the exception to describe");
    }
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable c = t; c != null && chain.size() < MAX_CAUSES && seen.add(c); c = c.getCause()) {
      chain.add(c);
    }
    RemoteFailure failure = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      failure = single(chain.get(i), failure);
    }
    return failure;
  }

  private static RemoteFailure single(Throwable t, RemoteFailure cause) {
    StackTraceElement[] elements = t.getStackTrace();
    List<Frame> frames = new ArrayList<>(Math.min(elements.length, MAX_FRAMES));
    for (int i = 0; i < elements.length && i < MAX_FRAMES; i++) {
      frames.add(Frame.of(elements[i]));
    }
    String className = cut(t.getClass().getName(), MAX_NAME_CHARS);
    return new RemoteFailure(className, messageOf(t), frames, cause);
  }

  private static String messageOf(Throwable t) {
    String m;
    try {
      m = t.getMessage();
    } catch (RuntimeException e) {
      m = "(getMessage() threw " + e.getClass().getName() + ")";
    }
    if (m == null || m.length() <= MAX_MESSAGE_CHARS) {
      return m;
    }
    String marker = " ... (" + (m.length() - MAX_MESSAGE_CHARS) + " more characters)";
    return m.substring(0, MAX_MESSAGE_CHARS - marker.length()) + marker;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /**
   * The binary form (see docs/codec.md).
   *
   * @return the bytes
   * @throws IllegalArgumentException if the failure exceeds the limits {@link #of} keeps to
   */
  public byte[] encode() {
    return RemoteFailureFormat.encode(this);
  }

  /**
   * Reads a failure from its binary form.
   *
   * @param bytes what {@link #encode()} gave, possibly corrupted
   * @return the failure
   * @throws CodecException if the bytes are not a valid failure
   */
  public static RemoteFailure decode(byte[] bytes) {
    return RemoteFailureFormat.decode(bytes);
  }

  /**
   * The failure and its causes, innermost last, printed as {@link Throwable#printStackTrace()}
   * prints an exception.
   *
   * @return the text, one line per frame
   */
  public String format() {
    StringBuilder sb = new StringBuilder();
    String prefix = "";
    for (RemoteFailure f = this; f != null; f = f.cause) {
      sb.append(prefix).append(f).append('\n');
      for (Frame frame : f.stackTrace) {
        sb.append("\tat ").append(frame).append('\n');
      }
      prefix = "Caused by: ";
    }
    return sb.toString();
  }

  /** Prints the failure as a throwable prints itself: {@code com.x.Boom: message}. */
  @Override
  public String toString() {
    return message == null ? className : className + ": " + message;
  }
}

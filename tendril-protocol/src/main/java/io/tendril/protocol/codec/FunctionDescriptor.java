package io.tendril.protocol.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * A task function by name, as it travels to the process that runs it: what kind of function it
 * is, where it lives, and the values it captured, encoded by the {@link ValueCodec}. Made by
 * {@link FunctionDescriptors#describe}, sent in the form {@link FunctionDescriptors#encode} gives,
 * and turned back into something callable by {@link FunctionDescriptors#resolve} or a {@link
 * FunctionCache}.
 *
 * <p>The components by kind:
 *
 * <ul>
 *   <li>method kinds ({@link FunctionKind#STATIC_METHOD} to {@link FunctionKind#CONSTRUCTOR}): the
 *       binary name of the class holding the method, its name ({@code <init>} for a constructor)
 *       and its JVM method descriptor such as {@code (II)I}; the captured values, if any, come
 *       before the call's arguments (for an instance method, the first is the receiver);
 *   <li>{@link FunctionKind#FUNCTION_CLASS}: the class name; method name and type are empty;
 *   <li>{@link FunctionKind#NAMED}: the registered name as the method name; class and type are
 *       empty.
 * </ul>
 *
 * @param kind what is named
 * @param className the binary class name, e.g. {@code com.example.Ops}, or empty for a named
 *     function
 * @param methodName the method's name, or the registered name of a named function, or empty for a
 *     function class
 * @param methodType the JVM method descriptor of the method, e.g. {@code (Ljava/lang/Integer;)I},
 *     or empty when no method is named
 * @param arity the number of arguments a call takes, 0 to 4, or {@link #VARARGS} for a function
 *     that takes its arguments as one array
 * @param capturedArgs the captured values as one {@code Object[]} encoded by the value codec, or
 *     an empty array when nothing was captured
 */
public record FunctionDescriptor(
    FunctionKind kind,
    String className,
    String methodName,
    String methodType,
    int arity,
    byte[] capturedArgs) {

  /** The arity of a function taking its arguments as one array ({@code FnN}). */
  public static final int VARARGS = -1;

  /** The longest class or method name accepted, in characters. */
  static final int MAX_NAME_CHARS = 4096;

  /**
   * Checks the components against the kind.
   *
   * @throws IllegalArgumentException if a component is null, too long or does not fit the kind
   */
  public FunctionDescriptor {
    if (kind == null || className == null || methodName == null || methodType == null
        || capturedArgs == null) {
      throw new IllegalArgumentException(
          "a function descriptor needs a kind, class name, method name, method type and captured"
              + " arguments (empty strings and an empty array where they do not apply)");
    }
    if (arity < VARARGS || arity > 4) {
      throw new IllegalArgumentException(
          "arity must be 0 to 4, or VARARGS (-1), not " + arity);
    }
    if (className.length() > MAX_NAME_CHARS || methodName.length() > MAX_NAME_CHARS
        || methodType.length() > MAX_NAME_CHARS) {
      throw new IllegalArgumentException(
          "a class name, method name or method type is longer than " + MAX_NAME_CHARS
              + " characters");
    }
    switch (kind) {
      case FUNCTION_CLASS -> require(
          !className.isEmpty() && methodName.isEmpty() && methodType.isEmpty()
              && capturedArgs.length == 0,
          kind, "a class name only");
      case NAMED -> require(
          className.isEmpty() && !methodName.isEmpty() && methodType.isEmpty()
              && capturedArgs.length == 0,
          kind, "the registered name as the method name, and nothing else");
      case CONSTRUCTOR -> require(
          !className.isEmpty() && methodName.equals("<init>") && methodType.startsWith("(")
              && methodType.endsWith(")V"),
          kind, "a class name, the method name <init> and a method type returning V");
      default -> require(
          !className.isEmpty() && !methodName.isEmpty() && methodType.startsWith("("),
          kind, "a class name, a method name and a method type such as (I)I");
    }
    capturedArgs = capturedArgs.clone();
  }

  private static void require(boolean ok, FunctionKind kind, String what) {
    if (!ok) {
      throw new IllegalArgumentException("a " + kind + " function descriptor takes " + what);
    }
  }

  /**
   * The captured values, encoded by the value codec.
   *
   * @return a copy of the encoding, empty when nothing was captured
   */
  @Override
  public byte[] capturedArgs() {
    return capturedArgs.clone();
  }

  /**
   * Whether the function captured values.
   *
   * @return true if there are captured values to decode
   */
  public boolean hasCapturedArgs() {
    return capturedArgs.length > 0;
  }

  /** The encoded captured values, not copied, for this package's readers. */
  byte[] capturedArgsNoCopy() {
    return capturedArgs;
  }

  /**
   * The function's name as {@link io.tendril.graph.Fn#functionName()} gives it: {@code
   * com.example.Ops::inc}, {@code com.example.Point::new}, a class name, or a registered name.
   *
   * @return the name
   */
  public String name() {
    return switch (kind) {
      case FUNCTION_CLASS -> className;
      case NAMED -> methodName;
      case CONSTRUCTOR -> className + "::new";
      default -> className + "::" + methodName;
    };
  }

  /**
   * This descriptor without its captured values: what the executing side looks up, which is the
   * same for every call of one lambda whatever it captured.
   *
   * @return a descriptor with no captured values, or this one if it has none
   */
  public FunctionDescriptor withoutCapturedArgs() {
    return capturedArgs.length == 0
        ? this
        : new FunctionDescriptor(kind, className, methodName, methodType, arity, new byte[0]);
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof FunctionDescriptor d
            && kind == d.kind
            && arity == d.arity
            && className.equals(d.className)
            && methodName.equals(d.methodName)
            && methodType.equals(d.methodType)
            && Arrays.equals(capturedArgs, d.capturedArgs));
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(kind, className, methodName, methodType, arity)
        + Arrays.hashCode(capturedArgs);
  }

  @Override
  public String toString() {
    return "FunctionDescriptor[" + kind + " " + name()
        + (methodType.isEmpty() ? "" : " " + methodType)
        + " arity=" + (arity == VARARGS ? "varargs" : String.valueOf(arity))
        + (capturedArgs.length == 0 ? "" : " captured=" + capturedArgs.length + " bytes") + "]";
  }
}

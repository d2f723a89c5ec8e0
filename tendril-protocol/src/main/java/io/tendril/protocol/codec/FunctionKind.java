package io.tendril.protocol.codec;

/**
 * What a {@link FunctionDescriptor} names, and so how the executing side finds and calls it. The
 * method kinds mirror the implementation kinds a {@link java.lang.invoke.SerializedLambda} reports.
 * Each constant has a fixed code in the descriptor's binary form; codes are never reused.
 */
public enum FunctionKind {
  /**
   * A static method: a method reference such as {@code Ops::inc}, or the synthetic method that
   * holds a lambda's body, whose first parameters receive the lambda's captured values.
   */
  STATIC_METHOD(1),
  /**
   * An instance method of a class: {@code Point::norm}, whose receiver is the first argument, or
   * {@code origin::distance}, whose receiver was captured.
   */
  VIRTUAL_METHOD(2),
  /** An instance method declared by an interface, such as {@code List::size}. */
  INTERFACE_METHOD(3),
  /**
   * A private instance method of the class that holds it: the body of a lambda that captured
   * {@code this}, which is then its first captured value.
   */
  PRIVATE_METHOD(4),
  /** A constructor: {@code Point::new}. */
  CONSTRUCTOR(5),
  /**
   * A class implementing a function interface, instantiated with its no-argument constructor on
   * the executing side.
   */
  FUNCTION_CLASS(6),
  /**
   * A function registered by name: a built-in of the JSON graph format such as {@code "add"}, or
   * a {@code "com.example.Ops::inc"} name resolved the way graph files resolve them.
   */
  NAMED(7);

  private final int code;

  FunctionKind(int code) {
    this.code = code;
  }

  /** The code of this kind in the binary form. */
  int code() {
    return code;
  }

  /** The kind of a code, or null for a code no kind has. */
  static FunctionKind ofCode(int code) {
    for (FunctionKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    return null;
  }

  /** Whether this kind names a method or constructor, found by class, name and type. */
  boolean isMethod() {
    return this != FUNCTION_CLASS && this != NAMED;
  }
}

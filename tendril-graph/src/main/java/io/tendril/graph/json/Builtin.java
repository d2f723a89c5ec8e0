package io.tendril.graph.json;

import io.tendril.graph.FnN;
import java.io.ObjectStreamException;

/**
 * One built-in function of the JSON graph format: its bare name ({@code "inc"}) and its body.
 * Instances are made once, by {@link Builtins}, and shared, so two tasks of the same built-in have
 * the same function object. Also holds the argument-count check every built-in starts with.
 */
final class Builtin implements FnN<Object> {
  private static final long serialVersionUID = 1L;

  /** The body of a built-in: gets its own name (for messages) and the resolved arguments. */
  @FunctionalInterface
  interface Body {
    Object apply(String name, Object[] args) throws Exception;
  }

  private final String name;
  private final transient Body body;

  Builtin(String name, Body body) {
    this.name = name;
    this.body = body;
  }

  @Override
  public Object call(Object... args) throws Exception {
    return body.apply(name, args);
  }

  /** The bare name, e.g. {@code "inc"}. */
  @Override
  public String functionName() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }

  /** A deserialized built-in is the shared instance of that name. */
  private Object readResolve() throws ObjectStreamException {
    return Builtins.find(name).orElseThrow(() -> new java.io.InvalidObjectException("no built-in " + name));
  }

  /**
   * Checks the number of arguments.
   *
   * @param fn the built-in's name
   * @param args the arguments
   * @param min the fewest allowed
   * @param max the most allowed
   * @param what what the arguments are, e.g. "a number", for the message
   * @throws IllegalArgumentException naming the function, the count expected and the count given
   */
  static void arity(String fn, Object[] args, int min, int max, String what) {
    int n = args.length;
    if (n >= min && n <= max) {
      return;
    }
    String count =
        min == max
            ? min + (min == 1 ? " argument" : " arguments")
            : max == Integer.MAX_VALUE
                ? "at least " + min + (min == 1 ? " argument" : " arguments")
                : min + " to " + max + " arguments";
    throw new IllegalArgumentException(
        fn + " takes " + count + " (" + what + "), got " + n);
  }
}

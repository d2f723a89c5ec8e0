package io.tendril.graph;

/**
 * A task function taking any number of arguments as an array, for varargs methods such as {@code
 * static long sum(Object... xs)} and for built-in functions of the JSON graph format.
 *
 * @param <R> the type of the result
 */
@FunctionalInterface
public non-sealed interface FnN<R> extends Fn {
  /**
   * Runs the function.
   *
   * @param args the resolved arguments, in order; the array belongs to the callee
   * @return the result
   * @throws Exception when the computation fails; the task fails with this exception as cause
   */
  R call(Object... args) throws Exception;
}

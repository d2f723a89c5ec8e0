package io.tendril.graph;

/**
 * A task function of 1 argument, usually a method reference such as {@code Ops::inc} or a
 * lambda.
 *
 * @param <A> the type of argument 1
 * @param <R> the type of the result
 */
@FunctionalInterface
public non-sealed interface Fn1<A, R> extends Fn {
  /**
   * Runs the function.
   *
   * @param a argument 1
   * @return the result
   * @throws Exception when the computation fails; the task fails with this exception as cause
   */
  R call(A a) throws Exception;
}

package io.tendril.graph;

/**
 * A task function of 4 arguments, usually a method reference such as {@code Ops::inc} or a
 * lambda.
 *
 * @param <A> the type of argument 1
 * @param <B> the type of argument 2
 * @param <C> the type of argument 3
 * @param <D> the type of argument 4
 * @param <R> the type of the result
 */
@FunctionalInterface
public non-sealed interface Fn4<A, B, C, D, R> extends Fn {
  /**
   * Runs the function.
   *
   * @param a argument 1
   * @param b argument 2
   * @param c argument 3
   * @param d argument 4
   * @return the result
   * @throws Exception when the computation fails; the task fails with this exception as cause
   */
  R call(A a, B b, C c, D d) throws Exception;
}

package io.tendril.graph;

/**
 * A task function of 0 arguments, usually a method reference such as {@code Ops::inc} or a
 * lambda.
 *

 * @param <R> the type of the result
 */
@FunctionalInterface
public non-sealed interface Fn0<R> extends Fn {
  /**
   * Runs the function.
   *

   * @return the result
   * @throws Exception when the computation fails; the task fails with this exception as cause
   */
  R call() throws Exception;
}

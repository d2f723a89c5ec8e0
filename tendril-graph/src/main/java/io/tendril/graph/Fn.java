package io.tendril.graph;

import io.tendril.graph.internal.FunctionNames;
import java.io.Serializable;

/**
 * The function of a {@link Task}: one of {@link Fn0} to {@link Fn4} (fixed arity) or {@link FnN}
 * (any number of arguments).
 *
 * <p>Every function type is {@link Serializable}, so that a method reference such as {@code
 * Ops::inc} can later be turned into a descriptor (class, method, signature) that names the
 * function instead of shipping code. Functions may throw checked exceptions; a throw fails the
 * task and is reported by the scheduler as a {@link TaskFailedException}.
 */
public sealed interface Fn extends Serializable permits Fn0, Fn1, Fn2, Fn3, Fn4, FnN {

  /**
   * The name of this function: {@code "com.example.Ops::inc"} for a method reference, {@code
   * "com.example.Ops::lambda$main$0"} for a lambda, the class name for a class implementing this
   * interface. Optimizations such as {@link Optimize#inlineFunctions} match functions by this name.
   *
   * @return the function's name, never null
   */
  default String functionName() {
    return FunctionNames.of(this);
  }
}

package io.tendril.protocol.codec;

import io.tendril.graph.Fn;
import io.tendril.graph.Fn0;
import io.tendril.graph.Fn1;
import io.tendril.graph.Fn2;
import io.tendril.graph.Fn3;
import io.tendril.graph.Fn4;
import io.tendril.graph.FnN;

/**
 * A resolved function object: an instance of a function class, or a function found by its
 * registered name. Called through the interface the descriptor's arity names. Made by {@link
 * FunctionLinker}.
 */
final class InstanceFunction implements ResolvedFunction {
  private final FunctionDescriptor descriptor;
  private final Fn fn;

  /**
   * Wraps a function object.
   *
   * @param descriptor the descriptor it was resolved from
   * @param fn an object implementing the interface of the descriptor's arity (checked by the
   *     caller)
   */
  InstanceFunction(FunctionDescriptor descriptor, Fn fn) {
    this.descriptor = descriptor;
    this.fn = fn;
  }

  @Override
  public FunctionDescriptor descriptor() {
    return descriptor;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object call(Object[] args) throws Exception {
    int arity = descriptor.arity();
    Object[] a = args == null ? new Object[0] : args;
    if (arity != FunctionDescriptor.VARARGS && a.length != arity) {
      throw new IllegalArgumentException(
          descriptor.name() + " takes " + arity + (arity == 1 ? " argument" : " arguments")
              + ", got " + a.length);
    }
    return switch (arity) {
      case 0 -> ((Fn0) fn).call();
      case 1 -> ((Fn1) fn).call(a[0]);
      case 2 -> ((Fn2) fn).call(a[0], a[1]);
      case 3 -> ((Fn3) fn).call(a[0], a[1], a[2]);
      case 4 -> ((Fn4) fn).call(a[0], a[1], a[2], a[3]);
      default -> ((FnN) fn).call(a);
    };
  }

  @Override
  public String toString() {
    return descriptor.name();
  }
}

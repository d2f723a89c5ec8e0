package io.tendril.protocol.codec;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.UndeclaredThrowableException;

/**
 * A resolved method or constructor: a method handle taking all its parameters as one {@code
 * Object[]} (captured values first, then the call's arguments, or the call's argument array for a
 * varargs function), plus the captured values. Made by {@link FunctionLinker}.
 */
final class MethodHandleFunction implements ResolvedFunction {
  private static final Object[] NONE = new Object[0];

  private final FunctionDescriptor descriptor;
  /** Type {@code (Object[])Object}. */
  private final MethodHandle spread;
  private final Object[] captured;
  private final boolean varargs;
  private final int arity;

  MethodHandleFunction(FunctionDescriptor descriptor, MethodHandle spread, Object[] captured) {
    this.descriptor = descriptor;
    this.spread = spread;
    this.captured = captured.length == 0 ? NONE : captured;
    this.varargs = descriptor.arity() == FunctionDescriptor.VARARGS;
    this.arity = descriptor.arity();
  }

  @Override
  public FunctionDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public Object call(Object[] args) throws Exception {
    Object[] all;
    if (varargs) {
      all = new Object[captured.length + 1];
      System.arraycopy(captured, 0, all, 0, captured.length);
      all[captured.length] = args == null ? NONE : args;
    } else {
      int n = args == null ? 0 : args.length;
      if (n != arity) {
        throw new IllegalArgumentException(
            descriptor.name() + " takes " + arity + (arity == 1 ? " argument" : " arguments")
                + ", got " + n);
      }
      if (captured.length == 0) {
        all = n == 0 ? NONE : args;
      } else {
        all = new Object[captured.length + n];
        System.arraycopy(captured, 0, all, 0, captured.length);
        System.arraycopy(args, 0, all, captured.length, n);
      }
    }
    try {
      return (Object) spread.invokeExact(all);
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new UndeclaredThrowableException(t, descriptor.name() + " threw " + t);
    }
  }

  @Override
  public String toString() {
    return descriptor.name();
  }
}

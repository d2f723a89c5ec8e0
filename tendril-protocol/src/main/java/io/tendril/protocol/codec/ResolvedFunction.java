package io.tendril.protocol.codec;

/**
 * A {@link FunctionDescriptor} resolved on the executing side: the method, constructor or function
 * object it names, found once, with its captured values decoded and bound. Calling it runs the
 * function. Instances are immutable and may be called from many threads at once.
 */
public interface ResolvedFunction {
  /**
   * The descriptor this was resolved from.
   *
   * @return the descriptor
   */
  FunctionDescriptor descriptor();

  /**
   * Runs the function.
   *
   * @param args the call's arguments: as many as the descriptor's arity, or, for a varargs
   *     function, any number, passed to it as one array (which then belongs to the callee)
   * @return the function's result; null for a {@code void} method
   * @throws IllegalArgumentException if a fixed-arity function gets another number of arguments
   * @throws Exception whatever the function throws, as it was thrown (not wrapped)
   */
  Object call(Object[] args) throws Exception;
}

package io.tendril.worker.library;

import io.tendril.protocol.codec.CodecException;
import io.tendril.protocol.codec.FunctionDescriptor;
import io.tendril.protocol.codec.FunctionDescriptors;
import io.tendril.protocol.codec.ResolvedFunction;
import io.tendril.protocol.codec.ValueCodec;
import io.tendril.protocol.wire.CallTask;
import io.tendril.protocol.wire.CallValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates one call's task as the graph layer evaluates a task: each argument is resolved (a
 * literal is decoded, an input file is read and decoded, a list is resolved item by item into an
 * {@link ArrayList}, a nested task is run in place and its result taken), then the function is
 * called with them. A problem of the library's (a function not found, a value that cannot be
 * decoded, an input that cannot be read, a wrong number of arguments) is a {@link CallError} naming
 * the function and the argument; whatever a function throws, at any depth, is a {@link
 * FunctionThrew}. One instance per call, on a slot thread.
 */
final class CallEvaluator {
  private final CallContexts.Context context;
  private final Path sandbox;

  /**
   * Prepares the evaluation of a call.
   *
   * @param context the codec and functions of the call's allowed packages
   * @param sandbox the call's sandbox (absolute), where input files are
   */
  CallEvaluator(CallContexts.Context context, Path sandbox) {
    this.context = context;
    this.sandbox = sandbox;
  }

  /**
   * The function's name as the descriptor gives it, for messages; a placeholder if it cannot be
   * decoded.
   */
  static String nameOf(CallTask task) {
    try {
      return FunctionDescriptors.decode(task.getFunction().toByteArray()).name();
    } catch (CodecException | IllegalArgumentException e) {
      return "(an undecodable function)";
    }
  }

  /**
   * Runs a task: resolves its function and arguments and calls it.
   *
   * @param task the task
   * @return the function's result
   * @throws CallError if the library cannot run it
   * @throws FunctionThrew if the function, or a nested task's function, threw
   */
  Object evaluate(CallTask task) throws CallError, FunctionThrew {
    CallContexts.Function fn;
    try {
      fn = context.function(task.getFunction());
    } catch (CodecException | IllegalArgumentException e) {
      // Decoding or resolving rejected it: say which.
      FunctionDescriptor decoded;
      try {
        decoded = FunctionDescriptors.decode(task.getFunction().toByteArray());
      } catch (CodecException | IllegalArgumentException e2) {
        throw new CallError("the function of the call cannot be decoded: " + e2.getMessage());
      }
      String m = String.valueOf(e.getMessage());
      throw new CallError(m.contains(decoded.name()) ? m : "function " + decoded.name() + " cannot be resolved: " + m);
    }
    FunctionDescriptor d = fn.descriptor();
    String name = d.name();
    ResolvedFunction f = fn.resolved();
    int given = task.getArgsCount();
    if (d.arity() != FunctionDescriptor.VARARGS && d.arity() != given) {
      throw new CallError("function " + name + " takes " + d.arity() + (d.arity() == 1 ? " argument" : " arguments")
          + " but the call gives " + given);
    }
    Object[] args = new Object[given];
    for (int i = 0; i < given; i++) {
      args[i] = resolve(task.getArgs(i), name, "argument " + (i + 1));
    }
    try {
      return f.call(args);
    } catch (Throwable t) {
      throw new FunctionThrew(t);
    }
  }

  private Object resolve(CallValue v, String function, String where) throws CallError, FunctionThrew {
    return switch (v.getKindCase()) {
      case LITERAL -> decode(v.getLiteral().toByteArray(), function, where + " (a literal)");
      case INPUT -> decode(readInput(v.getInput(), function, where), function, where + " (input '" + v.getInput() + "')");
      case LIST -> {
        List<Object> items = new ArrayList<>(v.getList().getItemsCount());
        for (int i = 0; i < v.getList().getItemsCount(); i++) {
          items.add(resolve(v.getList().getItems(i), function, where + " item " + (i + 1)));
        }
        yield items;
      }
      case TASK -> evaluate(v.getTask());
      case KIND_NOT_SET -> throw new CallError("function " + function + ": " + where + " is empty (no literal, input,"
          + " list or task)");
    };
  }

  private byte[] readInput(String name, String function, String where) throws CallError {
    try {
      return SandboxFiles.read(sandbox, name, ValueCodec.DEFAULT_MAX_ENCODED_BYTES);
    } catch (IOException | IllegalArgumentException e) {
      throw new CallError("function " + function + ": " + where + ", the input file '" + name + "', cannot be read: "
          + describe(e));
    }
  }

  private Object decode(byte[] bytes, String function, String where) throws CallError {
    try {
      return context.codec().decode(bytes);
    } catch (CodecException e) {
      throw new CallError("function " + function + ": " + where + " cannot be decoded: " + e.getMessage());
    }
  }

  static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}

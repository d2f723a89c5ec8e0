package io.tendril.graph;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A task of a graph: a function and its arguments, Dask's {@code (func, arg1, arg2, ...)}.
 *
 * <p>An argument that equals a key of the graph is replaced by that key's result when the task
 * runs; a {@link List} argument is resolved element by element, recursively; a nested {@code Task}
 * argument runs in place and passes its result; anything else (maps included) is passed as it is.
 *
 * <pre>{@code
 * Map<String, Object> dsk = Map.of(
 *     "x", 1,
 *     "y", Task.of(Ops::inc, "x"),
 *     "z", Task.of(Ops::add, "y", 10));
 * }</pre>
 *
 * <p>Tasks are immutable and compare by function (the same function object) and arguments.
 */
public final class Task {
  private static final Object[] NO_ARGS = new Object[0];

  private final Fn fn;
  private final Object[] args;

  private Task(Fn fn, Object[] args) {
    this.fn = Objects.requireNonNull(fn, "a Task needs a function, e.g. Task.of(Ops::inc, \"x\")");
    this.args = args;
  }

  /**
   * A task of a function without arguments.
   *
   * @param fn the function
   * @param <R> its result type
   * @return the task
   */
  public static <R> Task of(Fn0<R> fn) {
    return new Task(fn, NO_ARGS);
  }

  /**
   * A task of a one-argument function.
   *
   * @param fn the function, e.g. {@code Ops::inc}
   * @param a the argument: a key, a literal, a nested task or a list of these
   * @param <A> the function's argument type
   * @param <R> its result type
   * @return the task
   */
  public static <A, R> Task of(Fn1<A, R> fn, Object a) {
    return new Task(fn, new Object[] {a});
  }

  /**
   * A task of a two-argument function.
   *
   * @param fn the function, e.g. {@code Ops::add}
   * @param a argument 1
   * @param b argument 2
   * @param <A> type of argument 1
   * @param <B> type of argument 2
   * @param <R> the result type
   * @return the task
   */
  public static <A, B, R> Task of(Fn2<A, B, R> fn, Object a, Object b) {
    return new Task(fn, new Object[] {a, b});
  }

  /**
   * A task of a three-argument function.
   *
   * @param fn the function
   * @param a argument 1
   * @param b argument 2
   * @param c argument 3
   * @param <A> type of argument 1
   * @param <B> type of argument 2
   * @param <C> type of argument 3
   * @param <R> the result type
   * @return the task
   */
  public static <A, B, C, R> Task of(Fn3<A, B, C, R> fn, Object a, Object b, Object c) {
    return new Task(fn, new Object[] {a, b, c});
  }

  /**
   * A task of a four-argument function.
   *
   * @param fn the function
   * @param a argument 1
   * @param b argument 2
   * @param c argument 3
   * @param d argument 4
   * @param <A> type of argument 1
   * @param <B> type of argument 2
   * @param <C> type of argument 3
   * @param <D> type of argument 4
   * @param <R> the result type
   * @return the task
   */
  public static <A, B, C, D, R> Task of(
      Fn4<A, B, C, D, R> fn, Object a, Object b, Object c, Object d) {
    return new Task(fn, new Object[] {a, b, c, d});
  }

  /**
   * A task of a function taking any number of arguments, e.g. {@code static long sum(Object...
   * xs)}.
   *
   * @param fn the function
   * @param args the arguments
   * @param <R> the result type
   * @return the task
   */
  public static <R> Task ofVarargs(FnN<R> fn, Object... args) {
    return new Task(fn, args == null ? new Object[] {null} : args.clone());
  }

  /**
   * A task of any function with the given arguments; optimizations use this to rewrite arguments.
   * The number of arguments must match a fixed-arity function.
   *
   * @param fn the function
   * @param args the arguments
   * @return the task
   * @throws IllegalArgumentException if the count does not match the function's arity
   */
  public static Task ofFunction(Fn fn, List<?> args) {
    Object[] a = args.toArray();
    int arity = arity(fn);
    if (arity >= 0 && arity != a.length) {
      throw new IllegalArgumentException(
          "function " + fn.functionName() + " takes " + arity + " arguments, not " + a.length);
    }
    return new Task(fn, a);
  }

  /**
   * This task with other arguments, for the same function.
   *
   * @param newArgs the arguments
   * @return a new task
   */
  public Task withArgs(List<?> newArgs) {
    return ofFunction(fn, newArgs);
  }

  /**
   * Whether a value is a task (Dask's {@code istask}).
   *
   * @param value any value
   * @return true for a {@code Task}
   */
  public static boolean isTask(Object value) {
    return value instanceof Task;
  }

  /**
   * The function.
   *
   * @return the function object given when the task was made
   */
  public Fn fn() {
    return fn;
  }

  /**
   * The function's name (see {@link Fn#functionName()}).
   *
   * @return the name
   */
  public String name() {
    return fn.functionName();
  }

  /**
   * The arguments as given, unresolved.
   *
   * @return an unmodifiable view of the arguments
   */
  public List<Object> args() {
    return Collections.unmodifiableList(Arrays.asList(args));
  }

  /**
   * The number of arguments.
   *
   * @return the count
   */
  public int argCount() {
    return args.length;
  }

  /**
   * One argument, unresolved.
   *
   * @param index its position, from 0
   * @return the argument
   */
  public Object arg(int index) {
    return args[index];
  }

  /**
   * Runs the function on resolved arguments. Schedulers call this; users rarely need to.
   *
   * @param resolved the arguments with keys replaced by results and nested tasks run, one per
   *     argument of this task
   * @return the function's result
   * @throws Exception whatever the function throws
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object call(Object[] resolved) throws Exception {
    return switch (fn) {
      case Fn1 f -> f.call(resolved[0]);
      case Fn2 f -> f.call(resolved[0], resolved[1]);
      case FnN f -> f.call(resolved);
      case Fn0 f -> f.call();
      case Fn3 f -> f.call(resolved[0], resolved[1], resolved[2]);
      case Fn4 f -> f.call(resolved[0], resolved[1], resolved[2], resolved[3]);
    };
  }

  private static int arity(Fn fn) {
    return switch (fn) {
      case Fn0<?> f -> 0;
      case Fn1<?, ?> f -> 1;
      case Fn2<?, ?, ?> f -> 2;
      case Fn3<?, ?, ?, ?> f -> 3;
      case Fn4<?, ?, ?, ?, ?> f -> 4;
      case FnN<?> f -> -1;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof Task t && fn.equals(t.fn) && Arrays.equals(args, t.args));
  }

  @Override
  public int hashCode() {
    return 31 * fn.hashCode() + Arrays.hashCode(args);
  }

  /** Prints the task like Dask prints one: {@code (inc, 'x')}, with the function's short name. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("(").append(shortName(name()));
    for (Object a : args) {
      sb.append(", ").append(a instanceof String || a instanceof Key ? Keys.repr(a) : String.valueOf(a));
    }
    return sb.append(')').toString();
  }

  private static String shortName(String name) {
    int sep = name.lastIndexOf("::");
    return sep >= 0 ? name.substring(sep + 2) : name.substring(name.lastIndexOf('.') + 1);
  }
}

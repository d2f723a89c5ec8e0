package io.tendril.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A value not computed yet: a node of a task graph built from ordinary calls, Dask's {@code
 * dask.delayed}.
 *
 * <pre>{@code
 * Delayed<Integer> x = Delayed.call(Example::inc, 1);
 * Delayed<Integer> z = Delayed.call(Example::myadd, x, 2);
 * int result = z.compute();                     // the default scheduler (threaded)
 * int same = z.compute(Schedulers.sync());      // a given scheduler
 * List<Object> both = Delayed.computeAll(x, z); // shared work is done once
 * }</pre>
 *
 * <p>Arguments may be literals, other {@code Delayed} values, or lists (nested to any depth) that
 * contain them; each {@code Delayed} argument becomes a reference to its key, so {@link #graph()}
 * is a plain graph that any {@link Scheduler} runs. Keys are the function's short name and a random
 * suffix ({@code "myadd-3f9a0c1d2e4b5a69"}), unique within a process.
 *
 * <p>Instances are immutable. {@link #graph()} collects this value's task and those of every
 * {@code Delayed} it depends on, dependencies first.
 *
 * @param <T> the type of the computed value
 */
public final class Delayed<T> {
  private final String key;
  private final Object value;
  private final List<Delayed<?>> dependencies;

  private Delayed(String key, Object value, List<Delayed<?>> dependencies) {
    this.key = key;
    this.value = value;
    this.dependencies = dependencies;
  }

  /**
   * A literal as a delayed value, Dask's {@code delayed(obj)}.
   *
   * @param value the value; lists may contain other delayed values
   * @param <T> its type
   * @return the delayed value
   */
  public static <T> Delayed<T> value(T value) {
    List<Delayed<?>> deps = new ArrayList<>();
    Object converted = convert(value, deps, "Delayed.value");
    return new Delayed<>(newKey("value"), converted, List.copyOf(deps));
  }

  /**
   * A delayed call of a function without arguments.
   *
   * @param fn the function
   * @param <R> its result type
   * @return the delayed result
   */
  public static <R> Delayed<R> call(Fn0<R> fn) {
    return make(fn, new Object[0]);
  }

  /**
   * A delayed call of a one-argument function.
   *
   * @param fn the function, e.g. {@code Example::inc}
   * @param a the argument: a literal, a {@code Delayed}, or a list containing them
   * @param <A> the function's argument type
   * @param <R> its result type
   * @return the delayed result
   */
  public static <A, R> Delayed<R> call(Fn1<A, R> fn, Object a) {
    return make(fn, new Object[] {a});
  }

  /**
   * A delayed call of a two-argument function.
   *
   * @param fn the function, e.g. {@code Example::myadd}
   * @param a argument 1
   * @param b argument 2
   * @param <A> type of argument 1
   * @param <B> type of argument 2
   * @param <R> the result type
   * @return the delayed result
   */
  public static <A, B, R> Delayed<R> call(Fn2<A, B, R> fn, Object a, Object b) {
    return make(fn, new Object[] {a, b});
  }

  /**
   * A delayed call of a three-argument function.
   *
   * @param fn the function
   * @param a argument 1
   * @param b argument 2
   * @param c argument 3
   * @param <A> type of argument 1
   * @param <B> type of argument 2
   * @param <C> type of argument 3
   * @param <R> the result type
   * @return the delayed result
   */
  public static <A, B, C, R> Delayed<R> call(Fn3<A, B, C, R> fn, Object a, Object b, Object c) {
    return make(fn, new Object[] {a, b, c});
  }

  /**
   * A delayed call of a four-argument function.
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
   * @return the delayed result
   */
  public static <A, B, C, D, R> Delayed<R> call(
      Fn4<A, B, C, D, R> fn, Object a, Object b, Object c, Object d) {
    return make(fn, new Object[] {a, b, c, d});
  }

  /**
   * A delayed call of a function taking any number of arguments.
   *
   * @param fn the function
   * @param args the arguments
   * @param <R> the result type
   * @return the delayed result
   */
  public static <R> Delayed<R> callVarargs(FnN<R> fn, Object... args) {
    return make(fn, args.clone());
  }

  /**
   * A delayed call of a function on this value, e.g. {@code x.then(Example::inc)}.
   *
   * @param fn the function
   * @param <R> its result type
   * @return the delayed result
   */
  public <R> Delayed<R> then(Fn1<? super T, R> fn) {
    return call(fn, this);
  }

  private static <R> Delayed<R> make(Fn fn, Object[] args) {
    if (fn == null) {
      throw new IllegalArgumentException("Delayed.call(null, ...): pass a function, e.g. Example::inc");
    }
    List<Delayed<?>> deps = new ArrayList<>();
    String where = "an argument of " + shortName(fn.functionName());
    for (int i = 0; i < args.length; i++) {
      args[i] = convert(args[i], deps, where);
    }
    Task task = Task.ofFunction(fn, java.util.Arrays.asList(args));
    return new Delayed<>(newKey(shortName(fn.functionName())), task, List.copyOf(deps));
  }

  /** Replaces delayed values by their keys, inside lists too; records them as dependencies. */
  private static Object convert(Object arg, List<Delayed<?>> deps, String where) {
    if (arg instanceof Delayed<?> d) {
      if (!deps.contains(d)) {
        deps.add(d);
      }
      return d.key;
    }
    if (arg instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      boolean changed = false;
      for (Object e : list) {
        Object c = convert(e, deps, where);
        changed |= c != e;
        out.add(c);
      }
      return changed ? out : arg;
    }
    if (arg instanceof Map<?, ?> map) {
      for (Object v : map.values()) {
        if (v instanceof Delayed<?>) {
          throw new IllegalArgumentException(
              where + " is a Map holding a Delayed value: maps are literals and are not computed; "
                  + "pass the Delayed value itself or a List of them");
        }
      }
    }
    if (arg instanceof Task) {
      throw new IllegalArgumentException(
          where + " is a Task: build delayed graphs with Delayed.call(...) arguments, or compute "
              + "a hand-written graph with a Scheduler");
    }
    return arg;
  }

  private static String newKey(String prefix) {
    return prefix + "-" + String.format("%016x", ThreadLocalRandom.current().nextLong());
  }

  private static String shortName(String name) {
    int sep = name.lastIndexOf("::");
    String s = sep >= 0 ? name.substring(sep + 2) : name.substring(name.lastIndexOf('.') + 1);
    return s.startsWith("lambda$") ? "lambda" : s;
  }

  /**
   * This value's key in {@link #graph()}.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * The delayed values this one's task refers to directly.
   *
   * @return an unmodifiable list
   */
  public List<Delayed<?>> dependencies() {
    return dependencies;
  }

  /**
   * The graph that computes this value: its own entry and those of everything it depends on.
   *
   * @return a new graph, dependencies first
   */
  public Map<Object, Object> graph() {
    return graphOf(List.of(this));
  }

  /**
   * Computes this value with the default scheduler ({@link Schedulers#current()}).
   *
   * @return the value
   * @throws TaskFailedException if a task throws
   */
  public T compute() {
    return compute(Schedulers.current());
  }

  /**
   * Computes this value with the given scheduler, Dask's {@code compute(scheduler=...)}.
   *
   * @param scheduler any scheduler
   * @return the value
   * @throws TaskFailedException if a task throws
   */
  @SuppressWarnings("unchecked")
  public T compute(Scheduler scheduler) {
    requireScheduler(scheduler);
    return (T) scheduler.get(graph(), key);
  }

  /**
   * Computes several values in one run of the default scheduler, so work they share is done once.
   *
   * @param values the values
   * @return their results, in order
   */
  public static List<Object> computeAll(Delayed<?>... values) {
    return computeAll(Schedulers.current(), List.of(values));
  }

  /**
   * Computes several values in one run of a scheduler, so work they share is done once.
   *
   * @param scheduler any scheduler
   * @param values the values
   * @return their results, in order
   */
  @SuppressWarnings("unchecked")
  public static List<Object> computeAll(Scheduler scheduler, Collection<? extends Delayed<?>> values) {
    requireScheduler(scheduler);
    List<Object> keys = new ArrayList<>(values.size());
    for (Delayed<?> d : values) {
      keys.add(d.key);
    }
    return Collections.unmodifiableList((List<Object>) scheduler.get(graphOf(values), keys));
  }

  private static void requireScheduler(Scheduler scheduler) {
    if (scheduler == null) {
      throw new IllegalArgumentException(
          "the scheduler is null: pass one, e.g. Schedulers.sync(), or call compute() for the default");
    }
  }

  /** Collects the entries of several delayed values, each once, dependencies first (iterative). */
  private static Map<Object, Object> graphOf(Collection<? extends Delayed<?>> roots) {
    Map<Object, Object> graph = new LinkedHashMap<>();
    Set<Delayed<?>> expanded = new HashSet<>();
    ArrayDeque<Delayed<?>> stack = new ArrayDeque<>();
    for (Delayed<?> root : roots) {
      if (root == null) {
        throw new IllegalArgumentException("a Delayed value is null");
      }
      stack.push(root);
      while (!stack.isEmpty()) {
        Delayed<?> d = stack.peek();
        if (graph.containsKey(d.key)) {
          stack.pop();
          continue;
        }
        if (expanded.add(d)) {
          for (int i = d.dependencies.size() - 1; i >= 0; i--) {
            Delayed<?> dep = d.dependencies.get(i);
            if (!graph.containsKey(dep.key)) {
              stack.push(dep);
            }
          }
        } else {
          stack.pop();
          graph.put(d.key, d.value);
        }
      }
    }
    return graph;
  }

  @Override
  public String toString() {
    return "Delayed('" + key + "')";
  }
}

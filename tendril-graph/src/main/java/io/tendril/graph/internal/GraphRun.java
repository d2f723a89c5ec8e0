package io.tendril.graph.internal;

import io.tendril.graph.Callback;
import io.tendril.graph.TaskFailedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One execution of a {@link GraphPlan}: the scheduling algorithm every local executor shares.
 * Executors decide only where and in which order {@link #runEntry} is called; everything else —
 * resolving arguments, storing results, releasing results nobody will read again, readiness of
 * dependents, stopping at the first failure, callbacks — happens here.
 *
 * <p>State that changes during the run, safe for concurrent executors:
 *
 * <ul>
 *   <li>{@code results[id]}: the result of a computed entry; set to null again once its last
 *       consumer has run (requested entries keep theirs). Written once by the thread that ran the
 *       entry, before that thread decrements dependents' counters, which publishes it.
 *   <li>{@code waiting[id]}: dependencies not yet computed; the entry is ready at zero.
 *   <li>{@code consumers[id]}: readers not yet run (plus one if requested); released at zero.
 *   <li>{@code failure}: the first task failure; once set, no entry starts.
 * </ul>
 */
public final class GraphRun {
  private final GraphPlan plan;
  private final Callback[] callbacks;
  private final Object[] results;
  private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

  private final int[] waiting;
  private final int[] consumers;
  private final ValueResolver resolver;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile boolean stopped;

  /**
   * Prepares a run.
   *
   * @param plan what to compute
   * @param callbacks observers, possibly none
   */
  public GraphRun(GraphPlan plan, Callback[] callbacks) {
    this.plan = plan;
    this.callbacks = callbacks;
    int n = plan.keys.length;
    this.results = new Object[n];
    this.waiting = Arrays.copyOf(plan.depCount, n);
    // A plan serves one run, so the run counts down the plan's own array.
    this.consumers = plan.consumers;
    this.resolver = new ValueResolver(plan.index, results);
  }

  GraphPlan plan() {
    return plan;
  }

  /**
   * Computes one ready entry, stores its result and releases the results it was the last reader
   * of.
   *
   * @param id the entry
   * @return false if the entry failed or the run was already stopped
   */
  boolean runEntry(int id) {
    if (stopped) {
      return false;
    }
    Object key = plan.keys[id];
    try {
      for (Callback c : callbacks) {
        c.pretask(key);
      }
      Object value = resolver.resolve(plan.value(id));
      results[id] = value;
      for (Callback c : callbacks) {
        c.posttask(key, value);
      }
    } catch (Throwable t) {
      // Errors such as StackOverflowError are the task's failure too: the run stops cleanly.
      stop(new TaskFailedException(key, t));
      return false;
    }
    int[] deps = plan.depFlat;
    for (int j = plan.depFrom[id], e = j + plan.depCount[id]; j < e; j++) {
      int d = deps[j];
      if (decrement(consumers, d) == 0) {
        results[d] = null;
      }
    }
    return true;
  }

  /** The first dependent of an entry that became ready, or -1; others go to {@code onReady}. */
  int releaseDependentsKeepOne(int id, java.util.function.IntConsumer onOthers) {
    int keep = -1;
    int[] flat = plan.dependentFlat;
    for (int j = plan.dependentFrom[id], e = plan.dependentFrom[id + 1]; j < e; j++) {
      int d = flat[j];
      if (decrement(waiting, d) == 0) {
        if (keep < 0) {
          keep = d;
        } else {
          onOthers.accept(d);
        }
      }
    }
    return keep;
  }

  private static int decrement(int[] counters, int i) {
    return (int) INTS.getAndAdd(counters, i, -1) - 1;
  }

  /**
   * Stops the run: entries not yet started will not start.
   *
   * @param cause the failure to report, kept only if it is the first
   */
  public void stop(RuntimeException cause) {
    failure.compareAndSet(null, cause);
    stopped = true;
  }

  /**
   * The outcome: the requested results in the requested nesting.
   *
   * @return the results
   * @throws RuntimeException the first failure, if any
   */
  public Object outcome() {
    RuntimeException f = failure.get();
    if (f != null) {
      throw f;
    }
    return plan.fill(results);
  }
}

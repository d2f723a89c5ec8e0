package io.tendril.graph;

import io.tendril.graph.internal.GraphPlan;
import io.tendril.graph.internal.GraphRun;
import io.tendril.graph.internal.RunExecutor;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * A scheduler that computes a graph in this process: the synchronous and the threaded schedulers
 * of {@link Schedulers} are both this class, with different executors (one thread in a fixed
 * depth-first order, or a work-stealing pool).
 *
 * <p>Only the entries the requested keys need are computed. The graph is checked before anything
 * runs: a cycle or a missing requested key is a {@link GraphException}. A result is dropped as soon
 * as the last entry that reads it has run, so long chains run in little memory. The first task to
 * throw stops the run: entries not yet started never start, {@code get} waits for those already
 * computing and throws {@link TaskFailedException}.
 *
 * <p>Instances are immutable and safe to share; {@link #withCallbacks} makes a copy that reports
 * progress.
 */
public final class LocalScheduler implements Scheduler {
  private final String name;
  private final RunExecutor executor;
  private final Callback[] callbacks;

  LocalScheduler(String name, RunExecutor executor, Callback[] callbacks) {
    this.name = name;
    this.executor = executor;
    this.callbacks = callbacks;
  }

  @Override
  public Object get(Map<?, ?> dsk, Object keys) {
    GraphPlan plan = GraphPlan.compile(dsk, keys);
    GraphRun run = new GraphRun(plan, callbacks);
    for (Callback c : callbacks) {
      c.start(dsk, plan.taskCount());
    }
    boolean errored = true;
    try {
      try {
        executor.execute(run);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException(
            "interrupted while computing the graph; the run was stopped");
      }
      Object out = run.outcome();
      errored = false;
      return out;
    } finally {
      for (Callback c : callbacks) {
        c.finish(dsk, errored);
      }
    }
  }

  /**
   * This scheduler with more callbacks, which observe every run.
   *
   * @param more the callbacks to add
   * @return a new scheduler sharing this one's executor
   */
  public LocalScheduler withCallbacks(Callback... more) {
    Callback[] all = Arrays.copyOf(callbacks, callbacks.length + more.length);
    System.arraycopy(more, 0, all, callbacks.length, more.length);
    for (Callback c : all) {
      if (c == null) {
        throw new IllegalArgumentException("a callback is null: pass Callback instances only");
      }
    }
    return new LocalScheduler(name, executor, all);
  }

  /**
   * How many tasks may run at once: 1 for the synchronous scheduler.
   *
   * @return the parallelism
   */
  public int parallelism() {
    return executor.parallelism();
  }

  @Override
  public String toString() {
    return name;
  }
}

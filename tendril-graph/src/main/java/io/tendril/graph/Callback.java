package io.tendril.graph;

import java.util.Map;

/**
 * Observes a local scheduler's run, Dask's callbacks: {@code start}, {@code pretask}, {@code
 * posttask}, {@code finish}. Every method has an empty default, so implement only what you need.
 *
 * <p>With the threaded scheduler, {@link #pretask} and {@link #posttask} are called on the thread
 * that runs the task, concurrently for different tasks: implementations must be thread-safe. An
 * exception thrown by {@code pretask} or {@code posttask} fails the task it was called for.
 */
public interface Callback {

  /**
   * Called once before any task runs, after the graph was checked.
   *
   * @param dsk the graph being run
   * @param taskCount how many graph entries will be computed for the requested keys
   */
  default void start(Map<?, ?> dsk, int taskCount) {}

  /**
   * Called just before a graph entry is computed.
   *
   * @param key its key
   */
  default void pretask(Object key) {}

  /**
   * Called just after a graph entry was computed.
   *
   * @param key its key
   * @param result its result
   */
  default void posttask(Object key, Object result) {}

  /**
   * Called once when the run ends, successfully or not.
   *
   * @param dsk the graph that was run
   * @param errored whether a task failed or the run was interrupted
   */
  default void finish(Map<?, ?> dsk, boolean errored) {}
}

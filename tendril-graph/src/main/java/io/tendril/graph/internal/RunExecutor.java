package io.tendril.graph.internal;

/**
 * Decides where and in which order the entries of a {@link GraphRun} are computed: the one
 * pluggable part of the local scheduling algorithm (Dask's {@code apply_async} argument).
 */
public interface RunExecutor {

  /**
   * Runs every entry of the plan, or stops early once the run is stopped; returns only when no
   * entry of this run is computing any more.
   *
   * @param run the run
   * @throws InterruptedException if the calling thread is interrupted while waiting; the run is
   *     then stopped and no further entry starts
   */
  void execute(GraphRun run) throws InterruptedException;

  /**
   * How many entries may compute at once.
   *
   * @return the parallelism
   */
  int parallelism();
}

package io.tendril.graph.internal;

/**
 * Computes every entry on the calling thread, in the plan's depth-first topological order: the
 * deterministic executor behind {@code Schedulers.sync()}, and the one to use in a debugger.
 */
public final class SyncExecutor implements RunExecutor {
  @Override
  public void execute(GraphRun run) {
    for (int id : run.plan().order) {
      if (!run.runEntry(id)) {
        return;
      }
    }
  }

  @Override
  public int parallelism() {
    return 1;
  }
}

package io.tendril.graph;

/** The scheduler contract on a threaded scheduler of one thread, where hand-offs are serialized. */
class SingleThreadSchedulerTest extends SchedulerContract {
  private static final Scheduler ONE = Schedulers.threaded(1);

  @Override
  protected Scheduler scheduler() {
    return ONE;
  }
}

package io.tendril.graph;

/** The scheduler contract on {@link Schedulers#sync()}. */
class SyncSchedulerTest extends SchedulerContract {
  @Override
  protected Scheduler scheduler() {
    return Schedulers.sync();
  }
}

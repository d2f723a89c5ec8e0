package io.tendril.graph;

/** The scheduler contract on {@link Schedulers#threaded()}. */
class ThreadedSchedulerTest extends SchedulerContract {
  @Override
  protected Scheduler scheduler() {
    return Schedulers.threaded();
  }
}

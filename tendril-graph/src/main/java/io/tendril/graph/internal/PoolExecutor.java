package io.tendril.graph.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes entries on a work-stealing pool of threads: the executor behind {@code
 * Schedulers.threaded()}.
 *
 * <p>There is no central queue. The thread that finishes an entry decrements its dependents'
 * counters itself, continues at once with the first dependent that became ready (so a chain runs
 * on one thread without hand-offs) and pushes the others onto its own deque, whence idle threads
 * steal them. Each thread's deque is last-in first-out, so the run goes depth-first and releases
 * intermediate results early, as the synchronous executor does.
 *
 * <p>Guarded state: {@code outstanding} counts entries handed to the pool and not finished
 * (including the continuation a thread carries); the run is over when it reaches zero, which is
 * also when a stopped run has drained. The pool is created on first use and its threads are
 * daemons.
 */
public final class PoolExecutor implements RunExecutor {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int parallelism;
  private volatile ForkJoinPool pool;

  /**
   * Creates an executor.
   *
   * @param parallelism the number of threads, at least 1
   */
  public PoolExecutor(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException(
          "a threaded scheduler needs at least 1 thread, got " + parallelism);
    }
    this.parallelism = parallelism;
  }

  @Override
  public int parallelism() {
    return parallelism;
  }

  private ForkJoinPool pool() {
    ForkJoinPool p = pool;
    if (p == null) {
      synchronized (this) {
        p = pool;
        if (p == null) {
          int poolNumber = POOLS.incrementAndGet();
          AtomicInteger threads = new AtomicInteger();
          p = new ForkJoinPool(
              parallelism,
              fjp -> {
                ForkJoinWorkerThread t =
                    ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
                t.setName("tendril-threaded-" + poolNumber + "-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
              },
              null,
              false);
          pool = p;
        }
      }
    }
    return p;
  }

  @Override
  public void execute(GraphRun run) throws InterruptedException {
    int[] ready = run.plan().initialReady;
    if (ready.length == 0) {
      return;
    }
    Tracker tracker = new Tracker(run, ready.length);
    pool().execute(new Range(tracker, ready, 0, ready.length));
    try {
      tracker.await();
    } catch (InterruptedException e) {
      run.stop(new java.util.concurrent.CancellationException(
          "interrupted while waiting for the graph; the run was stopped"));
      tracker.awaitUninterruptibly();
      throw e;
    }
  }

  /** Counts entries in flight and wakes the caller when none is left. */
  private static final class Tracker implements ForkJoinPool.ManagedBlocker {
    final GraphRun run;
    final AtomicInteger outstanding;
    final CountDownLatch done = new CountDownLatch(1);

    Tracker(GraphRun run, int initial) {
      this.run = run;
      this.outstanding = new AtomicInteger(initial);
    }

    void finished() {
      if (outstanding.decrementAndGet() == 0) {
        done.countDown();
      }
    }

    void await() throws InterruptedException {
      ForkJoinPool.managedBlock(this);
    }

    void awaitUninterruptibly() {
      boolean interrupted = false;
      while (done.getCount() > 0) {
        try {
          done.await();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public boolean block() throws InterruptedException {
      done.await();
      return true;
    }

    @Override
    public boolean isReleasable() {
      return done.getCount() == 0;
    }

    /** Computes an entry and then, while one becomes ready, the next in line on this thread. */
    void runFrom(int id) {
      int current = id;
      while (current >= 0 && run.runEntry(current)) {
        current = run.releaseDependentsKeepOne(current, this::fork);
      }
      finished();
    }

    private void fork(int id) {
      outstanding.incrementAndGet();
      new Entry(this, id).fork();
    }
  }

  /** One ready entry handed to the pool. */
  private static final class Entry extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Tracker tracker;
    private final int id;

    Entry(Tracker tracker, int id) {
      this.tracker = tracker;
      this.id = id;
    }

    @Override
    protected void compute() {
      tracker.runFrom(id);
    }
  }

  /** The initially ready entries, split in halves so idle threads can steal whole ranges. */
  private static final class Range extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Tracker tracker;
    private final int[] ids;
    private final int from;
    private int to;

    Range(Tracker tracker, int[] ids, int from, int to) {
      this.tracker = tracker;
      this.ids = ids;
      this.from = from;
      this.to = to;
    }

    @Override
    protected void compute() {
      while (to - from > 1) {
        int mid = (from + to) >>> 1;
        new Range(tracker, ids, mid, to).fork();
        to = mid;
      }
      tracker.runFrom(ids[from]);
    }
  }
}

package io.tendril.graph;

import io.tendril.graph.internal.PoolExecutor;
import io.tendril.graph.internal.SyncExecutor;

/**
 * The local schedulers, and the default scheduler that {@link Delayed#compute()} uses.
 *
 * <p>The default is, in order of precedence: the scheduler of the innermost {@link #use} scope on
 * this thread; else the process-wide one set with {@link #setDefault}; else {@link #threaded()}.
 * This replaces Dask's {@code dask.config.set(scheduler=...)}, both as a context manager and set
 * globally:
 *
 * <pre>{@code
 * try (var scope = Schedulers.use(Schedulers.sync())) {
 *   z.compute();            // runs on the synchronous scheduler
 * }
 * }</pre>
 */
public final class Schedulers {
  private static final LocalScheduler SYNC =
      new LocalScheduler("sync", new SyncExecutor(), new Callback[0]);
  private static volatile LocalScheduler threadedDefault;
  private static volatile Scheduler processDefault;
  private static final ThreadLocal<Scheduler> SCOPED = new ThreadLocal<>();

  private Schedulers() {}

  /**
   * The synchronous scheduler: every task on the calling thread, in a deterministic depth-first
   * order. Dask's {@code dask.get}.
   *
   * @return the shared instance
   */
  public static LocalScheduler sync() {
    return SYNC;
  }

  /**
   * The threaded scheduler with one thread per available processor. Dask's {@code
   * dask.threaded.get}.
   *
   * @return the shared instance
   */
  public static LocalScheduler threaded() {
    LocalScheduler s = threadedDefault;
    if (s == null) {
      synchronized (Schedulers.class) {
        s = threadedDefault;
        if (s == null) {
          s = threaded(Runtime.getRuntime().availableProcessors());
          threadedDefault = s;
        }
      }
    }
    return s;
  }

  /**
   * A threaded scheduler with its own pool of the given number of threads (daemon threads,
   * started on first use).
   *
   * @param threads the number of threads, at least 1
   * @return a new scheduler
   */
  public static LocalScheduler threaded(int threads) {
    return new LocalScheduler("threaded(" + threads + ")", new PoolExecutor(threads), new Callback[0]);
  }

  /**
   * Makes a scheduler the default on this thread until the returned scope is closed.
   *
   * @param scheduler the scheduler, e.g. {@code Schedulers.sync()} or a manager
   * @return the scope; closing it restores the previous default
   */
  public static Scope use(Scheduler scheduler) {
    if (scheduler == null) {
      throw new IllegalArgumentException(
          "Schedulers.use(null): pass a scheduler, e.g. Schedulers.sync()");
    }
    Scheduler previous = SCOPED.get();
    SCOPED.set(scheduler);
    return new Scope(previous);
  }

  /**
   * Sets the process-wide default, used where no {@link #use} scope is open; null restores the
   * threaded scheduler.
   *
   * @param scheduler the scheduler, or null
   */
  public static void setDefault(Scheduler scheduler) {
    processDefault = scheduler;
  }

  /**
   * The scheduler that {@link Delayed#compute()} uses here and now.
   *
   * @return the default scheduler
   */
  public static Scheduler current() {
    Scheduler s = SCOPED.get();
    if (s != null) {
      return s;
    }
    s = processDefault;
    return s != null ? s : threaded();
  }

  /** A scope opened by {@link #use}; closing it restores the previous default of this thread. */
  public static final class Scope implements AutoCloseable {
    private final Scheduler previous;
    private boolean closed;

    private Scope(Scheduler previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (previous == null) {
          SCOPED.remove();
        } else {
          SCOPED.set(previous);
        }
      }
    }
  }
}

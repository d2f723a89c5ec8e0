package io.tendril.worker.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's event loop: one thread that owns all of the worker's state (connection, tasks,
 * pending fetches). gRPC callbacks and finished blocking work post events here; nothing else
 * touches that state, so it needs no locks. Events posted after the loop stopped are dropped; an
 * exception escaping an event is logged and the loop goes on. Owned by the worker engine.
 */
final class EventLoop {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;

  /** Creates the loop; its thread is named after {@code name}. */
  EventLoop(String name) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = WorkerThreads.factory(name).newThread(r);
      thread = t;
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  /** Runs an event on the loop, soon. */
  void post(Runnable event) {
    try {
      executor.execute(guarded(event));
    } catch (RejectedExecutionException e) {
      log.trace("loop stopped: event dropped");
    }
  }

  /**
   * Runs a computation on the loop and returns its future (failed if the loop has stopped).
   *
   * @param work the computation
   * @param <T> its result type
   * @return the result's future
   */
  <T> CompletableFuture<T> call(Callable<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          f.complete(work.call());
        } catch (Throwable t) {
          f.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /** Runs an event on the loop after a delay; null if the loop has stopped. */
  ScheduledFuture<?> schedule(Runnable event, long delayMillis) {
    try {
      return executor.schedule(guarded(event), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Runs an event on the loop every period, first after one period; null if the loop has stopped. */
  ScheduledFuture<?> every(Runnable event, long periodMillis) {
    try {
      return executor.scheduleWithFixedDelay(guarded(event), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Whether the caller runs on the loop. */
  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Stops the loop after the current event; later events are dropped. */
  void shutdown() {
    executor.shutdownNow();
  }

  private static Runnable guarded(Runnable event) {
    return () -> {
      try {
        event.run();
      } catch (RuntimeException | Error e) {
        log.error("worker event failed", e);
      }
    };
  }
}

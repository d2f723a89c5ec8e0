package io.tendril.manager;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's one thread of control. Network threads and public calls post events here; the
 * loop applies a batch of events, then runs the scheduling pass, then sleeps until the next event
 * or tick. Every piece of scheduling state is touched only on this thread, so none needs a lock.
 */
final class EventLoop {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
  private static final int MAX_BATCH = 4096;

  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Starts the loop.
   *
   * @param name the thread's name
   * @param afterBatch run after every batch of events (the scheduling pass)
   * @param tick run about every {@code tickMillis} (timeouts)
   * @param tickMillis the tick period
   */
  EventLoop(String name, Runnable afterBatch, Runnable tick, long tickMillis) {
    thread = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> loop(afterBatch, tick, tickMillis));
    thread.start();
  }

  private void loop(Runnable afterBatch, Runnable tick, long tickMillis) {
    long nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMillis);
    List<Runnable> batch = new ArrayList<>();
    while (running) {
      try {
        long waitNanos = Math.max(0, nextTick - System.nanoTime());
        Runnable first = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH);
          for (Runnable r : batch) {
            apply(r);
          }
          batch.clear();
        }
        if (System.nanoTime() >= nextTick) {
          apply(tick);
          nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMillis);
        }
        apply(afterBatch);
      } catch (InterruptedException e) {
        if (!running) {
          return;
        }
      }
    }
  }

  private static void apply(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException | AssertionError e) {
      // A bug in one handler must not stop the manager: log it and go on.
      log.error("manager event failed", e);
    }
  }

  /** Posts an event. */
  void post(Runnable event) {
    queue.add(event);
  }

  /** Runs a computation on the loop and waits for its answer. */
  <T> T call(Supplier<T> computation) {
    if (Thread.currentThread() == thread) {
      return computation.get();
    }
    CompletableFuture<T> answer = new CompletableFuture<>();
    post(() -> {
      try {
        answer.complete(computation.get());
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
      }
    });
    try {
      return answer.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the manager", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the manager did not answer within 60 s", e);
    }
  }

  /** Stops the loop after the events already posted. */
  void stop() {
    CompletableFuture<Void> drained = new CompletableFuture<>();
    post(() -> drained.complete(null));
    try {
      drained.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Stop anyway.
    }
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

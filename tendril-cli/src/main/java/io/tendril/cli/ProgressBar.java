package io.tendril.cli;

import io.tendril.graph.Callback;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress bar on a terminal's stderr, drawn by a daemon thread a few times a second once a run
 * has lasted longer than a moment; short runs print nothing. Attached to a scheduler as a {@link
 * Callback} by {@link GetCommand}.
 */
final class ProgressBar implements Callback {
  private static final long SHOW_AFTER_NANOS = 500_000_000L;
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final AtomicInteger done = new AtomicInteger();
  private volatile int total;
  private volatile long startNanos;
  private volatile boolean running;
  private Thread painter;
  private boolean drawn;

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  /** Whether stderr is a terminal: told by the launcher, or asked of the console. */
  static boolean stderrIsTerminal() {
    String told = System.getProperty("tendril.stderr.tty");
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    return System.console() != null;
  }

  @Override
  public void start(Map<?, ?> dsk, int taskCount) {
    total = taskCount;
    startNanos = System.nanoTime();
    running = true;
    painter = Thread.ofPlatform().daemon().name("tendril-progress").start(this::paintLoop);
  }

  @Override
  public void posttask(Object key, Object result) {
    done.incrementAndGet();
  }

  @Override
  public void finish(Map<?, ?> dsk, boolean errored) {
    running = false;
    if (painter != null) {
      painter.interrupt();
      try {
        painter.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (drawn) {
        paint();
        out.println();
        out.flush();
      }
    }
  }

  private void paintLoop() {
    while (running) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      if (running && System.nanoTime() - startNanos > SHOW_AFTER_NANOS) {
        synchronized (this) {
          if (running) {
            paint();
            drawn = true;
          }
        }
      }
    }
  }

  private void paint() {
    int n = done.get();
    int t = Math.max(1, total);
    int filled = (int) ((long) WIDTH * n / t);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    out.print(render(n, total, filled, seconds));
    out.flush();
  }

  static String render(int done, int total, int filled, double seconds) {
    return String.format("\r[%s%s] %3d%% %,d/%,d tasks %.1fs",
        "#".repeat(filled), ".".repeat(WIDTH - filled),
        total == 0 ? 100 : (int) (100L * done / total), done, total, seconds);
  }
}

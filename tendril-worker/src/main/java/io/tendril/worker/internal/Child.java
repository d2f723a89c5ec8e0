package io.tendril.worker.internal;

import java.util.Optional;

/**
 * A started command's process as {@link CommandProcess} sees it, however it was started: by the
 * JVM ({@link #of(Process)}) or by a {@link Spawner}, which reaps it itself.
 */
interface Child {
  /** The process id. */
  long pid();

  /** A handle on the process while it exists, for its {@link ProcessTree}; empty once it is gone. */
  Optional<ProcessHandle> handle();

  /**
   * Waits up to {@code nanos} for the process to end.
   *
   * @return whether it has ended
   * @throws InterruptedException if interrupted while waiting
   */
  boolean waitFor(long nanos) throws InterruptedException;

  /** Whether it has not ended yet. */
  boolean isAlive();

  /**
   * Its exit status once ended: the status it exited with, or 128 + n when signal n ended it.
   *
   * @throws IllegalStateException if it has not ended
   */
  int exitValue();

  /**
   * The CPU time the process and the descendants it reaped used, in milliseconds, when whoever
   * reaped it measured that; otherwise -1.
   */
  long cpuMillis();

  /** A process the JVM started. */
  static Child of(Process p) {
    return new Child() {
      @Override
      public long pid() {
        return p.pid();
      }

      @Override
      public Optional<ProcessHandle> handle() {
        return Optional.of(p.toHandle());
      }

      @Override
      public boolean waitFor(long nanos) throws InterruptedException {
        return p.waitFor(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      }

      @Override
      public boolean isAlive() {
        return p.isAlive();
      }

      @Override
      public int exitValue() {
        return p.exitValue();
      }

      @Override
      public long cpuMillis() {
        return -1;
      }
    };
  }
}

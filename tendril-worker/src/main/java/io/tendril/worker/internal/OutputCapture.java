package io.tendril.worker.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * Reads a command's merged standard output and error on a thread of its own, keeping the first
 * {@code limit} bytes and reading and dropping the rest, so the command never blocks on a full
 * pipe whatever it writes. Owned by one {@link CommandProcess}.
 */
final class OutputCapture {
  private final InputStream in;
  private final int limit;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final Thread reader;
  private long dropped;

  /**
   * Starts reading.
   *
   * @param in the process's output
   * @param limit bytes to keep
   * @param name a name for the reading thread
   */
  OutputCapture(InputStream in, int limit, String name) {
    this.in = in;
    this.limit = Math.max(0, limit);
    this.reader = Thread.ofPlatform().daemon().name(name).start(this::drain);
  }

  private void drain() {
    byte[] buf = new byte[16 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (this) {
          int room = Math.min(n, limit - kept.size());
          if (room > 0) {
            kept.write(buf, 0, room);
          }
          dropped += n - Math.max(0, room);
        }
      }
    } catch (IOException e) {
      // The stream was closed: the process ended, or the capture was abandoned.
    }
  }

  /**
   * Waits for the output to end (every writer gone); if it has not after the timeout, stops
   * reading: a process that escaped the tree may hold the pipe open forever.
   *
   * @param timeout how long to wait
   * @param unit its unit
   * @throws InterruptedException if interrupted while waiting
   */
  void finish(long timeout, TimeUnit unit) throws InterruptedException {
    reader.join(unit.toMillis(timeout));
    if (reader.isAlive()) {
      try {
        in.close();
      } catch (IOException e) {
        // Closing is best effort.
      }
      reader.join(1000);
    }
  }

  /** The bytes kept. */
  synchronized byte[] bytes() {
    return kept.toByteArray();
  }

  /** Whether bytes beyond the limit were dropped. */
  synchronized boolean truncated() {
    return dropped > 0;
  }
}

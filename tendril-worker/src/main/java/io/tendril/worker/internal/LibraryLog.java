package io.tendril.worker.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard error of one library process (its own diagnostics and whatever the user's functions
 * print): drained by a daemon thread into a log file, up to {@link #MAX_FILE_BYTES} (the rest is
 * read and dropped, so the library never blocks on a full pipe), with its last lines kept in
 * memory for the message of a library that died. Owned by one {@link Library}.
 */
final class LibraryLog {
  private static final Logger log = LoggerFactory.getLogger(LibraryLog.class);

  /** The most bytes written to the log file; later output is dropped. */
  static final long MAX_FILE_BYTES = 64L << 20;

  /** The lines kept for messages. */
  static final int TAIL_LINES = 20;

  /** The longest line kept for messages; longer ones are cut. */
  static final int MAX_LINE_CHARS = 500;

  private final Path file;
  private final Deque<String> tail = new ArrayDeque<>();
  private final Thread thread;
  private final byte[] line = new byte[MAX_LINE_CHARS];
  private int lineLength;

  /**
   * Starts draining a stream into a file.
   *
   * @param stderr the library's standard error
   * @param file the log file, replaced
   * @param threadName the draining thread's name
   * @throws IOException if the file cannot be created
   */
  LibraryLog(InputStream stderr, Path file, String threadName) throws IOException {
    this.file = file;
    OutputStream out = Files.newOutputStream(file);
    this.thread = Thread.ofPlatform().daemon().name(threadName).start(() -> drain(stderr, out));
  }

  /** The log file. */
  Path file() {
    return file;
  }

  /**
   * Waits for the stream to end (the library and every process sharing its standard error exited).
   *
   * @param wait how long at most
   */
  void awaitEnd(Duration wait) {
    try {
      thread.join(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The last lines written so far, oldest first, each on its own line.
   *
   * @return the lines, or an empty string if there were none
   */
  synchronized String tail() {
    StringBuilder sb = new StringBuilder();
    for (String l : tail) {
      sb.append(l).append('\n');
    }
    if (lineLength > 0) {
      sb.append(new String(line, 0, lineLength, StandardCharsets.UTF_8)).append('\n');
    }
    return sb.toString();
  }

  private void drain(InputStream in, OutputStream out) {
    byte[] buffer = new byte[8192];
    long written = 0;
    boolean dropping = false;
    try (in; out) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (written < MAX_FILE_BYTES) {
          int keep = (int) Math.min(n, MAX_FILE_BYTES - written);
          out.write(buffer, 0, keep);
          out.flush();
          written += keep;
        } else if (!dropping) {
          dropping = true;
          out.write(("\n[tendril: the log reached " + MAX_FILE_BYTES + " bytes; further output is dropped]\n")
              .getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        remember(buffer, n);
      }
    } catch (IOException e) {
      log.debug("library log {} ended: {}", file, e.toString());
    }
  }

  private synchronized void remember(byte[] buffer, int n) {
    for (int i = 0; i < n; i++) {
      byte b = buffer[i];
      if (b == '\n') {
        tail.addLast(new String(line, 0, lineLength, StandardCharsets.UTF_8));
        lineLength = 0;
        if (tail.size() > TAIL_LINES) {
          tail.removeFirst();
        }
      } else if (lineLength < line.length) {
        line[lineLength++] = b;
      }
    }
  }
}

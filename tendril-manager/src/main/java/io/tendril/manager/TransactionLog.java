package io.tendril.manager;

import io.tendril.graph.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The transaction log: one JSON object per line for every task, worker, transfer and cache event,
 * with a timestamp in milliseconds, in {@code transactions.jsonl} of the run directory. Written
 * only from the manager's loop; flushed after every batch of events and on close, so a reader
 * sees an event soon after it happened. Its format is documented in
 * docs/transaction-log.md; plots and dashboards read it.
 */
final class TransactionLog implements AutoCloseable {
  private final Path file;
  private final BufferedWriter out;
  private final long startMillis = System.currentTimeMillis();
  private boolean dirty;

  TransactionLog(Path runDirectory) {
    try {
      Files.createDirectories(runDirectory);
      file = runDirectory.resolve("transactions.jsonl");
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the transaction log in " + runDirectory, e);
    }
  }

  Path file() {
    return file;
  }

  /**
   * Writes one event.
   *
   * @param type {@code manager}, {@code task}, {@code worker}, {@code transfer} or {@code cache}
   * @param fields name/value pairs
   */
  void event(String type, Object... fields) {
    Map<String, Object> e = new LinkedHashMap<>();
    long now = System.currentTimeMillis();
    e.put("time", now);
    e.put("elapsed_ms", now - startMillis);
    e.put("type", type);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      Object v = fields[i + 1];
      if (v != null) {
        e.put((String) fields[i], v instanceof Enum<?> en ? en.name() : v);
      }
    }
    try {
      out.write(Json.write(e));
      out.write('\n');
      dirty = true;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the transaction log " + file, ex);
    }
  }

  /** Flushes what was written since the last flush; cheap when nothing was. */
  void flush() {
    if (!dirty) {
      return;
    }
    dirty = false;
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

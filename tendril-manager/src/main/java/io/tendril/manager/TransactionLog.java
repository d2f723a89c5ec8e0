package io.tendril.manager;

import io.tendril.graph.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
  /** The line being written; the log is written from the manager's loop only. */
  private final StringBuilder line = new StringBuilder(256);

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
   * Writes one event: {@code time}, {@code elapsed_ms} and {@code type}, then the fields in the
   * order given, skipping null values. Names are distinct and never {@code time}, {@code
   * elapsed_ms} or {@code type}. Strings, whole numbers, booleans and enums (by name) are written
   * directly; anything else through {@link Json#write(Object, Appendable)}.
   *
   * @param type {@code manager}, {@code task}, {@code worker}, {@code transfer} or {@code cache}
   * @param fields name/value pairs
   */
  void event(String type, Object... fields) {
    long now = System.currentTimeMillis();
    StringBuilder b = line;
    b.setLength(0);
    b.append("{\"time\":").append(now).append(",\"elapsed_ms\":").append(now - startMillis).append(",\"type\":");
    try {
      quoted(b, type);
      for (int i = 0; i + 1 < fields.length; i += 2) {
        Object v = fields[i + 1];
        if (v == null) {
          continue;
        }
        b.append(',');
        quoted(b, (String) fields[i]);
        b.append(':');
        switch (v) {
          case String str -> quoted(b, str);
          case Long l -> b.append(l.longValue());
          case Integer n -> b.append(n.intValue());
          case Boolean bool -> b.append(bool.booleanValue());
          case Enum<?> en -> quoted(b, en.name());
          case Double d when d == Math.rint(d) && d >= 0 && d < 1e15 && !(d == 0 && 1 / d < 0) ->
              b.append((long) d.doubleValue()).append(".0"); // as Json writes it: 1.0, 0.0
          default -> Json.write(v, b);
        }
      }
      b.append('}').append('\n');
      out.append(b);
      dirty = true;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the transaction log " + file, ex);
    }
  }

  /** Appends a string as a JSON literal; plain strings (the usual case) are copied as they are. */
  private static void quoted(StringBuilder b, String s) throws IOException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
        Json.write(s, b);
        return;
      }
    }
    b.append('"').append(s).append('"');
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

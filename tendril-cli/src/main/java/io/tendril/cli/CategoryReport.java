package io.tendril.cli;

import io.tendril.graph.json.GraphFormatException;
import io.tendril.graph.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-category tables of {@code tendril status}, computed from a manager's transaction log
 * alone (docs/transaction-log.md): tasks done, running and waiting by their last state; the largest
 * peaks of the {@code finished} events; the mode and maximum of the last {@code configure} event;
 * the first allocation of the last {@code allocation} event; exhaustions from the {@code exhausted}
 * events. The counterpart of the manager's {@code Categories}, which writes those events. After the
 * tables, the workers whose disk is full at the end of the log ({@link FullDisks}).
 */
final class CategoryReport {
  private static final String[] FIRST_FIELDS = {"cores", "memory_mb", "disk_mb", "gpus"};
  private static final String[] MAX_FIELDS = {"max_cores", "max_memory_mb", "max_disk_mb", "max_gpus"};

  /** What the log says of one category. */
  private static final class Cat {
    String mode = "fixed";
    final double[] max = new double[4];
    final double[] first = new double[4];
    final double[] seen = new double[4];
    int retried;
    int exhaustedFinal;
    int maxConcurrent;
  }

  private final Map<String, Cat> categories = new LinkedHashMap<>();
  private final Map<Long, String> categoryOf = new HashMap<>();
  private final Map<Long, String> stateOf = new HashMap<>();
  private final FullDisks fullDisks = new FullDisks();
  private boolean stopped;
  private int lines;

  /**
   * Reads a whole log.
   *
   * @param in the log's lines
   * @param source the file's name, for errors
   * @throws IOException if reading fails
   * @throws GraphFormatException if a line is not JSON; the message names the line (a last line
   *     cut short, as while the manager writes it, is skipped)
   */
  static CategoryReport read(BufferedReader in, String source) throws IOException {
    CategoryReport r = new CategoryReport();
    String line;
    while ((line = in.readLine()) != null) {
      r.lines++;
      if (line.isBlank()) {
        continue;
      }
      Object parsed;
      try {
        parsed = Json.parse(line, source);
      } catch (GraphFormatException e) {
        if (in.readLine() == null) {
          break; // the last line of a log being written may be cut short: it is not read yet
        }
        throw new GraphFormatException(source, r.lines, e.column(), 0, e.detail());
      }
      if (!(parsed instanceof Map<?, ?> event)) {
        throw new GraphFormatException(source, r.lines, 1, 0, "a transaction log line is a JSON object");
      }
      r.apply(event);
    }
    return r;
  }

  private Cat cat(String name) {
    return categories.computeIfAbsent(name, n -> new Cat());
  }

  private void apply(Map<?, ?> e) {
    String type = string(e, "type");
    String event = string(e, "event");
    switch (type == null ? "" : type) {
      case "task" -> task(e, event);
      case "category" -> {
        Cat c = cat(string(e, "category"));
        if (e.get("mode") != null) {
          c.mode = string(e, "mode");
        }
        if ("configure".equals(event)) {
          for (int i = 0; i < 4; i++) {
            c.max[i] = number(e, MAX_FIELDS[i]);
          }
          c.maxConcurrent = (int) number(e, "max_concurrent");
        } else if ("allocation".equals(event)) {
          for (int i = 0; i < 4; i++) {
            c.first[i] = number(e, FIRST_FIELDS[i]);
          }
        }
      }
      case "manager" -> stopped |= "stop".equals(event);
      case "worker" -> fullDisks.apply(e);
      default -> { }
    }
  }

  private void task(Map<?, ?> e, String event) {
    long id = (long) number(e, "id");
    String state = string(e, "state");
    if (state != null) {
      if (state.equals("SUBMITTED")) {
        String category = e.get("category") == null ? "default" : string(e, "category");
        categoryOf.put(id, category);
        cat(category);
      }
      stateOf.put(id, state);
      return;
    }
    String category = categoryOf.get(id);
    if (category == null) {
      return;
    }
    Cat c = cat(category);
    if ("finished".equals(event)) {
      c.seen[0] = Math.max(c.seen[0], Math.max(number(e, "peak_cores"), number(e, "avg_cores")));
      c.seen[1] = Math.max(c.seen[1], number(e, "peak_memory_mb"));
      c.seen[2] = Math.max(c.seen[2], number(e, "peak_disk_mb"));
    } else if ("exhausted".equals(event)) {
      if (Boolean.TRUE.equals(e.get("retry"))) {
        c.retried++;
      } else {
        c.exhaustedFinal++;
      }
    }
  }

  /**
   * Prints one table per category, in the order they first appear in the log, then the workers
   * whose disk is full.
   */
  void print(PrintWriter out) {
    if (categories.isEmpty()) {
      out.println("no tasks in the log yet");
      fullDisks.print(out);
      return;
    }
    Map<String, int[]> counts = new HashMap<>();
    for (Map.Entry<Long, String> t : categoryOf.entrySet()) {
      int[] c = counts.computeIfAbsent(t.getValue(), k -> new int[3]);
      switch (stateOf.getOrDefault(t.getKey(), "SUBMITTED")) {
        case "DONE" -> c[0]++;
        case "DISPATCHED", "RUNNING", "RETRIEVING" -> c[1]++;
        default -> c[2]++;
      }
    }
    boolean first = true;
    for (Map.Entry<String, Cat> e : categories.entrySet()) {
      Cat c = e.getValue();
      int[] n = counts.getOrDefault(e.getKey(), new int[3]);
      if (!first) {
        out.println();
      }
      first = false;
      String exhausted = c.retried > 0 || c.exhaustedFinal > 0
          ? c.retried + " retried larger, " + c.exhaustedFinal + " final" : null;
      new CategoryTable(e.getKey(), c.mode, n[0], n[1], n[2], exhausted, c.maxConcurrent, c.seen, c.first, c.max)
          .print(out);
    }
    fullDisks.print(out);
    if (!stopped) {
      out.println();
      out.println("(the manager has not stopped: the run may still be going)");
    }
  }

  private static String string(Map<?, ?> e, String field) {
    Object v = e.get(field);
    return v == null ? null : v.toString();
  }

  private static double number(Map<?, ?> e, String field) {
    return e.get(field) instanceof Number n ? n.doubleValue() : 0;
  }
}

package io.tendril.manager;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table of {@link Manager#tune} knobs: kebab-case names, defaults and units, documented in
 * docs/manager.md. Values are read on the manager's loop; {@code tune} writes them there.
 */
final class Knobs {
  /**
   * One knob: its default and what it means; {@code wholeFrom}, when not NaN, makes it a whole
   * number of at least that much.
   */
  record Knob(double defaultValue, String unit, String meaning, double wholeFrom) {
    Knob(double defaultValue, String unit, String meaning) {
      this(defaultValue, unit, meaning, Double.NaN);
    }
  }

  static final Map<String, Knob> TABLE = new LinkedHashMap<>();

  static {
    TABLE.put("transfer-source-max", new Knob(10, "transfers",
        "transfers one source (a worker or the manager) serves at once"));
    TABLE.put("source-blocklist-seconds", new Knob(15, "s",
        "how long a source whose transfer failed is avoided"));
    TABLE.put("transfer-timeout-minimum", new Knob(30, "s",
        "every transfer of a known size may take this long, plus its size at transfer-rate-floor"));
    TABLE.put("transfer-rate-floor", new Knob(1 << 20, "bytes/s",
        "the slowest rate a transfer is allowed: a file of N bytes may take transfer-timeout-minimum + N / this"));
    TABLE.put("transfer-stall-seconds", new Knob(60, "s",
        "a transfer that receives nothing this long is abandoned and retried from another source"));
    TABLE.put("keepalive-interval", new Knob(5, "s", "how often workers send a heartbeat"));
    TABLE.put("keepalive-timeout", new Knob(30, "s",
        "a worker silent this long is declared lost and its tasks go back to ready"));
    TABLE.put("stdout-limit", new Knob(1 << 20, "bytes", "captured output kept per task"));
    TABLE.put("forsake-after", new Knob(5, "attempts",
        "worker-side failures of one task (not its command's) before it ends FORSAKEN"));
    TABLE.put("hungry-factor", new Knob(2, "x cores",
        "hungry() asks for this many ready tasks per connected core"));
    TABLE.put("hungry-minimum", new Knob(100, "tasks", "hungry() asks for at least this many ready tasks"));
    TABLE.put("worker-prefetch", new Knob(1, "tasks per core",
        "tasks (with declared resources) sent to a busy worker ahead of room, started there the moment a task ends"));
    TABLE.put("call-prefetch", new Knob(3, "tasks per core",
        "function-call tasks (of Manager.get) sent to a busy worker ahead of room, as worker-prefetch is for commands: "
            + "a call is short, so a deeper queue keeps the worker's library busy across the round trip"));
    TABLE.put("dispatch-scan-limit", new Knob(200, "tasks",
        "ready tasks one scheduling pass looks at without finding a worker before it stops"));
    TABLE.put("temp-replica-count", new Knob(1, "replicas",
        "copies of each temp kept on distinct workers (when that many are connected); 1 = only where it was made", 1));
  }

  private final Map<String, Double> values = new LinkedHashMap<>();

  Knobs() {
    TABLE.forEach((k, v) -> values.put(k, v.defaultValue()));
  }

  double get(String name) {
    return values.get(name);
  }

  /**
   * How long a transfer of a size may take: {@code transfer-timeout-minimum} plus the size at
   * {@code transfer-rate-floor}; 0 (the worker's own default) when the size is unknown.
   *
   * @param bytes the file's size, 0 or less when unknown
   * @return milliseconds, at most a week
   */
  long transferTimeoutMillis(long bytes) {
    if (bytes <= 0) {
      return 0;
    }
    double seconds = get("transfer-timeout-minimum") + bytes / Math.max(1, get("transfer-rate-floor"));
    return (long) Math.min(7 * 24 * 3600e3, Math.max(1, seconds * 1000));
  }

  /** How long a transfer may receive nothing, in milliseconds (at least one). */
  long transferStallMillis() {
    return (long) Math.max(1, get("transfer-stall-seconds") * 1000);
  }

  void set(String name, double value) {
    Knob k = TABLE.get(name);
    if (k == null) {
      throw new IllegalArgumentException("unknown knob '" + name + "': known knobs are " + String.join(", ", TABLE.keySet()));
    }
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("knob '" + name + "' must be a finite number >= 0, got " + value);
    }
    if (!Double.isNaN(k.wholeFrom()) && (value != Math.rint(value) || value < k.wholeFrom())) {
      throw new IllegalArgumentException("knob '" + name + "' must be a whole number >= " + (long) k.wholeFrom()
          + " (" + k.unit() + "), got " + value);
    }
    values.put(name, value);
  }
}

package io.tendril.worker.internal;

import java.time.Duration;

/** Writes durations for log lines and messages: "250 ms", "30 s", "15 min". Stateless. */
final class Durations {
  private Durations() {}

  /**
   * A short human form of a duration.
   *
   * @param d the duration
   * @return milliseconds below a second or when not whole seconds, else seconds, or whole minutes
   */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000 || ms % 1000 != 0) {
      return ms + " ms";
    }
    long s = ms / 1000;
    return s >= 60 && s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }
}

package io.tendril.worker.internal;

import io.tendril.protocol.wire.FetchFile;
import java.time.Duration;

/**
 * The time limits of one fetch from a transfer server or a URL: how long it may receive nothing
 * ({@code stall}) before it is abandoned, and how long the whole of it may take ({@code total},
 * null for no limit). The manager sends both in each FetchFile, from its {@code transfer-*} knobs
 * and the file's size; a limit it leaves out (0) takes the worker's default: {@link #STALL_TIME},
 * and {@link #BASE_TIME} plus one second per {@link #BYTES_PER_SECOND} bytes when the size is
 * known. So a large file gets a long limit and a small one a short limit, never a fixed number.
 * Used by the {@link Fetcher}, the {@link TransferClient} and the {@link UrlFetcher}.
 *
 * @param stall the longest the fetch may receive nothing
 * @param total the longest the whole fetch may take, or null for no limit
 */
record TransferLimits(Duration stall, Duration total) {
  /** Time every transfer with a known size is allowed on top of its size-based share, by default. */
  static final Duration BASE_TIME = Duration.ofSeconds(30);

  /** The slowest rate a transfer with a known size is allowed, by default. */
  static final long BYTES_PER_SECOND = 1 << 20;

  /** How long a transfer may receive nothing before it is abandoned, by default. */
  static final Duration STALL_TIME = Duration.ofSeconds(60);

  /** No limit is ever longer, whatever a size or a manager says: a week. */
  static final Duration LONGEST = Duration.ofDays(7);

  /** The limits a FetchFile asks for, with the worker's defaults for those it leaves out. */
  static TransferLimits of(FetchFile f) {
    Duration stall = f.getStallTimeoutMs() > 0 ? bounded(Duration.ofMillis(f.getStallTimeoutMs())) : STALL_TIME;
    Duration total = f.getTimeoutMs() > 0 ? bounded(Duration.ofMillis(f.getTimeoutMs())) : defaultTotal(f.getSize());
    return new TransferLimits(stall, total);
  }

  /** The worker's own limits for a fetch of a size (0 or less when unknown). */
  static TransferLimits defaults(long expectedBytes) {
    return new TransferLimits(STALL_TIME, defaultTotal(expectedBytes));
  }

  /** {@link #BASE_TIME} plus a second per {@link #BYTES_PER_SECOND} bytes; null for an unknown size. */
  static Duration defaultTotal(long expectedBytes) {
    return expectedBytes > 0 ? bounded(BASE_TIME.plusSeconds(expectedBytes / BYTES_PER_SECOND)) : null;
  }

  private static Duration bounded(Duration d) {
    return d.compareTo(LONGEST) > 0 ? LONGEST : d;
  }

  /** The stall limit in words, for messages. */
  String stallText() {
    return Durations.human(stall);
  }
}

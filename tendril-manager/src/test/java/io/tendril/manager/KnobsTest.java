package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The time limits the manager sends with each fetch: a total that grows with the file's size from
 * the {@code transfer-*} knobs, bounded by a week, and a stall limit. (The worker's defaults for a
 * FetchFile without them are checked by its TransferLimitsTest.)
 */
class KnobsTest {

  @Test
  void transferTimeoutsGrowWithTheFileSize() {
    Knobs k = new Knobs();
    assertThat(k.transferTimeoutMillis(0)).as("unknown size: the worker's own default").isZero();
    assertThat(k.transferTimeoutMillis(-1)).isZero();
    assertThat(k.transferTimeoutMillis(1)).isEqualTo(30_000);
    assertThat(k.transferTimeoutMillis(100L << 20)).isEqualTo(130_000);
    assertThat(k.transferTimeoutMillis(10L << 30)).isEqualTo((30 + 10 * 1024) * 1000L);
    long previous = 0;
    for (long size = 1; size > 0 && size < Long.MAX_VALUE / 7; size *= 7) {
      long t = k.transferTimeoutMillis(size);
      assertThat(t).as("limit for %d bytes", size).isGreaterThanOrEqualTo(previous);
      previous = t;
    }
    assertThat(k.transferTimeoutMillis(Long.MAX_VALUE)).as("at most a week").isEqualTo(7L * 24 * 3600 * 1000);
  }

  @Test
  void transferLimitsFollowTheirKnobs() {
    Knobs k = new Knobs();
    k.set("transfer-timeout-minimum", 2);
    k.set("transfer-rate-floor", 1000);
    assertThat(k.transferTimeoutMillis(5000)).isEqualTo(7000);
    assertThat(k.transferTimeoutMillis(50_000)).isEqualTo(52_000);
    k.set("transfer-rate-floor", 0);
    assertThat(k.transferTimeoutMillis(10)).as("a floor of 0 counts as 1 byte/s").isEqualTo(12_000);
    k.set("transfer-timeout-minimum", 0);
    k.set("transfer-rate-floor", 1 << 30);
    assertThat(k.transferTimeoutMillis(1)).as("never 0, which would mean no limit").isEqualTo(1);
    assertThat(k.transferStallMillis()).isEqualTo(60_000);
    k.set("transfer-stall-seconds", 0.5);
    assertThat(k.transferStallMillis()).isEqualTo(500);
    k.set("transfer-stall-seconds", 0);
    assertThat(k.transferStallMillis()).isEqualTo(1);
  }
}

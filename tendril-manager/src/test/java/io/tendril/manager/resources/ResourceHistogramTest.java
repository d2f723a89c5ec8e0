package io.tendril.manager.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tendril.manager.resources.ResourceHistogram.Bucket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bucketing by upper bound, counts, times and the largest peak. */
class ResourceHistogramTest {
  private static Duration s(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  @Test
  void aBucketHoldsThePeaksUpToItsUpperBound() {
    ResourceHistogram h = new ResourceHistogram(250);
    h.add(1, s(1));      // (0, 250]
    h.add(250, s(2));    // (0, 250]: the bound itself belongs to the bucket
    h.add(250.5, s(3));  // (250, 500]
    h.add(0, s(4));      // the zero bucket
    h.add(900, s(5));    // (750, 1000]
    assertThat(h.buckets()).containsExactly(
        new Bucket(0, 1, 4), new Bucket(250, 2, 3), new Bucket(500, 1, 3), new Bucket(1000, 1, 5));
    assertThat(h.count()).isEqualTo(5);
    assertThat(h.wallSeconds()).isCloseTo(15, within(1e-9));
    assertThat(h.maxValue()).isEqualTo(900);
    assertThat(h.countAt(100)).isEqualTo(2);
    assertThat(h.countAt(600)).isZero();
  }

  @Test
  void roundUpGivesTheBucketBound() {
    ResourceHistogram h = new ResourceHistogram(250);
    assertThat(h.roundUp(0)).isEqualTo(0);
    assertThat(h.roundUp(0.001)).isEqualTo(250);
    assertThat(h.roundUp(250)).isEqualTo(250);
    assertThat(h.roundUp(251)).isEqualTo(500);
    ResourceHistogram cores = new ResourceHistogram(1);
    assertThat(cores.roundUp(0.3)).isEqualTo(1);
    assertThat(cores.roundUp(1.0000000001)).isEqualTo(1); // measurement noise stays in its bucket
    assertThat(cores.roundUp(1.2)).isEqualTo(2);
  }

  @Test
  void fractionalBucketSizesWork() {
    ResourceHistogram h = new ResourceHistogram(0.5);
    h.add(0.3, s(1));
    h.add(0.7, s(1));
    h.add(1.0, s(1));
    assertThat(h.buckets()).extracting(Bucket::upperBound).containsExactly(0.5, 1.0);
    assertThat(h.countAt(0.9)).isEqualTo(2);
  }

  @Test
  void anEmptyHistogramHasNoBucketsAndMaxZero() {
    ResourceHistogram h = new ResourceHistogram(250);
    assertThat(h.isEmpty()).isTrue();
    assertThat(h.buckets()).isEmpty();
    assertThat(h.maxValue()).isZero();
    assertThat(h.bucketSize()).isEqualTo(250);
  }

  @Test
  void manyPeaksKeepOneEntryPerBucket() {
    ResourceHistogram h = new ResourceHistogram(250);
    for (int i = 0; i < 100_000; i++) {
      h.add(i % 1000, s(0.001));
    }
    // Peaks 0..999: 0 alone, then 1..250, 251..500, 501..750, 751..999.
    assertThat(h.buckets()).extracting(Bucket::count).containsExactly(100L, 25_000L, 25_000L, 25_000L, 24_900L);
    assertThat(h.count()).isEqualTo(100_000);
    assertThat(h.wallSeconds()).isCloseTo(100, within(1e-6));
  }

  @Test
  void aCopyIsIndependent() {
    ResourceHistogram h = new ResourceHistogram(250);
    h.add(100, s(1));
    ResourceHistogram c = h.copy();
    h.add(900, s(1));
    assertThat(c.count()).isEqualTo(1);
    assertThat(c.maxValue()).isEqualTo(100);
    assertThat(c.buckets()).containsExactly(new Bucket(250, 1, 1));
    assertThat(h.count()).isEqualTo(2);
  }

  @Test
  void badInputsAreRefusedWithTheirValue() {
    assertThatThrownBy(() -> new ResourceHistogram(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("bucketSize must be positive and finite, got 0.0");
    assertThatThrownBy(() -> new ResourceHistogram(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    ResourceHistogram h = new ResourceHistogram(250);
    assertThatThrownBy(() -> h.add(-1, s(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("peak must be a finite amount >= 0, got -1.0");
    assertThatThrownBy(() -> h.add(Double.POSITIVE_INFINITY, s(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.add(1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wallTime must not be negative");
    assertThat(h.isEmpty()).isTrue();
  }
}

package io.tendril.manager.resources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The measured peaks of one resource over a category's finished tasks, with the wall time of each,
 * grouped into buckets of equal width. The first-allocation formulas ({@link FirstAllocation}) read
 * it; a {@link CategoryStats} owns one per {@link ResourceKind}.
 *
 * <p>Bucket {@code k} holds the peaks {@code v} with {@code (k-1)·w < v ≤ k·w} for bucket width
 * {@code w}; its key is its upper bound {@code k·w}, the allocation that fits every task in it. A
 * peak of zero has a bucket of its own whose upper bound is zero. Each bucket keeps how many peaks
 * fell in it and the sum of their wall times. Adding a peak costs O(log b) for b non-empty buckets;
 * memory grows with b, not with the number of peaks.
 *
 * <p>Not thread-safe: a histogram belongs to its category, which the manager's event loop owns.
 */
public final class ResourceHistogram {
  /**
   * One non-empty bucket.
   *
   * @param upperBound the largest peak the bucket holds: {@code k × bucket width}
   * @param count how many peaks fell in the bucket
   * @param wallSeconds the sum of the wall times of those tasks, in seconds
   */
  public record Bucket(double upperBound, long count, double wallSeconds) {}

  /** Count and summed wall time of one bucket; mutable so that adding is one map lookup. */
  private static final class Tally {
    long count;
    double wallSeconds;
  }

  private final double bucketSize;
  private final TreeMap<Long, Tally> tallies = new TreeMap<>();
  private long count;
  private double wallSeconds;
  private double maxValue;

  /**
   * An empty histogram.
   *
   * @param bucketSize the width of a bucket, in the resource's unit; positive and finite
   * @throws IllegalArgumentException if the width is not positive and finite
   */
  public ResourceHistogram(double bucketSize) {
    if (!(bucketSize > 0) || Double.isInfinite(bucketSize)) {
      throw new IllegalArgumentException("bucketSize must be positive and finite, got " + bucketSize);
    }
    this.bucketSize = bucketSize;
  }

  /** A histogram of the same width holding the same peaks, independent of this one. */
  public ResourceHistogram copy() {
    ResourceHistogram c = new ResourceHistogram(bucketSize);
    tallies.forEach((k, t) -> {
      Tally u = new Tally();
      u.count = t.count;
      u.wallSeconds = t.wallSeconds;
      c.tallies.put(k, u);
    });
    c.count = count;
    c.wallSeconds = wallSeconds;
    c.maxValue = maxValue;
    return c;
  }

  /**
   * Adds the peak of one finished task.
   *
   * @param peak the largest amount the task used, in the resource's unit; zero or more
   * @param wallTime how long the task ran; zero or more
   * @throws IllegalArgumentException if the peak is negative or not finite, or the time negative
   */
  public void add(double peak, Duration wallTime) {
    if (!(peak >= 0) || Double.isInfinite(peak)) {
      throw new IllegalArgumentException("peak must be a finite amount >= 0, got " + peak);
    }
    if (wallTime.isNegative()) {
      throw new IllegalArgumentException("wallTime must not be negative, got " + wallTime);
    }
    double seconds = wallTime.toNanos() / 1e9;
    Tally t = tallies.computeIfAbsent(indexOf(peak), k -> new Tally());
    t.count++;
    t.wallSeconds += seconds;
    count++;
    wallSeconds += seconds;
    maxValue = Math.max(maxValue, peak);
  }

  /** The width of a bucket, in the resource's unit. */
  public double bucketSize() {
    return bucketSize;
  }

  /** How many peaks were added. */
  public long count() {
    return count;
  }

  /** Whether no peak was added. */
  public boolean isEmpty() {
    return count == 0;
  }

  /** The sum of the wall times of all tasks added, in seconds. */
  public double wallSeconds() {
    return wallSeconds;
  }

  /** The largest peak added, exactly as measured; zero when empty. */
  public double maxValue() {
    return maxValue;
  }

  /**
   * The upper bound of the bucket {@code value} falls in: the smallest multiple of the bucket width
   * that is at least {@code value}. {@code roundUp(0) == 0}.
   */
  public double roundUp(double value) {
    return indexOf(value) * bucketSize;
  }

  /** How many peaks fell in the bucket that {@code value} falls in. */
  public long countAt(double value) {
    Tally t = tallies.get(indexOf(value));
    return t == null ? 0 : t.count;
  }

  /** The non-empty buckets, smallest upper bound first; a snapshot, not a live view. */
  public List<Bucket> buckets() {
    List<Bucket> out = new ArrayList<>(tallies.size());
    for (Map.Entry<Long, Tally> e : tallies.entrySet()) {
      out.add(new Bucket(e.getKey() * bucketSize, e.getValue().count, e.getValue().wallSeconds));
    }
    return List.copyOf(out);
  }

  private long indexOf(double value) {
    // A tiny tolerance keeps 500.0000000001 (a sum of fractions) in the 500 bucket.
    return Math.max(0, (long) Math.ceil(value / bucketSize - 1e-9));
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("ResourceHistogram[bucketSize=").append(bucketSize).append(", ");
    b.append(count).append(" peaks, max=").append(maxValue);
    for (Map.Entry<Long, Tally> e : tallies.entrySet()) {
      b.append(", ≤").append(e.getKey() * bucketSize).append(": ").append(e.getValue().count);
    }
    return b.append(']').toString();
  }
}

package io.tendril.manager.resources;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The first allocation of one resource for the next task of a category, computed from the
 * histogram of the peaks its finished tasks measured. Pure functions: {@link CategoryStats} calls
 * them every few completions; tests and status tools may call them on any histogram.
 *
 * <p><b>Notation.</b> The histogram has buckets {@code i} with upper bound {@code a_i}, {@code n_i}
 * tasks and summed wall time {@code T_i}. {@code N = Σ n_i}; the mean wall time is {@code τ̄ = Σ T_i
 * / N}. A task "exceeds" an allocation {@code a} when its bucket's upper bound is above {@code a};
 * {@code P(≤a) = Σ_{a_i ≤ a} n_i / N}, {@code P(>a) = 1 − P(≤a)}, and {@code S(a) = Σ_{a_i > a}
 * T_i / N} is the expected wall time a task spends exceeding {@code a} (TaskVine's {@code Σ_{r>a}
 * τ(r)·p(r)}). {@code a_m} is the amount a retry gets: the category's maximum, or, when none is
 * declared, the largest peak seen rounded up to its bucket (see {@link #retryAmount}). A task that
 * exceeds its first allocation is assumed to have held it for its whole wall time before it is
 * retried at {@code a_m}.
 *
 * <ul>
 *   <li><b>min waste</b> ({@link #minWaste}): {@code a₁ = argmin W(a)} with {@code W(a) = a·τ̄ +
 *       a_m·S(a)}, the expected resource × time one task holds, first attempt and retry together.
 *       What a task uses is fixed, so the smallest holding is the smallest waste.
 *   <li><b>max throughput</b> ({@link #maxThroughput}): {@code a₁ = argmax Θ(a)} with {@code Θ(a) =
 *       ((a_m/a)·P(≤a) + P(>a)) / (τ̄ + S(a))}: a slot of size {@code a_m} runs {@code a_m/a} tasks
 *       at once while they fit and one when they do not, and a task occupies it for its time plus
 *       the expected time of its retry.
 *   <li><b>max</b> ({@link #maxSeen}): the largest peak plus a third of a bucket (rounded down to a
 *       whole unit), rounded up to a bucket boundary, never above the category's maximum.
 *   <li><b>fixed</b>: the category's maximum as declared.
 * </ul>
 *
 * <p>Candidates for {@code a} are the non-zero bucket upper bounds, each capped at {@code a_m}; ties
 * go to the smallest. The result never exceeds {@code a_m}. When every wall time is zero each task
 * counts one unit of time, so the formulas still weigh tasks by number. An empty result means "no
 * first allocation": the task gets the category's maximum, or a whole worker when none is declared.
 */
public final class FirstAllocation {
  private FirstAllocation() {}

  /**
   * The first allocation a mode chooses.
   *
   * @param mode the category's mode
   * @param histogram the peaks of the resource
   * @param categoryMax the category's declared maximum of the resource; zero or less when unknown
   * @return the first allocation, or empty when the task should get the maximum (FIXED without a
   *     declared maximum, an empty histogram, or peaks that were all zero)
   */
  public static OptionalDouble of(ResourcesMode mode, ResourceHistogram histogram, double categoryMax) {
    Objects.requireNonNull(mode, "mode");
    return switch (mode) {
      case FIXED -> categoryMax > 0 ? OptionalDouble.of(categoryMax) : OptionalDouble.empty();
      case MAX -> maxSeen(histogram, categoryMax);
      case MIN_WASTE -> minWaste(histogram, retryAmount(histogram, categoryMax));
      case MAX_THROUGHPUT -> maxThroughput(histogram, retryAmount(histogram, categoryMax));
    };
  }

  /**
   * {@code a_m}, what a retry after exceeding the first allocation is priced at: the category's
   * declared maximum, else the largest peak rounded up to its bucket. Without a declared maximum the
   * retry really runs on a whole worker, whose size a category does not know; like TaskVine, the
   * formulas then price it at the largest peak seen.
   *
   * @param histogram the peaks of the resource
   * @param categoryMax the category's declared maximum; zero or less when unknown
   * @return {@code a_m}; zero when nothing is known
   */
  public static double retryAmount(ResourceHistogram histogram, double categoryMax) {
    return categoryMax > 0 ? categoryMax : histogram.roundUp(histogram.maxValue());
  }

  /**
   * The min-waste first allocation: the candidate with the smallest {@link #expectedResourceTime}.
   *
   * @param histogram the peaks of the resource
   * @param retryAmount {@code a_m}, the amount a retry gets
   * @return the allocation, or empty when the histogram has no non-zero peak or {@code a_m ≤ 0}
   */
  public static OptionalDouble minWaste(ResourceHistogram histogram, double retryAmount) {
    Summary s = Summary.of(histogram);
    if (s == null || !(retryAmount > 0)) {
      return OptionalDouble.empty();
    }
    double best = Double.NaN;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int i = 0; i < s.bounds.length; i++) {
      if (s.bounds[i] <= 0) {
        continue;
      }
      double a = Math.min(s.bounds[i], retryAmount);
      double cost = a * s.meanTime + retryAmount * s.timeAbove[i];
      if (cost < bestCost) {
        bestCost = cost;
        best = a;
      }
    }
    return Double.isNaN(best) ? OptionalDouble.empty() : OptionalDouble.of(best);
  }

  /**
   * The max-throughput first allocation: the candidate with the largest {@link #throughput}.
   *
   * @param histogram the peaks of the resource
   * @param retryAmount {@code a_m}, the amount a retry gets
   * @return the allocation, or empty when the histogram has no non-zero peak or {@code a_m ≤ 0}
   */
  public static OptionalDouble maxThroughput(ResourceHistogram histogram, double retryAmount) {
    Summary s = Summary.of(histogram);
    if (s == null || !(retryAmount > 0)) {
      return OptionalDouble.empty();
    }
    double best = Double.NaN;
    double bestRate = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < s.bounds.length; i++) {
      if (s.bounds[i] <= 0) {
        continue;
      }
      double a = Math.min(s.bounds[i], retryAmount);
      double rate = s.rate(i, a, retryAmount);
      if (rate > bestRate) {
        bestRate = rate;
        best = a;
      }
    }
    return Double.isNaN(best) ? OptionalDouble.empty() : OptionalDouble.of(best);
  }

  /**
   * The max-mode first allocation: {@code roundUp(maxPeak + ⌊bucket/3⌋)}, at most the category's
   * maximum. The third of a bucket is headroom for a peak a little above those seen so far.
   *
   * @param histogram the peaks of the resource
   * @param categoryMax the category's declared maximum; zero or less when unknown
   * @return the allocation, or empty when the histogram is empty or its peaks were all zero
   */
  public static OptionalDouble maxSeen(ResourceHistogram histogram, double categoryMax) {
    if (histogram.isEmpty() || histogram.maxValue() <= 0) {
      return OptionalDouble.empty();
    }
    double a = histogram.roundUp(histogram.maxValue() + Math.floor(histogram.bucketSize() / 3));
    return OptionalDouble.of(categoryMax > 0 ? Math.min(a, categoryMax) : a);
  }

  /**
   * {@code W(a) = a·τ̄ + a_m·S(a)}: the expected resource × time one task holds when it first gets
   * {@code a} and, if it exceeds that, is retried at {@code a_m}. In resource-unit × seconds per task.
   *
   * @param histogram the peaks of the resource; not empty
   * @param a the first allocation
   * @param retryAmount {@code a_m}
   * @return {@code W(a)}
   * @throws IllegalArgumentException if the histogram is empty
   */
  public static double expectedResourceTime(ResourceHistogram histogram, double a, double retryAmount) {
    Summary s = required(histogram);
    return a * s.meanTime + retryAmount * s.timeAbove[s.lastAtOrBelow(a)];
  }

  /**
   * {@code Θ(a) = ((a_m/a)·P(≤a) + P(>a)) / (τ̄ + S(a))}: the tasks a slot of size {@code a_m}
   * finishes per second when tasks first get {@code a}.
   *
   * @param histogram the peaks of the resource; not empty
   * @param a the first allocation; positive
   * @param retryAmount {@code a_m}
   * @return {@code Θ(a)}
   * @throws IllegalArgumentException if the histogram is empty or {@code a} is not positive
   */
  public static double throughput(ResourceHistogram histogram, double a, double retryAmount) {
    Summary s = required(histogram);
    if (!(a > 0)) {
      throw new IllegalArgumentException("a must be positive, got " + a);
    }
    return s.rate(s.lastAtOrBelow(a), a, retryAmount);
  }

  private static Summary required(ResourceHistogram histogram) {
    Summary s = Summary.of(histogram);
    if (s == null) {
      throw new IllegalArgumentException("the histogram is empty: no first allocation can be priced");
    }
    return s;
  }

  /**
   * The histogram's buckets as arrays, with the cumulative sums both formulas need, in one pass.
   * Index {@code i} is the i-th non-empty bucket; {@code countAtOrBelow[i]} counts buckets 0..i and
   * {@code timeAbove[i]} is {@code S(a_i)}. A virtual index -1 ("below every bucket") is handled by
   * {@link #lastAtOrBelow} returning the slot {@code bounds.length}, where everything is above.
   */
  private static final class Summary {
    final double[] bounds;
    final double[] countAtOrBelow;
    final double[] timeAbove;
    final double meanTime;

    private Summary(double[] bounds, double[] countAtOrBelow, double[] timeAbove, double meanTime) {
      this.bounds = bounds;
      this.countAtOrBelow = countAtOrBelow;
      this.timeAbove = timeAbove;
      this.meanTime = meanTime;
    }

    static Summary of(ResourceHistogram h) {
      if (h.isEmpty()) {
        return null;
      }
      List<ResourceHistogram.Bucket> buckets = h.buckets();
      int n = buckets.size();
      boolean timed = h.wallSeconds() > 0;
      double total = h.count();
      double[] bounds = new double[n];
      double[] time = new double[n];
      double[] below = new double[n + 1];
      double[] above = new double[n + 1];
      double running = 0;
      for (int i = 0; i < n; i++) {
        ResourceHistogram.Bucket b = buckets.get(i);
        bounds[i] = b.upperBound();
        time[i] = timed ? b.wallSeconds() : b.count();
        running += b.count();
        below[i] = running / total;
      }
      // Slot n stands for "below every bucket": nothing fits, every task exceeds.
      below[n] = 0;
      double tail = 0;
      for (int i = n - 1; i >= 0; i--) {
        above[i] = tail / total;
        tail += time[i];
      }
      above[n] = tail / total;
      return new Summary(bounds, below, above, tail / total);
    }

    /** The index of the last bucket whose upper bound is at most {@code a}; {@code n} when none. */
    int lastAtOrBelow(double a) {
      int found = bounds.length;
      for (int i = 0; i < bounds.length && bounds[i] <= a + 1e-9; i++) {
        found = i;
      }
      return found;
    }

    double rate(int i, double a, double retryAmount) {
      double fits = countAtOrBelow[i];
      return ((retryAmount / a) * fits + (1 - fits)) / (meanTime + timeAbove[i]);
    }
  }
}

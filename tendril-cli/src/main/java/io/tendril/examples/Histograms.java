package io.tendril.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The functions of the example workflow {@code examples/histogram.json}: synthetic collision
 * events made in chunks, a histogram of each chunk's missing transverse energy, the histograms
 * merged pairwise as a tree, and a summary of the result. Static methods, so a graph file names
 * them as {@code "io.tendril.examples.Histograms::fill"}.
 */
public final class Histograms {
  private Histograms() {}

  /**
   * Generates the missing transverse energy (GeV) of {@code events} synthetic events: a falling
   * spectrum from ordinary events plus a resonance near 90 GeV. The same seed gives the same
   * events.
   *
   * @param seed the chunk's seed
   * @param events how many events
   * @return the values
   */
  public static double[] events(long seed, long events) {
    if (events < 0 || events > 100_000_000) {
      throw new IllegalArgumentException("events must be between 0 and 100000000, got " + events);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] met = new double[(int) events];
    for (int i = 0; i < met.length; i++) {
      met[i] = random.nextDouble() < 0.8
          ? -25.0 * Math.log(1.0 - random.nextDouble())
          : 90.0 + 12.0 * gaussian(random);
    }
    return met;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }

  /**
   * Counts values into {@code bins} equal bins between {@code lo} and {@code hi}; values outside
   * are not counted.
   *
   * @param values the values
   * @param bins the number of bins
   * @param lo the lower edge
   * @param hi the upper edge
   * @return the counts per bin
   */
  public static long[] fill(double[] values, long bins, double lo, double hi) {
    if (bins < 1 || bins > 1_000_000 || !(hi > lo)) {
      throw new IllegalArgumentException(
          "fill needs 1 to 1000000 bins and hi > lo, got bins=" + bins + " lo=" + lo + " hi=" + hi);
    }
    long[] counts = new long[(int) bins];
    double scale = bins / (hi - lo);
    for (double v : values) {
      if (v >= lo && v < hi) {
        counts[(int) ((v - lo) * scale)]++;
      }
    }
    return counts;
  }

  /**
   * Adds two histograms bin by bin.
   *
   * @param a one histogram
   * @param b another with the same bins
   * @return the sum
   */
  public static long[] merge(long[] a, long[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "cannot merge histograms of " + a.length + " and " + b.length + " bins");
    }
    long[] sum = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      sum[i] = a[i] + b[i];
    }
    return sum;
  }

  /**
   * Summarizes a histogram: the number of entries, their mean (from bin centres), the fullest
   * bin's edges, and the counts.
   *
   * @param counts the histogram
   * @param lo its lower edge
   * @param hi its upper edge
   * @return a map, printed as a JSON object
   */
  public static Map<String, Object> summary(long[] counts, double lo, double hi) {
    double width = (hi - lo) / counts.length;
    long entries = 0;
    double weighted = 0;
    int fullest = 0;
    List<Long> list = new ArrayList<>(counts.length);
    for (int i = 0; i < counts.length; i++) {
      entries += counts[i];
      weighted += counts[i] * (lo + (i + 0.5) * width);
      if (counts[i] > counts[fullest]) {
        fullest = i;
      }
      list.add(counts[i]);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entries", entries);
    out.put("mean", entries == 0 ? 0.0 : Math.round(weighted / entries * 1000.0) / 1000.0);
    out.put("fullest_bin", List.of(lo + fullest * width, lo + (fullest + 1) * width));
    out.put("counts", list);
    return out;
  }
}

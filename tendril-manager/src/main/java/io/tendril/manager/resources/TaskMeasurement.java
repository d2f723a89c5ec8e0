package io.tendril.manager.resources;

import io.tendril.protocol.Resources;
import java.time.Duration;
import java.util.Objects;

/**
 * What the worker measured of one finished attempt of a task, as a category learns from it.
 *
 * @param peak the largest amount of each resource the attempt used at once (cores in use, memory
 *     and disk in MB, GPUs)
 * @param wallTime how long the attempt ran
 * @param exhausted whether the attempt was stopped for using more of a resource than it was
 *     allocated; its peaks are then only lower bounds and do not enter the histograms
 */
public record TaskMeasurement(Resources peak, Duration wallTime, boolean exhausted) {
  /** Checks that neither part is null and that the wall time is not negative. */
  public TaskMeasurement {
    Objects.requireNonNull(peak, "peak");
    Objects.requireNonNull(wallTime, "wallTime");
    if (wallTime.isNegative()) {
      throw new IllegalArgumentException("wallTime must not be negative, got " + wallTime);
    }
  }

  /** A successful (not exhausted) attempt: what most completions report. */
  public static TaskMeasurement completed(Resources peak, Duration wallTime) {
    return new TaskMeasurement(peak, wallTime, false);
  }

  /** An attempt stopped for exceeding its allocation, with what it had used by then. */
  public static TaskMeasurement exhausted(Resources peak, Duration wallTime) {
    return new TaskMeasurement(peak, wallTime, true);
  }
}

package io.tendril.manager.resources;

import io.tendril.protocol.Resources;

/**
 * The four resources a task is allocated (the fields of {@link Resources}), with the unit each is
 * counted in and the histogram bucket size a category uses for it by default. A category learns one
 * first allocation per kind.
 */
public enum ResourceKind {
  /** Cores, possibly fractional; peaks are bucketed by whole cores. */
  CORES("cores", "cores", 1),
  /** Memory in megabytes; peaks are bucketed by 250 MB. */
  MEMORY("memory", "MB", 250),
  /** Disk in megabytes; peaks are bucketed by 250 MB. */
  DISK("disk", "MB", 250),
  /** GPUs; peaks are bucketed by whole GPUs. */
  GPUS("gpus", "GPUs", 1);

  private final String label;
  private final String unit;
  private final double defaultBucketSize;

  ResourceKind(String label, String unit, double defaultBucketSize) {
    this.label = label;
    this.unit = unit;
    this.defaultBucketSize = defaultBucketSize;
  }

  /** The lower-case name, as in TaskVine: "cores", "memory", "disk", "gpus". */
  public String label() {
    return label;
  }

  /** The unit amounts of this kind are counted in. */
  public String unit() {
    return unit;
  }

  /** The width of a histogram bucket for this kind unless a category sets another: TaskVine's. */
  public double defaultBucketSize() {
    return defaultBucketSize;
  }

  /** The amount of this kind in {@code r}; zero means not declared. */
  public double amountIn(Resources r) {
    return switch (this) {
      case CORES -> r.cores();
      case MEMORY -> r.memoryMb();
      case DISK -> r.diskMb();
      case GPUS -> r.gpus();
    };
  }

  /**
   * {@code r} with the amount of this kind replaced. Megabytes and GPUs are whole numbers, so a
   * fractional amount is rounded up: an allocation is never smaller than asked.
   */
  public Resources with(Resources r, double amount) {
    return switch (this) {
      case CORES -> new Resources(amount, r.memoryMb(), r.diskMb(), r.gpus());
      case MEMORY -> new Resources(r.cores(), (long) Math.ceil(amount), r.diskMb(), r.gpus());
      case DISK -> new Resources(r.cores(), r.memoryMb(), (long) Math.ceil(amount), r.gpus());
      case GPUS -> new Resources(r.cores(), r.memoryMb(), r.diskMb(), (int) Math.ceil(amount));
    };
  }
}

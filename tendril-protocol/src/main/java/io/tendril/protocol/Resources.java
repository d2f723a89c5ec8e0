package io.tendril.protocol;

/**
 * Cores, memory (MB), disk (MB) and GPUs: what a worker has, or what a task declares. In a task,
 * zero means "not declared".
 *
 * @param cores cores, possibly fractional
 * @param memoryMb memory in megabytes
 * @param diskMb disk in megabytes
 * @param gpus GPUs
 */
public record Resources(double cores, long memoryMb, long diskMb, int gpus) {
  /** Nothing declared. */
  public static final Resources NONE = new Resources(0, 0, 0, 0);

  /** Checks that no amount is negative or not a number. */
  public Resources {
    if (!(cores >= 0) || memoryMb < 0 || diskMb < 0 || gpus < 0) {
      throw new IllegalArgumentException(
          "resources must not be negative: cores=" + cores + " memoryMb=" + memoryMb
              + " diskMb=" + diskMb + " gpus=" + gpus);
    }
  }

  /** Whether nothing is declared. */
  public boolean isNone() {
    return cores == 0 && memoryMb == 0 && diskMb == 0 && gpus == 0;
  }

  /** Whether every amount of this fits within {@code available}. */
  public boolean fitsIn(Resources available) {
    return cores <= available.cores + 1e-9
        && memoryMb <= available.memoryMb
        && diskMb <= available.diskMb
        && gpus <= available.gpus;
  }

  /** This plus another, amount by amount; an amount too large for its type stays at the largest. */
  public Resources plus(Resources o) {
    return new Resources(cores + o.cores, saturated(memoryMb, o.memoryMb), saturated(diskMb, o.diskMb),
        (int) Math.min(Integer.MAX_VALUE, (long) gpus + o.gpus));
  }

  private static long saturated(long a, long b) {
    long sum = a + b;
    // Both are never negative, so an overflow shows as a negative sum.
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** This minus another, amount by amount, never below zero. */
  public Resources minus(Resources o) {
    return new Resources(Math.max(0, cores - o.cores), Math.max(0, memoryMb - o.memoryMb),
        Math.max(0, diskMb - o.diskMb), Math.max(0, gpus - o.gpus));
  }

  /** The wire form. */
  public io.tendril.protocol.wire.Resources toWire() {
    return io.tendril.protocol.wire.Resources.newBuilder()
        .setCores(cores).setMemoryMb(memoryMb).setDiskMb(diskMb).setGpus(gpus).build();
  }

  /**
   * From the wire form; negative amounts become zero, and so do cores that are not a finite number
   * (NaN, infinity), which a peer could send but nothing can count with.
   */
  public static Resources fromWire(io.tendril.protocol.wire.Resources r) {
    return new Resources(Double.isFinite(r.getCores()) ? Math.max(0, r.getCores()) : 0,
        Math.max(0, r.getMemoryMb()), Math.max(0, r.getDiskMb()), Math.max(0, r.getGpus()));
  }

  @Override
  public String toString() {
    return "cores=" + (cores == Math.rint(cores) ? String.valueOf((long) cores) : String.valueOf(cores))
        + " memory=" + memoryMb + "MB disk=" + diskMb + "MB gpus=" + gpus;
  }
}

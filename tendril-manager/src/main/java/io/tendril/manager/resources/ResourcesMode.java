package io.tendril.manager.resources;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How a category chooses the resources of its tasks: the declared amounts as they are, or a first
 * allocation learned from the peaks its finished tasks measured, with a retry at the category's
 * maximum for a task that exceeds it. The formulas are in {@link FirstAllocation} and
 * docs/allocation.md.
 */
public enum ResourcesMode {
  /**
   * The declared amounts, always; a task that exceeds them fails for good with resource
   * exhaustion. TaskVine's default.
   */
  FIXED("fixed"),
  /**
   * The largest peak seen (plus a third of a bucket, rounded up to a bucket boundary) once the
   * category is steady; a task that exceeds it is retried at the category's maximum.
   */
  MAX("max"),
  /**
   * The first allocation that minimises the expected resource × time a task holds, counting the
   * retry at the category's maximum of the tasks that exceed it.
   */
  MIN_WASTE("min waste"),
  /**
   * The first allocation that maximises the expected tasks finished per unit of resource × time,
   * counting the retry at the category's maximum of the tasks that exceed it.
   */
  MAX_THROUGHPUT("max throughput");

  private final String label;

  ResourcesMode(String label) {
    this.label = label;
  }

  /** The name TaskVine's {@code set_category_mode} uses: "fixed", "max", "min waste", "max throughput". */
  public String label() {
    return label;
  }

  /** Whether the category learns a first allocation from measurements (every mode but {@link #FIXED}). */
  public boolean isAutomatic() {
    return this != FIXED;
  }

  /**
   * The mode a name stands for. Case does not matter, and the words of a two-word name may be
   * separated by spaces, '-' or '_': "min waste", "min-waste", "MIN_WASTE" and "Max Throughput"
   * are all accepted.
   *
   * @param name a mode's name
   * @return the mode
   * @throws IllegalArgumentException if the name is none of the accepted ones; the message names it
   *     and lists those
   */
  public static ResourcesMode parse(String name) {
    Objects.requireNonNull(name, "resources mode must not be null");
    String normal = name.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", " ");
    for (ResourcesMode m : values()) {
      if (m.label.equals(normal)) {
        return m;
      }
    }
    String accepted = Arrays.stream(values()).map(m -> "'" + m.label + "'").collect(Collectors.joining(", "));
    throw new IllegalArgumentException("unknown resources mode '" + name + "': accepted modes are " + accepted
        + " (any case; words separated by a space, '-' or '_')");
  }
}

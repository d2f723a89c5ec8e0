package io.tendril.manager.resources;

import io.tendril.protocol.Resources;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a user declares about a category: its mode, its maximum and minimum resources, a guess at
 * the first allocation, how many of its tasks may run at once, which resources are learned
 * automatically, and the histogram bucket sizes. Immutable; built with {@link #builder(String)}.
 * {@link CategoryStats} applies it.
 *
 * <pre>{@code
 * CategorySpec spec = CategorySpec.builder("align")
 *     .mode(ResourcesMode.MIN_WASTE)
 *     .max(new Resources(1, 4000, 0, 0))
 *     .build();
 * }</pre>
 *
 * <p>In every {@link Resources} here zero means "not declared". An undeclared maximum means a whole
 * worker's share; an undeclared minimum means none.
 */
public final class CategorySpec {
  /** The category a task belongs to unless it names another. */
  public static final String DEFAULT_NAME = "default";
  /**
   * Completions (without a new maximum) before a category is steady and computes its first
   * allocation, and how often it recomputes it: TaskVine's {@code category-steady-n-tasks}.
   */
  public static final int DEFAULT_STEADY_AFTER_TASKS = 25;

  private final String name;
  private final ResourcesMode mode;
  private final Resources max;
  private final Resources min;
  private final Resources firstGuess;
  private final int maxConcurrent;
  private final Set<ResourceKind> autolabeled;
  private final Map<ResourceKind, Double> bucketSizes;
  private final int steadyAfterTasks;

  private CategorySpec(Builder b) {
    name = b.name;
    mode = b.mode;
    max = b.max;
    min = b.min;
    firstGuess = b.firstGuess;
    maxConcurrent = b.maxConcurrent;
    autolabeled = Collections.unmodifiableSet(EnumSet.copyOf(b.autolabeled));
    bucketSizes = Collections.unmodifiableMap(new EnumMap<>(b.bucketSizes));
    steadyAfterTasks = b.steadyAfterTasks;
  }

  /**
   * A builder with the defaults: mode {@link ResourcesMode#FIXED}, nothing declared, no limit on
   * concurrent tasks, cores, memory and disk learned automatically (GPUs not), TaskVine's bucket
   * sizes, steady after {@value #DEFAULT_STEADY_AFTER_TASKS} tasks.
   *
   * @param name the category's name; not blank
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder starting from this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.mode = mode;
    b.max = max;
    b.min = min;
    b.firstGuess = firstGuess;
    b.maxConcurrent = maxConcurrent;
    b.autolabeled = EnumSet.copyOf(autolabeled);
    b.bucketSizes = new EnumMap<>(bucketSizes);
    b.steadyAfterTasks = steadyAfterTasks;
    return b;
  }

  /** The category's name. */
  public String name() {
    return name;
  }

  /** How allocations are chosen. */
  public ResourcesMode mode() {
    return mode;
  }

  /** The most a task of the category gets; zero amounts are not declared (a whole worker's share). */
  public Resources max() {
    return max;
  }

  /** The least a learned first allocation may be; zero amounts are not declared. */
  public Resources min() {
    return min;
  }

  /**
   * The first allocation to use in an automatic mode until one is computed from measurements;
   * {@link Resources#NONE} when not given.
   */
  public Resources firstGuess() {
    return firstGuess;
  }

  /** How many tasks of the category may run at once; zero for no limit. Enforced by the scheduler. */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /** Whether the first allocation of {@code kind} is learned in automatic modes. */
  public boolean autolabels(ResourceKind kind) {
    return autolabeled.contains(kind);
  }

  /** The resources whose first allocation is learned in automatic modes. */
  public Set<ResourceKind> autolabeled() {
    return autolabeled;
  }

  /** The width of the histogram buckets of {@code kind}. */
  public double bucketSize(ResourceKind kind) {
    return bucketSizes.get(kind);
  }

  /** Completions before the category is steady, and the period of recomputing its first allocation. */
  public int steadyAfterTasks() {
    return steadyAfterTasks;
  }

  @Override
  public String toString() {
    return "CategorySpec[" + name + ", mode=" + mode.label() + ", max=" + max + ", min=" + min
        + (firstGuess.isNone() ? "" : ", firstGuess=" + firstGuess)
        + (maxConcurrent == 0 ? "" : ", maxConcurrent=" + maxConcurrent) + ", autolabel=" + autolabeled + "]";
  }

  /** Builds a {@link CategorySpec}; each setter returns the builder. */
  public static final class Builder {
    private final String name;
    private ResourcesMode mode = ResourcesMode.FIXED;
    private Resources max = Resources.NONE;
    private Resources min = Resources.NONE;
    private Resources firstGuess = Resources.NONE;
    private int maxConcurrent;
    private Set<ResourceKind> autolabeled = EnumSet.of(ResourceKind.CORES, ResourceKind.MEMORY, ResourceKind.DISK);
    private Map<ResourceKind, Double> bucketSizes = new EnumMap<>(ResourceKind.class);
    private int steadyAfterTasks = DEFAULT_STEADY_AFTER_TASKS;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      for (ResourceKind k : ResourceKind.values()) {
        bucketSizes.put(k, k.defaultBucketSize());
      }
    }

    /** The mode (default {@link ResourcesMode#FIXED}). */
    public Builder mode(ResourcesMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The mode by name, as {@link ResourcesMode#parse} reads it ("min waste", "max-throughput", …). */
    public Builder mode(String mode) {
      return mode(ResourcesMode.parse(mode));
    }

    /** The maximum (default none declared). */
    public Builder max(Resources max) {
      this.max = Objects.requireNonNull(max, "max");
      return this;
    }

    /** The minimum of a learned first allocation (default none declared). */
    public Builder min(Resources min) {
      this.min = Objects.requireNonNull(min, "min");
      return this;
    }

    /** The first allocation to use until one is computed (default none). */
    public Builder firstGuess(Resources firstGuess) {
      this.firstGuess = Objects.requireNonNull(firstGuess, "firstGuess");
      return this;
    }

    /** How many tasks may run at once; zero for no limit (the default). */
    public Builder maxConcurrent(int maxConcurrent) {
      if (maxConcurrent < 0) {
        throw new IllegalArgumentException("maxConcurrent must be >= 0 (0 for no limit), got " + maxConcurrent);
      }
      this.maxConcurrent = maxConcurrent;
      return this;
    }

    /** Whether the first allocation of {@code kind} is learned (default: cores, memory, disk yes; GPUs no). */
    public Builder autolabel(ResourceKind kind, boolean learned) {
      Objects.requireNonNull(kind, "kind");
      if (learned) {
        autolabeled.add(kind);
      } else {
        autolabeled.remove(kind);
      }
      return this;
    }

    /** The histogram bucket width of {@code kind} (default {@link ResourceKind#defaultBucketSize()}). */
    public Builder bucketSize(ResourceKind kind, double size) {
      Objects.requireNonNull(kind, "kind");
      if (!(size > 0) || Double.isInfinite(size)) {
        throw new IllegalArgumentException("bucketSize of " + kind.label() + " must be positive and finite, got " + size);
      }
      bucketSizes.put(kind, size);
      return this;
    }

    /** Completions before steady state and between recomputations (default {@value CategorySpec#DEFAULT_STEADY_AFTER_TASKS}). */
    public Builder steadyAfterTasks(int tasks) {
      if (tasks < 1) {
        throw new IllegalArgumentException("steadyAfterTasks must be at least 1, got " + tasks);
      }
      this.steadyAfterTasks = tasks;
      return this;
    }

    /**
     * The spec.
     *
     * @throws IllegalArgumentException if a declared minimum or first guess is above the declared
     *     maximum of the same resource; the message names the resource and both amounts
     */
    public CategorySpec build() {
      for (ResourceKind k : ResourceKind.values()) {
        double top = k.amountIn(max);
        if (top <= 0) {
          continue;
        }
        checkBelow("min", k.amountIn(min), top, k);
        checkBelow("firstGuess", k.amountIn(firstGuess), top, k);
      }
      return new CategorySpec(this);
    }

    private void checkBelow(String field, double amount, double top, ResourceKind k) {
      if (amount > top) {
        throw new IllegalArgumentException("category '" + name + "': " + field + " " + k.label() + " ("
            + format(amount) + " " + k.unit() + ") is above max " + k.label() + " (" + format(top) + " "
            + k.unit() + ")");
      }
    }

    private static String format(double v) {
      return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
  }
}

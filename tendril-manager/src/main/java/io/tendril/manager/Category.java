package io.tendril.manager;

import io.tendril.manager.resources.CategorySpec;
import io.tendril.manager.resources.ResourceKind;
import io.tendril.manager.resources.ResourcesMode;
import io.tendril.protocol.Resources;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Configures one category of a manager's tasks; get it with {@link Manager#category(String)}. A
 * task belongs to the category it names ({@link CommandTask.Builder#category}, {@code "default"}
 * unless it names another; a function call of {@link Manager#get} belongs to its function's). Its
 * tasks ask for the resources the category's mode chooses, and the category learns from every one
 * of them the worker measured (docs/allocation.md).
 *
 * <pre>{@code
 * manager.category("align")
 *     .mode(ResourcesMode.MIN_WASTE)
 *     .max(1, 4000, 0, 0)        // at most 1 core and 4000 MB; disk: a share of the worker
 *     .firstGuess(0, 500, 0, 0)  // 500 MB until an allocation is learned
 *     .maxConcurrent(8);
 * }</pre>
 *
 * <p>Each setter applies at once, on the manager's loop, to the tasks dispatched from then on, and
 * is safe from any thread; a category keeps its measurements when it is reconfigured. Amounts of
 * zero are not declared: an undeclared maximum is a whole worker's share, an undeclared minimum or
 * first guess none. Amounts a task declares itself always replace the category's.
 */
public final class Category {
  /**
   * Applies a change to the category's spec on the manager's loop and returns the spec then in
   * force; a null change only reads it.
   */
  interface Configurer {
    CategorySpec apply(String name, UnaryOperator<CategorySpec.Builder> change);
  }

  private final String name;
  private final Configurer configurer;

  Category(String name, Configurer configurer) {
    this.name = name;
    this.configurer = configurer;
  }

  /** The category's name. */
  public String name() {
    return name;
  }

  /** What the category is configured with now. */
  public CategorySpec spec() {
    return configurer.apply(name, null);
  }

  /**
   * How allocations are chosen (default {@link ResourcesMode#FIXED}: the maximum, as declared,
   * and exhaustion is final).
   */
  public Category mode(ResourcesMode mode) {
    Objects.requireNonNull(mode, "mode");
    return change(b -> b.mode(mode));
  }

  /**
   * The mode by name: "fixed", "max", "min waste", "max throughput" (any case; words separated by
   * a space, '-' or '_').
   *
   * @throws IllegalArgumentException for another name; the message lists the accepted ones
   */
  public Category mode(String mode) {
    return mode(ResourcesMode.parse(mode));
  }

  /**
   * The most a task of the category is given, and what it is retried with after exceeding its
   * first allocation (default: nothing declared, a whole worker's share).
   *
   * @throws IllegalArgumentException if it is below the minimum or first guess of a resource
   */
  public Category max(Resources max) {
    Objects.requireNonNull(max, "max");
    return change(b -> b.max(max));
  }

  /** The maximum: cores, memory in MB, disk in MB, GPUs; zero for not declared. See {@link #max(Resources)}. */
  public Category max(double cores, long memoryMb, long diskMb, int gpus) {
    return max(new Resources(cores, memoryMb, diskMb, gpus));
  }

  /** The least a learned first allocation may be (default none). */
  public Category min(Resources min) {
    Objects.requireNonNull(min, "min");
    return change(b -> b.min(min));
  }

  /** The minimum: cores, memory in MB, disk in MB, GPUs; zero for not declared. See {@link #min(Resources)}. */
  public Category min(double cores, long memoryMb, long diskMb, int gpus) {
    return min(new Resources(cores, memoryMb, diskMb, gpus));
  }

  /**
   * The first allocation to use in an automatic mode until one is learned from measurements
   * (default none: the maximum until then).
   */
  public Category firstGuess(Resources guess) {
    Objects.requireNonNull(guess, "guess");
    return change(b -> b.firstGuess(guess));
  }

  /** The first guess: cores, memory in MB, disk in MB, GPUs; zero for not declared. See {@link #firstGuess(Resources)}. */
  public Category firstGuess(double cores, long memoryMb, long diskMb, int gpus) {
    return firstGuess(new Resources(cores, memoryMb, diskMb, gpus));
  }

  /** How many of the category's tasks may run at once (default 0: no limit). */
  public Category maxConcurrent(int tasks) {
    return change(b -> b.maxConcurrent(tasks));
  }

  /**
   * How many measured tasks the category waits for before it computes a first allocation, and
   * how often it computes it again (default {@value CategorySpec#DEFAULT_STEADY_AFTER_TASKS},
   * TaskVine's {@code category-steady-n-tasks}).
   */
  public Category steadyAfterTasks(int tasks) {
    return change(b -> b.steadyAfterTasks(tasks));
  }

  /**
   * The width of the buckets in which the category's measured peaks of {@code kind} are counted
   * (default {@link ResourceKind#defaultBucketSize()}: 250 MB of memory or disk, 1 core, 1 GPU).
   * The first allocation is a bucket boundary, so the width is the step in which it can move; a
   * category whose tasks use tens of megabytes needs narrower buckets than the default. Changing
   * it starts that resource's histogram afresh.
   */
  public Category bucketSize(ResourceKind kind, double size) {
    Objects.requireNonNull(kind, "kind");
    return change(b -> b.bucketSize(kind, size));
  }

  private Category change(UnaryOperator<CategorySpec.Builder> c) {
    configurer.apply(name, c);
    return this;
  }

  @Override
  public String toString() {
    return "category " + name;
  }
}

package io.tendril.manager.resources;

import io.tendril.protocol.Resources;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One category's learned state: the histograms of its tasks' measured peaks, the largest peaks
 * seen, and the first allocation computed from them. It answers the scheduler's two questions,
 * "what does the next task of this category ask for" ({@link #allocationFor}) and "what does a
 * task that exhausted resource R ask for now" ({@link #retryAfterExhaustion}), and learns from each
 * finished attempt ({@link #record}). Its counterpart is the worker's resource monitor, whose
 * measurements it is fed.
 *
 * <p><b>Policy</b> (TaskVine's two steps, docs/allocation.md). In {@link ResourcesMode#FIXED} every
 * attempt asks for the category's maximum (its declared amounts) and exhaustion is final. In the
 * automatic modes a task asks for the maximum until the category is <em>steady</em>, then for the
 * first allocation ({@link FirstAllocation}); a task that exhausts it is retried at the maximum, and
 * one that exhausts a declared maximum fails for good. Amounts the task itself declares are never
 * changed, and exhausting one of them is final.
 *
 * <p><b>State</b> (the {@link CategorySpec} is replaced only by {@link #respecify}):
 * <ul>
 *   <li>{@code histograms}: per resource, the peaks and wall times of attempts that were not
 *       exhausted; never shrink.
 *   <li>{@code maxSeen}: per resource, the largest peak of any attempt, exhausted or not.
 *   <li>{@code sinceReset}: completions since the count last restarted. Before the category is
 *       steady, a completion whose peak of a learned resource without a declared maximum lies above
 *       every bucket so far restarts it: the maxima are still growing. Steady means {@code sinceReset
 *       ≥ steadyAfterTasks}; once steady, it stays so.
 *   <li>{@code first}: the first allocation, or none. It starts as the spec's guess (if any) and is
 *       recomputed every {@code steadyAfterTasks} completions since the reset, the first time when
 *       the category becomes steady. Only learned resources have an amount in it; the others take
 *       the maximum.
 * </ul>
 *
 * <p>Not thread-safe and not locked: a category is owned by the manager's event loop, which is the
 * only thread that calls it.
 */
public final class CategoryStats {
  private CategorySpec spec;
  private final Map<ResourceKind, ResourceHistogram> histograms = new EnumMap<>(ResourceKind.class);
  private Resources maxSeen = Resources.NONE;
  /** Null when there is no first allocation; never {@link Resources#NONE}. */
  private Resources first;
  private long completions;
  private long exhaustions;
  private long sinceReset;

  /**
   * A category with no measurements yet.
   *
   * @param spec what the user declared
   */
  public CategoryStats(CategorySpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    for (ResourceKind k : ResourceKind.values()) {
      histograms.put(k, new ResourceHistogram(spec.bucketSize(k)));
    }
    first = initialFirst();
  }

  /** What the user declared. */
  public CategorySpec spec() {
    return spec;
  }

  /**
   * Replaces what the user declared (a new mode, maximum, …), keeping the measurements. A resource
   * whose bucket size changes starts an empty histogram, and the steady count restarts. The first
   * allocation is recomputed at once if the category is steady in an automatic mode; otherwise it
   * becomes the new spec's guess, if any.
   *
   * @param newSpec the new declaration
   */
  public void respecify(CategorySpec newSpec) {
    Objects.requireNonNull(newSpec, "newSpec");
    for (ResourceKind k : ResourceKind.values()) {
      if (newSpec.bucketSize(k) != spec.bucketSize(k)) {
        histograms.put(k, new ResourceHistogram(newSpec.bucketSize(k)));
        sinceReset = 0;
      }
    }
    spec = newSpec;
    if (spec.mode().isAutomatic() && isSteady()) {
      recompute();
    } else {
      first = initialFirst();
    }
  }

  /**
   * What the next attempt of a task asks for: the first allocation when there is one (automatic
   * modes), else the maximum. The task's own declared amounts replace the category's.
   *
   * @param declared the amounts the task itself declared; zero where it declared nothing
   * @return the request and its step; {@link AllocationStep#MAX} when it equals the maximum
   */
  public Allocation allocationFor(Resources declared) {
    Objects.requireNonNull(declared, "declared");
    Resources max = maxRequest(declared);
    if (!spec.mode().isAutomatic() || first == null) {
      return new Allocation(max, AllocationStep.MAX);
    }
    Resources request = overlay(overlay(spec.max(), first), declared);
    return new Allocation(request, request.equals(max) ? AllocationStep.MAX : AllocationStep.FIRST);
  }

  /**
   * What a task asks for after an attempt was stopped for exhausting one resource, or empty when
   * the exhaustion is final. Final: in {@link ResourcesMode#FIXED}; when the task itself declared
   * the exhausted amount; when the attempt already had the category's declared maximum of it. Else
   * a first-step attempt is retried at the maximum, and a maximum-step attempt of a resource without
   * a declared maximum (it had a whole worker's share) asks for twice what it had, so that it waits
   * for a worker large enough.
   *
   * @param declared the amounts the task itself declared
   * @param failed what the failed attempt asked for
   * @param allocated what the failed attempt had on its worker (the request filled in by the
   *     worker's allocation rule)
   * @param exhausted the resource it exceeded
   * @return the next attempt's allocation, or empty if the task fails with resource exhaustion
   */
  public Optional<Allocation> retryAfterExhaustion(
      Resources declared, Allocation failed, Resources allocated, ResourceKind exhausted) {
    Objects.requireNonNull(declared, "declared");
    Objects.requireNonNull(failed, "failed");
    Objects.requireNonNull(allocated, "allocated");
    Objects.requireNonNull(exhausted, "exhausted");
    if (!spec.mode().isAutomatic() || exhausted.amountIn(declared) > 0) {
      return Optional.empty();
    }
    Resources max = maxRequest(declared);
    double top = exhausted.amountIn(spec.max());
    double had = Math.max(exhausted.amountIn(failed.request()), exhausted.amountIn(allocated));
    if (top > 0) {
      return had >= top ? Optional.empty() : Optional.of(new Allocation(max, AllocationStep.MAX));
    }
    if (failed.step() == AllocationStep.FIRST) {
      return Optional.of(new Allocation(max, AllocationStep.MAX));
    }
    if (had <= 0) {
      return Optional.empty(); // nothing to grow from: the attempt had none of it
    }
    return Optional.of(new Allocation(exhausted.with(max, 2 * had), AllocationStep.MAX));
  }

  /**
   * Learns from one finished attempt.
   *
   * @param m what was measured
   * @return whether the first allocation changed (worth a line in the transaction log)
   */
  public boolean record(TaskMeasurement m) {
    Objects.requireNonNull(m, "m");
    maxSeen = largest(maxSeen, m.peak());
    if (m.exhausted()) {
      exhaustions++;
      return false;
    }
    if (!isSteady() && raisesAMaximum(m.peak())) {
      sinceReset = 0;
    }
    for (ResourceKind k : ResourceKind.values()) {
      histograms.get(k).add(k.amountIn(m.peak()), m.wallTime());
    }
    completions++;
    sinceReset++;
    if (spec.mode().isAutomatic() && sinceReset % spec.steadyAfterTasks() == 0) {
      return recompute();
    }
    return false;
  }

  /**
   * The first allocation in effect: amounts for the learned resources (zero for the others, which
   * take the maximum); empty while there is none.
   */
  public Optional<Resources> firstAllocation() {
    return Optional.ofNullable(first);
  }

  /** Whether enough completions without a new maximum were seen for the first allocation to be computed. */
  public boolean isSteady() {
    return sinceReset >= spec.steadyAfterTasks();
  }

  /** The largest peak of each resource over every recorded attempt, exhausted ones included. */
  public Resources maxSeen() {
    return maxSeen;
  }

  /** Attempts recorded that were not exhausted. */
  public long completions() {
    return completions;
  }

  /** Attempts recorded that were stopped for exhausting a resource. */
  public long exhaustions() {
    return exhaustions;
  }

  /** A copy of the histogram of one resource's peaks. */
  public ResourceHistogram histogram(ResourceKind kind) {
    return histograms.get(Objects.requireNonNull(kind, "kind")).copy();
  }

  @Override
  public String toString() {
    return "CategoryStats[" + spec.name() + ", mode=" + spec.mode().label() + ", completions=" + completions
        + ", exhaustions=" + exhaustions + ", steady=" + isSteady() + ", first=" + (first == null ? "none" : first)
        + ", maxSeen=" + maxSeen + "]";
  }

  private Resources initialFirst() {
    return spec.mode().isAutomatic() && !spec.firstGuess().isNone() ? spec.firstGuess() : null;
  }

  /** Recomputes {@code first} from the histograms; true if it changed. */
  private boolean recompute() {
    Resources next = Resources.NONE;
    for (ResourceKind k : spec.autolabeled()) {
      OptionalDouble a = FirstAllocation.of(spec.mode(), histograms.get(k), k.amountIn(spec.max()));
      if (a.isPresent()) {
        next = k.with(next, Math.max(a.getAsDouble(), k.amountIn(spec.min())));
      }
    }
    Resources old = first;
    first = next.isNone() ? null : next;
    return !Objects.equals(old, first);
  }

  private boolean raisesAMaximum(Resources peak) {
    for (ResourceKind k : spec.autolabeled()) {
      if (k.amountIn(spec.max()) > 0) {
        continue; // a declared maximum bounds it already
      }
      ResourceHistogram h = histograms.get(k);
      if (k.amountIn(peak) > h.roundUp(h.maxValue())) {
        return true;
      }
    }
    return false;
  }

  /** The category's maximum with the task's declared amounts in place of the category's. */
  private Resources maxRequest(Resources declared) {
    return overlay(spec.max(), declared);
  }

  /** {@code base} with each amount {@code top} declares (non-zero) in its place. */
  private static Resources overlay(Resources base, Resources top) {
    Resources r = base;
    for (ResourceKind k : ResourceKind.values()) {
      double v = k.amountIn(top);
      if (v > 0) {
        r = k.with(r, v);
      }
    }
    return r;
  }

  private static Resources largest(Resources a, Resources b) {
    return new Resources(Math.max(a.cores(), b.cores()), Math.max(a.memoryMb(), b.memoryMb()),
        Math.max(a.diskMb(), b.diskMb()), Math.max(a.gpus(), b.gpus()));
  }
}

package io.tendril.manager.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.Resources;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The two-step policy: what a task asks for, what a retry asks for, and when the category learns. */
class CategoryStatsTest {
  private static final Resources NONE = Resources.NONE;

  private static CategoryStats stats(CategorySpec.Builder b) {
    return new CategoryStats(b.build());
  }

  private static Resources peak(double cores, long memoryMb) {
    return new Resources(cores, memoryMb, 0, 0);
  }

  /** Records {@code n} completions of the given peak, 10 s each; returns the last record's answer. */
  private static boolean done(CategoryStats c, int n, Resources peak) {
    boolean changed = false;
    for (int i = 0; i < n; i++) {
      changed = c.record(TaskMeasurement.completed(peak, Duration.ofSeconds(10)));
    }
    return changed;
  }

  @Test
  void fixedAsksForTheDeclaredMaximumAndNeverRetries() {
    CategoryStats c = stats(CategorySpec.builder("f").max(new Resources(2, 1000, 0, 0)));
    assertThat(c.allocationFor(NONE)).isEqualTo(new Allocation(new Resources(2, 1000, 0, 0), AllocationStep.MAX));
    // The task's own amounts replace the category's, resource by resource.
    assertThat(c.allocationFor(new Resources(0, 500, 0, 1)).request()).isEqualTo(new Resources(2, 500, 0, 1));
    assertThat(done(c, 60, peak(1, 100))).isFalse();
    // Measurements are kept (for status), but no first allocation is ever learned.
    assertThat(c.histogram(ResourceKind.MEMORY).count()).isEqualTo(60);
    assertThat(c.firstAllocation()).isEmpty();
    assertThat(c.allocationFor(NONE).step()).isEqualTo(AllocationStep.MAX);
    Allocation a = c.allocationFor(NONE);
    assertThat(c.retryAfterExhaustion(NONE, a, a.request(), ResourceKind.MEMORY)).isEmpty();
  }

  @Test
  void anAutomaticCategoryAsksForTheMaximumUntilSteady() {
    CategoryStats c = stats(CategorySpec.builder("a").mode(ResourcesMode.MIN_WASTE).max(new Resources(1, 1000, 0, 0)));
    assertThat(done(c, 24, peak(1, 100))).isFalse();
    assertThat(c.isSteady()).isFalse();
    assertThat(c.allocationFor(NONE)).isEqualTo(new Allocation(new Resources(1, 1000, 0, 0), AllocationStep.MAX));
    // The 25th completion makes it steady. Cores: one bucket ≤1 = max → 1. Memory: one bucket ≤250 → 250.
    // Disk: every peak 0 → not declared.
    assertThat(done(c, 1, peak(1, 100))).isTrue();
    assertThat(c.isSteady()).isTrue();
    assertThat(c.firstAllocation()).contains(new Resources(1, 250, 0, 0));
    assertThat(c.allocationFor(NONE)).isEqualTo(new Allocation(new Resources(1, 250, 0, 0), AllocationStep.FIRST));
  }

  @Test
  void withoutAMaximumTheFirstTasksTakeAWholeWorker() {
    CategoryStats c = stats(CategorySpec.builder("w").mode(ResourcesMode.MIN_WASTE));
    assertThat(c.allocationFor(NONE)).isEqualTo(new Allocation(NONE, AllocationStep.MAX));
    done(c, 25, peak(0.7, 300));
    // a_m = roundUp(300) = 500 and the only candidate is 500; cores ≤1.
    assertThat(c.allocationFor(NONE)).isEqualTo(new Allocation(new Resources(1, 500, 0, 0), AllocationStep.FIRST));
  }

  @Test
  void aNewMaximumBeforeSteadyRestartsTheCount() {
    CategoryStats c = stats(CategorySpec.builder("n").mode(ResourcesMode.MIN_WASTE).steadyAfterTasks(5));
    done(c, 4, peak(1, 100));
    // 200 MB is in the ≤250 bucket already seen: no new maximum, and the 5th completion makes it steady…
    CategoryStats same = stats(CategorySpec.builder("n").mode(ResourcesMode.MIN_WASTE).steadyAfterTasks(5));
    done(same, 4, peak(1, 100));
    done(same, 1, peak(1, 200));
    assertThat(same.isSteady()).isTrue();
    // …but 900 MB lies above every bucket so far: the count restarts at this completion.
    done(c, 1, peak(1, 900));
    assertThat(c.isSteady()).isFalse();
    done(c, 3, peak(1, 100));
    assertThat(c.isSteady()).isFalse();
    assertThat(done(c, 1, peak(1, 100))).isTrue();
    assertThat(c.isSteady()).isTrue();
    // 8 tasks ≤250, 1 ≤1000, 10 s each; a_m = 1000: W(250) = 2500 + 1000·10/9 < W(1000) = 10000.
    assertThat(c.firstAllocation()).contains(new Resources(1, 250, 0, 0));
    // Once steady, a new maximum changes nothing about steadiness.
    done(c, 1, peak(1, 5000));
    assertThat(c.isSteady()).isTrue();
  }

  @Test
  void aDeclaredMaximumIsNoNewMaximum() {
    CategoryStats c = stats(CategorySpec.builder("d").mode(ResourcesMode.MIN_WASTE)
        .max(new Resources(1, 1000, 0, 0)).steadyAfterTasks(5));
    done(c, 4, peak(1, 100));
    done(c, 1, peak(1, 900));
    assertThat(c.isSteady()).isTrue();
  }

  @Test
  void theTasksOwnAmountsAreNeverChanged() {
    CategoryStats c = stats(CategorySpec.builder("t").mode(ResourcesMode.MIN_WASTE).max(new Resources(1, 1000, 0, 0)));
    done(c, 25, peak(1, 100));
    assertThat(c.allocationFor(new Resources(4, 0, 0, 0)))
        .isEqualTo(new Allocation(new Resources(4, 250, 0, 0), AllocationStep.FIRST));
    // Declaring the learned resource leaves nothing to learn: that is the maximum request.
    Allocation own = c.allocationFor(new Resources(0, 2000, 0, 0));
    assertThat(own).isEqualTo(new Allocation(new Resources(1, 2000, 0, 0), AllocationStep.MAX));
    // Exhausting an amount the task declared is final.
    assertThat(c.retryAfterExhaustion(new Resources(0, 2000, 0, 0), own, own.request(), ResourceKind.MEMORY)).isEmpty();
  }

  @Test
  void exceedingTheFirstAllocationRetriesAtTheMaximumThenFails() {
    CategoryStats c = stats(CategorySpec.builder("r").mode(ResourcesMode.MIN_WASTE).max(new Resources(1, 1000, 0, 0)));
    done(c, 25, peak(1, 100));
    Allocation first = c.allocationFor(NONE);
    assertThat(first.step()).isEqualTo(AllocationStep.FIRST);
    Allocation retry = c.retryAfterExhaustion(NONE, first, first.request(), ResourceKind.MEMORY).orElseThrow();
    assertThat(retry).isEqualTo(new Allocation(new Resources(1, 1000, 0, 0), AllocationStep.MAX));
    // Exhausting the declared maximum is final.
    assertThat(c.retryAfterExhaustion(NONE, retry, retry.request(), ResourceKind.MEMORY)).isEmpty();
    // So is exhausting a resource whose first allocation already was the maximum (cores: 1 of 1).
    assertThat(c.retryAfterExhaustion(NONE, first, first.request(), ResourceKind.CORES)).isEmpty();
  }

  @Test
  void withoutADeclaredMaximumARetryTakesAWholeWorkerThenAsksForMore() {
    CategoryStats c = stats(CategorySpec.builder("g").mode(ResourcesMode.MIN_WASTE));
    done(c, 25, peak(1, 100));
    Allocation first = c.allocationFor(NONE);
    assertThat(first.request()).isEqualTo(new Resources(1, 250, 0, 0));
    Allocation whole = c.retryAfterExhaustion(NONE, first, first.request(), ResourceKind.MEMORY).orElseThrow();
    assertThat(whole).isEqualTo(new Allocation(NONE, AllocationStep.MAX));
    // It exhausted a whole 8-core, 16000 MB worker: it needs a worker with at least twice that memory.
    Resources worker = new Resources(8, 16000, 50000, 0);
    assertThat(c.retryAfterExhaustion(NONE, whole, worker, ResourceKind.MEMORY))
        .contains(new Allocation(new Resources(0, 32000, 0, 0), AllocationStep.MAX));
    // Nothing to grow from (a GPU task given no cores exhausting cores) is final.
    assertThat(c.retryAfterExhaustion(NONE, whole, new Resources(0, 16000, 50000, 1), ResourceKind.CORES)).isEmpty();
  }

  @Test
  void exhaustedAttemptsRaiseMaxSeenButStayOutOfTheHistograms() {
    CategoryStats c = stats(CategorySpec.builder("x").mode(ResourcesMode.MIN_WASTE));
    assertThat(c.record(TaskMeasurement.exhausted(peak(1, 1200), Duration.ofSeconds(3)))).isFalse();
    assertThat(c.exhaustions()).isEqualTo(1);
    assertThat(c.completions()).isZero();
    assertThat(c.histogram(ResourceKind.MEMORY).isEmpty()).isTrue();
    assertThat(c.maxSeen()).isEqualTo(peak(1, 1200));
    assertThat(c.isSteady()).isFalse();
  }

  @Test
  void aGuessIsUsedUntilMeasurementsReplaceIt() {
    CategorySpec.Builder b = CategorySpec.builder("guess").mode(ResourcesMode.MIN_WASTE)
        .max(new Resources(1, 1000, 0, 0)).firstGuess(new Resources(1, 500, 0, 0));
    CategoryStats c = stats(b);
    assertThat(c.allocationFor(NONE)).isEqualTo(new Allocation(new Resources(1, 500, 0, 0), AllocationStep.FIRST));
    done(c, 24, peak(1, 100));
    assertThat(c.firstAllocation()).contains(new Resources(1, 500, 0, 0));
    assertThat(done(c, 1, peak(1, 100))).isTrue();
    assertThat(c.firstAllocation()).contains(new Resources(1, 250, 0, 0));
    // A fixed category ignores a guess.
    assertThat(stats(b.mode(ResourcesMode.FIXED)).allocationFor(NONE).request()).isEqualTo(new Resources(1, 1000, 0, 0));
  }

  @Test
  void theMinimumBoundsTheFirstAllocation() {
    CategoryStats c = stats(CategorySpec.builder("m").mode(ResourcesMode.MIN_WASTE)
        .max(new Resources(1, 1000, 0, 0)).min(new Resources(0, 400, 0, 0)));
    done(c, 25, peak(1, 100));
    assertThat(c.firstAllocation()).contains(new Resources(1, 400, 0, 0));
  }

  @Test
  void onlyLearnedResourcesTakeAFirstAllocation() {
    // Memory not learned; GPUs not learned by default. Cores learned: 1 of max 1. Nothing is below the
    // maximum, so the request is the maximum.
    CategoryStats c = stats(CategorySpec.builder("l").mode(ResourcesMode.MIN_WASTE)
        .max(new Resources(1, 1000, 0, 1)).autolabel(ResourceKind.MEMORY, false));
    done(c, 25, new Resources(1, 100, 0, 1));
    assertThat(c.firstAllocation()).contains(new Resources(1, 0, 0, 0));
    assertThat(c.allocationFor(NONE)).isEqualTo(new Allocation(new Resources(1, 1000, 0, 1), AllocationStep.MAX));
  }

  @Test
  void theFirstAllocationIsRecomputedEverySteadyPeriodAndFollowsTheWorkload() {
    CategoryStats c = stats(CategorySpec.builder("p").mode(ResourcesMode.MIN_WASTE).max(new Resources(1, 1000, 0, 0)));
    assertThat(done(c, 25, peak(1, 100))).isTrue();
    // 25 ≤250 and 25 ≤1000 (10 s each): W(250) = 250·10 + 1000·5 = 7500 < W(1000) = 10000.
    assertThat(done(c, 25, peak(1, 900))).isFalse();
    // 25 and 75: W(250) = 2500 + 1000·7.5 = 10000 = W(1000): a tie keeps the smaller.
    assertThat(done(c, 50, peak(1, 900))).isFalse();
    assertThat(c.firstAllocation()).contains(new Resources(1, 250, 0, 0));
    // 25 and 100: W(250) = 2500 + 1000·8 = 10500 > W(1000) = 10000 → 1000, the maximum.
    assertThat(done(c, 25, peak(1, 900))).isTrue();
    assertThat(c.firstAllocation()).contains(new Resources(1, 1000, 0, 0));
    assertThat(c.allocationFor(NONE).step()).isEqualTo(AllocationStep.MAX);
  }

  @Test
  void maxModeFirstTriesTheLargestPeakSeen() {
    CategoryStats c = stats(CategorySpec.builder("max").mode(ResourcesMode.MAX).max(new Resources(2, 4000, 0, 0)));
    done(c, 20, peak(1, 100));
    done(c, 5, peak(1, 1100));
    // Memory: roundUp(1100 + 83) = 1250. Cores: roundUp(1 + 0) = 1.
    assertThat(c.allocationFor(NONE)).isEqualTo(new Allocation(new Resources(1, 1250, 0, 0), AllocationStep.FIRST));
  }

  @Test
  void respecifyingKeepsTheMeasurements() {
    CategoryStats c = stats(CategorySpec.builder("s").max(new Resources(1, 1000, 0, 0)));
    done(c, 30, peak(1, 100));
    assertThat(c.firstAllocation()).isEmpty();
    c.respecify(c.spec().toBuilder().mode(ResourcesMode.MIN_WASTE).build());
    assertThat(c.firstAllocation()).contains(new Resources(1, 250, 0, 0));
    c.respecify(c.spec().toBuilder().mode(ResourcesMode.FIXED).build());
    assertThat(c.firstAllocation()).isEmpty();
    // A new bucket size cannot reuse the old buckets: that histogram starts over and so does the count.
    c.respecify(c.spec().toBuilder().mode(ResourcesMode.MIN_WASTE).bucketSize(ResourceKind.MEMORY, 100).build());
    assertThat(c.histogram(ResourceKind.MEMORY).isEmpty()).isTrue();
    assertThat(c.histogram(ResourceKind.CORES).count()).isEqualTo(30);
    assertThat(c.isSteady()).isFalse();
    done(c, 25, peak(1, 100));
    assertThat(c.firstAllocation()).contains(new Resources(1, 100, 0, 0));
  }

  @Test
  void theHistogramHandedOutIsACopy() {
    CategoryStats c = stats(CategorySpec.builder("h").mode(ResourcesMode.MIN_WASTE));
    done(c, 3, peak(1, 100));
    c.histogram(ResourceKind.MEMORY).add(5000, Duration.ofSeconds(1));
    assertThat(c.histogram(ResourceKind.MEMORY).count()).isEqualTo(3);
    assertThat(c.toString()).contains("h", "min waste", "completions=3");
  }
}

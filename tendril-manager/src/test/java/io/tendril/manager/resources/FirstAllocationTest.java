package io.tendril.manager.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The formulas on small histograms whose answers are worked out by hand in the comments. Notation
 * as in {@link FirstAllocation}: τ̄ mean wall time, S(a) expected time above a, a_m the retry amount.
 */
class FirstAllocationTest {
  private static final double EPS = 1e-9;

  /** {@code n} tasks of peak {@code peak} and {@code seconds} wall time each. */
  private static void add(ResourceHistogram h, int n, double peak, double seconds) {
    for (int i = 0; i < n; i++) {
      h.add(peak, Duration.ofMillis(Math.round(seconds * 1000)));
    }
  }

  /** docs/allocation.md's worked example: 8 tasks at 100 MB and 2 at 900 MB, 10 s each, buckets of 250 MB. */
  private static ResourceHistogram eightSmallTwoLarge() {
    ResourceHistogram h = new ResourceHistogram(250);
    add(h, 8, 100, 10);
    add(h, 2, 900, 10);
    return h;
  }

  @Test
  void minWasteOnTheWorkedExample() {
    ResourceHistogram h = eightSmallTwoLarge();
    // Buckets: ≤250 holds 8 tasks, 80 s; ≤1000 holds 2 tasks, 20 s. N = 10, τ̄ = 100/10 = 10 s.
    // S(250) = 20/10 = 2 s; S(1000) = 0.
    // W(250)  = 250·10 + 1000·2 = 2500 + 2000 = 4500 MB·s per task
    // W(1000) = 1000·10 + 1000·0 = 10000 MB·s per task          → a₁ = 250
    assertThat(FirstAllocation.expectedResourceTime(h, 250, 1000)).isCloseTo(4500, within(EPS));
    assertThat(FirstAllocation.expectedResourceTime(h, 1000, 1000)).isCloseTo(10000, within(EPS));
    assertThat(FirstAllocation.minWaste(h, 1000)).hasValue(250);
  }

  @Test
  void maxThroughputOnTheWorkedExample() {
    ResourceHistogram h = eightSmallTwoLarge();
    // P(≤250) = 0.8, P(>250) = 0.2.
    // Θ(250)  = ((1000/250)·0.8 + 0.2) / (10 + 2) = 3.4 / 12 = 0.28333… tasks/s per 1000 MB
    // Θ(1000) = ((1000/1000)·1 + 0)   / (10 + 0) = 1 / 10  = 0.1                       → a₁ = 250
    assertThat(FirstAllocation.throughput(h, 250, 1000)).isCloseTo(3.4 / 12, within(EPS));
    assertThat(FirstAllocation.throughput(h, 1000, 1000)).isCloseTo(0.1, within(EPS));
    assertThat(FirstAllocation.maxThroughput(h, 1000)).hasValue(250);
  }

  @Test
  void minWasteAndMaxThroughputCanDisagree() {
    // Buckets of 100 MB; a_m = 1000. 6 tasks ≤100, 3 tasks ≤200, 1 task ≤900; 10 s each.
    ResourceHistogram h = new ResourceHistogram(100);
    add(h, 6, 100, 10);
    add(h, 3, 200, 10);
    add(h, 1, 900, 10);
    // N = 10, τ̄ = 10. S(100) = (30 + 10)/10 = 4; S(200) = 10/10 = 1; S(900) = 0.
    // W(100) = 100·10 + 1000·4 = 5000
    // W(200) = 200·10 + 1000·1 = 3000   ← min
    // W(900) = 900·10          = 9000
    assertThat(FirstAllocation.minWaste(h, 1000)).hasValue(200);
    // Θ(100) = (10·0.6 + 0.4)/(10 + 4)   = 6.4/14 = 0.45714…   ← max
    // Θ(200) = (5·0.9 + 0.1)/(10 + 1)    = 4.6/11 = 0.41818…
    // Θ(900) = ((1000/900)·1 + 0)/10     = 0.11111…
    assertThat(FirstAllocation.throughput(h, 100, 1000)).isCloseTo(6.4 / 14, within(EPS));
    assertThat(FirstAllocation.throughput(h, 200, 1000)).isCloseTo(4.6 / 11, within(EPS));
    assertThat(FirstAllocation.throughput(h, 900, 1000)).isCloseTo(1000.0 / 900 / 10, within(EPS));
    assertThat(FirstAllocation.maxThroughput(h, 1000)).hasValue(100);
  }

  @Test
  void wallTimeWeighsTheRetries() {
    // Buckets of 100 MB; a_m = 1000. 9 tasks at 100 MB taking 1 s; 1 task at 500 MB taking 100 s.
    ResourceHistogram h = new ResourceHistogram(100);
    add(h, 9, 100, 1);
    add(h, 1, 500, 100);
    // τ̄ = (9 + 100)/10 = 10.9. S(100) = 100/10 = 10. S(500) = 0.
    // W(100) = 100·10.9 + 1000·10 = 1090 + 10000 = 11090
    // W(500) = 500·10.9           = 5450    ← min: retrying the long task at 1000 MB costs too much
    assertThat(FirstAllocation.expectedResourceTime(h, 100, 1000)).isCloseTo(11090, within(EPS));
    assertThat(FirstAllocation.minWaste(h, 1000)).hasValue(500);
    // By count alone (every time 1 s) the small allocation wins:
    // τ̄ = 1, S(100) = 0.1: W(100) = 100 + 100 = 200 < W(500) = 500.
    ResourceHistogram byCount = new ResourceHistogram(100);
    add(byCount, 9, 100, 1);
    add(byCount, 1, 500, 1);
    assertThat(FirstAllocation.minWaste(byCount, 1000)).hasValue(100);
  }

  @Test
  void identicalTasksGetTheirBucket() {
    // 10 tasks at 300 MB, 5 s; buckets of 250 → one bucket ≤500. S(500) = 0.
    ResourceHistogram h = new ResourceHistogram(250);
    add(h, 10, 300, 5);
    // W(500) = 500·5 = 2500 is the only candidate; Θ(500) = (1000/500)/5 = 0.4.
    assertThat(FirstAllocation.minWaste(h, 1000)).hasValue(500);
    assertThat(FirstAllocation.maxThroughput(h, 1000)).hasValue(500);
    // max: roundUp(300 + ⌊250/3⌋) = roundUp(383) = 500.
    assertThat(FirstAllocation.maxSeen(h, 0)).hasValue(500);
    // Without a declared max, a_m = roundUp(300) = 500 too.
    assertThat(FirstAllocation.of(ResourcesMode.MIN_WASTE, h, 0)).hasValue(500);
  }

  @Test
  void anUnknownMaximumIsPricedAtTheLargestPeakSeen() {
    ResourceHistogram h = eightSmallTwoLarge();
    // No declared max: a_m = roundUp(900) = 1000, so the worked example's answers stand.
    assertThat(FirstAllocation.retryAmount(h, 0)).isEqualTo(1000);
    assertThat(FirstAllocation.retryAmount(h, 4000)).isEqualTo(4000);
    assertThat(FirstAllocation.of(ResourcesMode.MIN_WASTE, h, 0)).hasValue(250);
    assertThat(FirstAllocation.of(ResourcesMode.MAX_THROUGHPUT, h, 0)).hasValue(250);
    // A larger declared max makes the retry dearer and the small allocation cheaper relative to it:
    // W(250) = 2500 + 4000·2 = 10500; W(1000) = 10000 ← min. The large tasks are better not retried.
    assertThat(FirstAllocation.of(ResourcesMode.MIN_WASTE, h, 4000)).hasValue(1000);
  }

  @Test
  void maxModeAddsAThirdOfABucketAndRoundsUp() {
    ResourceHistogram h = eightSmallTwoLarge();
    // 900 + ⌊250/3⌋ = 983 → 1000.
    assertThat(FirstAllocation.maxSeen(h, 0)).hasValue(1000);
    assertThat(FirstAllocation.of(ResourcesMode.MAX, h, 0)).hasValue(1000);
    // Capped at the declared max.
    assertThat(FirstAllocation.maxSeen(h, 800)).hasValue(800);
    // 990 + 83 = 1073 → 1250.
    add(h, 1, 990, 1);
    assertThat(FirstAllocation.maxSeen(h, 0)).hasValue(1250);
    // Cores: ⌊1/3⌋ = 0, so 1.5 cores → 2.
    ResourceHistogram cores = new ResourceHistogram(1);
    add(cores, 3, 1.5, 1);
    assertThat(FirstAllocation.maxSeen(cores, 0)).hasValue(2);
  }

  @Test
  void fixedIsTheDeclaredMaximum() {
    ResourceHistogram h = eightSmallTwoLarge();
    assertThat(FirstAllocation.of(ResourcesMode.FIXED, h, 1000)).hasValue(1000);
    assertThat(FirstAllocation.of(ResourcesMode.FIXED, h, 0)).isEmpty();
  }

  @Test
  void anEmptyHistogramHasNoFirstAllocation() {
    ResourceHistogram h = new ResourceHistogram(250);
    assertThat(FirstAllocation.minWaste(h, 1000)).isEmpty();
    assertThat(FirstAllocation.maxThroughput(h, 1000)).isEmpty();
    assertThat(FirstAllocation.maxSeen(h, 1000)).isEmpty();
    for (ResourcesMode m : new ResourcesMode[] {ResourcesMode.MAX, ResourcesMode.MIN_WASTE, ResourcesMode.MAX_THROUGHPUT}) {
      assertThat(FirstAllocation.of(m, h, 1000)).as(m.label()).isEmpty();
      assertThat(FirstAllocation.of(m, h, 0)).as(m.label()).isEmpty();
    }
    assertThatThrownBy(() -> FirstAllocation.expectedResourceTime(h, 250, 1000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the histogram is empty");
  }

  @Test
  void peaksOfZeroGiveNoFirstAllocation() {
    // A resource the tasks never use (disk of a pure computation) stays undeclared.
    ResourceHistogram h = new ResourceHistogram(250);
    add(h, 5, 0, 3);
    assertThat(FirstAllocation.of(ResourcesMode.MIN_WASTE, h, 0)).isEmpty();
    assertThat(FirstAllocation.of(ResourcesMode.MAX_THROUGHPUT, h, 0)).isEmpty();
    assertThat(FirstAllocation.of(ResourcesMode.MAX, h, 0)).isEmpty();
    // With a declared max the zero bucket is still no candidate: nothing beats asking for nothing extra.
    assertThat(FirstAllocation.minWaste(h, 1000)).isEmpty();
  }

  @Test
  void zeroWallTimesCountTasksInstead() {
    ResourceHistogram h = new ResourceHistogram(250);
    add(h, 8, 100, 0);
    add(h, 2, 900, 0);
    // Each task counts 1: τ̄ = 1, S(250) = 0.2. W(250) = 250 + 1000·0.2 = 450 < W(1000) = 1000.
    assertThat(FirstAllocation.expectedResourceTime(h, 250, 1000)).isCloseTo(450, within(EPS));
    assertThat(FirstAllocation.minWaste(h, 1000)).hasValue(250);
    // Θ(250) = 3.4/1.2 = 2.833… > Θ(1000) = 1.
    assertThat(FirstAllocation.maxThroughput(h, 1000)).hasValue(250);
  }

  @Test
  void tiesGoToTheSmallerAllocation() {
    // Buckets of 100; a_m = 200. 5 tasks ≤100 and 5 ≤200, 1 s each. τ̄ = 1, S(100) = 0.5.
    // W(100) = 100 + 200·0.5 = 200 = W(200) = 200·1.
    ResourceHistogram h = new ResourceHistogram(100);
    add(h, 5, 100, 1);
    add(h, 5, 200, 1);
    assertThat(FirstAllocation.expectedResourceTime(h, 100, 200))
        .isCloseTo(FirstAllocation.expectedResourceTime(h, 200, 200), within(EPS));
    assertThat(FirstAllocation.minWaste(h, 200)).hasValue(100);
  }

  @Test
  void neverAboveTheRetryAmount() {
    // Declared max 900 but peaks of 880 land in the ≤1000 bucket: the candidate is capped at 900.
    ResourceHistogram h = new ResourceHistogram(250);
    add(h, 4, 880, 2);
    assertThat(FirstAllocation.minWaste(h, 900)).hasValue(900);
    assertThat(FirstAllocation.maxThroughput(h, 900)).hasValue(900);
    assertThat(FirstAllocation.maxSeen(h, 900)).hasValue(900);
    // With small tasks too: W(250) = 250·τ̄ + 900·S(250); 8 tasks at 100 (2 s) and 4 at 880 (2 s):
    // τ̄ = 2, S(250) = 8/12 = 0.666…; W(250) = 500 + 600 = 1100 < W(900) = 1800.
    add(h, 8, 100, 2);
    assertThat(FirstAllocation.expectedResourceTime(h, 250, 900)).isCloseTo(1100, within(EPS));
    assertThat(FirstAllocation.minWaste(h, 900)).hasValue(250);
  }

  @Test
  void anAllocationBelowEveryBucketRetriesEveryTask() {
    ResourceHistogram h = eightSmallTwoLarge();
    // a = 50 fits nothing: S(50) = τ̄ = 10. W(50) = 50·10 + 1000·10 = 10500.
    assertThat(FirstAllocation.expectedResourceTime(h, 50, 1000)).isCloseTo(10500, within(EPS));
    // Θ(50) = (0 + 1)/(10 + 10) = 0.05.
    assertThat(FirstAllocation.throughput(h, 50, 1000)).isCloseTo(0.05, within(EPS));
    assertThatThrownBy(() -> FirstAllocation.throughput(h, 0, 1000)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRetryAmountOfZeroGivesNothing() {
    ResourceHistogram h = eightSmallTwoLarge();
    assertThat(FirstAllocation.minWaste(h, 0)).isEqualTo(OptionalDouble.empty());
    assertThat(FirstAllocation.maxThroughput(h, -1)).isEmpty();
  }
}

package io.tendril.manager.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.Resources;
import org.junit.jupiter.api.Test;

/** Defaults, validation messages that name the field, and copying through a builder. */
class CategorySpecTest {
  @Test
  void defaultsAreTaskVines() {
    CategorySpec s = CategorySpec.builder("default").build();
    assertThat(s.name()).isEqualTo(CategorySpec.DEFAULT_NAME);
    assertThat(s.mode()).isEqualTo(ResourcesMode.FIXED);
    assertThat(s.max()).isEqualTo(Resources.NONE);
    assertThat(s.min()).isEqualTo(Resources.NONE);
    assertThat(s.firstGuess()).isEqualTo(Resources.NONE);
    assertThat(s.maxConcurrent()).isZero();
    assertThat(s.autolabeled()).containsExactly(ResourceKind.CORES, ResourceKind.MEMORY, ResourceKind.DISK);
    assertThat(s.autolabels(ResourceKind.GPUS)).isFalse();
    assertThat(s.bucketSize(ResourceKind.CORES)).isEqualTo(1);
    assertThat(s.bucketSize(ResourceKind.MEMORY)).isEqualTo(250);
    assertThat(s.bucketSize(ResourceKind.DISK)).isEqualTo(250);
    assertThat(s.bucketSize(ResourceKind.GPUS)).isEqualTo(1);
    assertThat(s.steadyAfterTasks()).isEqualTo(25);
  }

  @Test
  void everySettingIsKeptAndCopied() {
    CategorySpec s = CategorySpec.builder("sim").mode("max-throughput").max(new Resources(4, 8000, 1000, 1))
        .min(new Resources(1, 500, 0, 0)).firstGuess(new Resources(2, 2000, 0, 0)).maxConcurrent(10)
        .autolabel(ResourceKind.GPUS, true).autolabel(ResourceKind.DISK, false)
        .bucketSize(ResourceKind.MEMORY, 100).steadyAfterTasks(5).build();
    CategorySpec copy = s.toBuilder().build();
    for (CategorySpec c : new CategorySpec[] {s, copy}) {
      assertThat(c.name()).isEqualTo("sim");
      assertThat(c.mode()).isEqualTo(ResourcesMode.MAX_THROUGHPUT);
      assertThat(c.max()).isEqualTo(new Resources(4, 8000, 1000, 1));
      assertThat(c.min()).isEqualTo(new Resources(1, 500, 0, 0));
      assertThat(c.firstGuess()).isEqualTo(new Resources(2, 2000, 0, 0));
      assertThat(c.maxConcurrent()).isEqualTo(10);
      assertThat(c.autolabeled()).containsExactly(ResourceKind.CORES, ResourceKind.MEMORY, ResourceKind.GPUS);
      assertThat(c.bucketSize(ResourceKind.MEMORY)).isEqualTo(100);
      assertThat(c.steadyAfterTasks()).isEqualTo(5);
    }
    assertThat(s.toBuilder().mode(ResourcesMode.MAX).build().mode()).isEqualTo(ResourcesMode.MAX);
    assertThat(s.mode()).isEqualTo(ResourcesMode.MAX_THROUGHPUT);
    assertThat(s.toString()).contains("sim", "max throughput", "maxConcurrent=10");
  }

  @Test
  void aMinimumOrGuessAboveTheMaximumIsNamed() {
    assertThatThrownBy(() -> CategorySpec.builder("sim").max(new Resources(0, 1000, 0, 0))
        .min(new Resources(0, 2000, 0, 0)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("category 'sim': min memory (2000 MB) is above max memory (1000 MB)");
    assertThatThrownBy(() -> CategorySpec.builder("sim").max(new Resources(2, 0, 0, 0))
        .firstGuess(new Resources(2.5, 0, 0, 0)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("category 'sim': firstGuess cores (2.5 cores) is above max cores (2 cores)");
    // Without a declared maximum any minimum goes.
    assertThat(CategorySpec.builder("sim").min(new Resources(0, 2000, 0, 0)).build().min().memoryMb())
        .isEqualTo(2000);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> CategorySpec.builder(" ")).hasMessage("name must not be blank");
    assertThatThrownBy(() -> CategorySpec.builder("c").maxConcurrent(-1))
        .hasMessage("maxConcurrent must be >= 0 (0 for no limit), got -1");
    assertThatThrownBy(() -> CategorySpec.builder("c").steadyAfterTasks(0))
        .hasMessage("steadyAfterTasks must be at least 1, got 0");
    assertThatThrownBy(() -> CategorySpec.builder("c").bucketSize(ResourceKind.DISK, 0))
        .hasMessage("bucketSize of disk must be positive and finite, got 0.0");
    assertThatThrownBy(() -> CategorySpec.builder("c").mode("greedy bucketing"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'greedy bucketing'");
  }
}

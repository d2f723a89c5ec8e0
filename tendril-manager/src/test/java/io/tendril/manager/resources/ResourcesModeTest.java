package io.tendril.manager.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Mode names as TaskVine spells them, and the spellings users write in flags and files. */
class ResourcesModeTest {
  @ParameterizedTest
  @CsvSource({
    "fixed, FIXED", "FIXED, FIXED", "' max ', MAX", "min waste, MIN_WASTE", "min-waste, MIN_WASTE",
    "min_waste, MIN_WASTE", "Min  Waste, MIN_WASTE", "MIN_WASTE, MIN_WASTE", "max throughput, MAX_THROUGHPUT",
    "max-throughput, MAX_THROUGHPUT", "max_throughput, MAX_THROUGHPUT", "MAX-THROUGHPUT, MAX_THROUGHPUT"
  })
  void acceptsEveryCaseAndSeparator(String name, ResourcesMode expected) {
    assertThat(ResourcesMode.parse(name)).isEqualTo(expected);
  }

  @Test
  void labelsAreTaskVinesNamesAndParseBack() {
    assertThat(ResourcesMode.values()).extracting(ResourcesMode::label)
        .containsExactly("fixed", "max", "min waste", "max throughput");
    for (ResourcesMode m : ResourcesMode.values()) {
      assertThat(ResourcesMode.parse(m.label())).isEqualTo(m);
      assertThat(ResourcesMode.parse(m.name())).isEqualTo(m);
    }
  }

  @Test
  void onlyFixedIsNotAutomatic() {
    assertThat(ResourcesMode.FIXED.isAutomatic()).isFalse();
    assertThat(ResourcesMode.MAX.isAutomatic()).isTrue();
    assertThat(ResourcesMode.MIN_WASTE.isAutomatic()).isTrue();
    assertThat(ResourcesMode.MAX_THROUGHPUT.isAutomatic()).isTrue();
  }

  @Test
  void anUnknownNameIsNamedWithTheAcceptedOnes() {
    assertThatThrownBy(() -> ResourcesMode.parse("minimal waste"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown resources mode 'minimal waste': accepted modes are 'fixed', 'max', 'min waste',"
            + " 'max throughput' (any case; words separated by a space, '-' or '_')");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "minwaste", "greedy bucketing", "max-"})
  void otherNamesAreRefused(String name) {
    assertThatThrownBy(() -> ResourcesMode.parse(name))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
  }

  @Test
  void nullIsRefusedWithItsName() {
    assertThatThrownBy(() -> ResourcesMode.parse(null))
        .isInstanceOf(NullPointerException.class).hasMessage("resources mode must not be null");
  }
}

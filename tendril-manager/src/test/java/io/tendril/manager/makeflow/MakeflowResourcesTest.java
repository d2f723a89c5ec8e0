package io.tendril.manager.makeflow;

import static io.tendril.manager.makeflow.MakeflowTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.Resources;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cores, memory, disk and GPUs per rule. Makeflow 8.0 reports a category's resources in
 * {@code makeflow_viz -D json} and warns "CORES defined multiple times for category a. Using last
 * defined value"; these tests pin the same answers.
 */
class MakeflowResourcesTest {
  @Test
  void aCategoryTakesTheLastValueAssignedWhileItWasInEffect() throws Exception {
    Workflow w = parse("CATEGORY=a\nCORES=1\nMEMORY=10\nout1: in\n\techo 1 > out1\nCORES=2\n"
        + "out2: in\n\techo 2 > out2\nCATEGORY=b\nout3: in\n\techo 3 > out3\nCATEGORY=a\n"
        + "out4: in\n\techo 4 > out4\n", Map.of());
    assertThat(w.rules()).extracting(Rule::resources).containsExactly(
        new Resources(2, 10, 0, 0), new Resources(2, 10, 0, 0), Resources.NONE,
        new Resources(2, 10, 0, 0));
    assertThat(w.notices()).singleElement().asString()
        .contains("w.mf:2:1: CORES is set to different values for category a (lines 2, 6)");
    // The command still sees the value in effect where it stands.
    assertThat(w.rules().get(0).environment()).containsEntry("CORES", "1");
  }

  @Test
  void categoriesFallBackToTheDefaultCategoryThenTheEnvironment() throws Exception {
    Workflow w = parse("CORES=4\nGPUS=2\nCATEGORY=sim\nMEMORY=50\nout1: in\n\techo\n"
        + "CATEGORY=other\nout2: in\n\techo\nout3: in\nCORES=7\n\techo\n",
        Map.of("DISK", "7", "MEMORY", "800"));
    assertThat(w.rules()).extracting(Rule::resources).containsExactly(
        new Resources(4, 50, 7, 2), new Resources(4, 800, 7, 2), new Resources(7, 800, 7, 2));
  }

  @Test
  void aValueInTheFileOverridesTheEnvironment() throws Exception {
    Workflow w = parse("CORES=4\nMEMORY=100\nout1: in\n\techo\nCORES=3\nout2: in\n\techo\n",
        Map.of("MEMORY", "800", "DISK", "7"));
    assertThat(w.rules()).extracting(Rule::resources)
        .containsOnly(new Resources(3, 100, 7, 0));
  }

  @Test
  void coresMayBeFractionalAndAmountsMayBeQuoted() throws Exception {
    Workflow w = parse("CORES=0.5\nMEMORY=\"1024\"\nDISK='20' \nGPUS=1\nout1: in\n\techo\n",
        Map.of());
    assertThat(w.rules().get(0).resources()).isEqualTo(new Resources(0.5, 1024, 20, 1));
  }

  @Test
  void amountsThatAreNotNumbersAreRefused() {
    assertThatThrownBy(() -> parse("MEMORY=2G\nout1: in\n\techo\n", Map.of()))
        .isInstanceOf(MakeflowException.class)
        .hasMessage("w.mf:1:1: MEMORY must be a whole number of megabytes, got '2G'");
    assertThatThrownBy(() -> parse("out1: in\n\techo\n", Map.of("CORES", "many")))
        .isInstanceOf(MakeflowException.class)
        .hasMessage("w.mf:1:1: CORES must be a number of cores, such as 2 or 0.5, got 'many'"
            + " (from the environment variable CORES)");
    assertThatThrownBy(() -> parse("GPUS=1.5\nout1: in\n\techo\n", Map.of()))
        .isInstanceOf(MakeflowException.class).hasMessageContaining("GPUS must be a whole");
  }

  @Test
  void makeflowDirectivesSetTheSameVariables() throws Exception {
    Workflow w = parse(".MAKEFLOW CATEGORY x\n.MAKEFLOW CORES 2\n.MAKEFLOW MEMORY 100\n"
        + ".MAKEFLOW DISK 5\n.MAKEFLOW WALL_TIME 30\nout1: in.txt\n\techo > out1\nCATEGORY=y\n"
        + "out2: in.txt\n\techo > out2\n", Map.of());
    assertThat(w.rules().get(0).category()).isEqualTo("x");
    assertThat(w.rules().get(0).resources()).isEqualTo(new Resources(2, 100, 5, 0));
    assertThat(w.rules().get(0).environment()).containsEntry("WALL_TIME", "30");
    assertThat(w.rules().get(1).resources()).isEqualTo(Resources.NONE);
  }

  @Test
  void aRuleSetsItsOwnAmountsAndItsCategoryHasItsOwn() throws Exception {
    Workflow w = parse("CORES=4\nCATEGORY=sim\nMEMORY=50\nout1: in\n\techo\nout2: in\nMEMORY=70\nDISK=9\n\techo\n"
        + "CATEGORY=other\nout3: in\n\techo\n", Map.of("GPUS", "1"));
    assertThat(w.rules()).extracting(Rule::ownResources).containsExactly(
        Resources.NONE, new Resources(0, 70, 9, 0), Resources.NONE);
    assertThat(w.rules()).extracting(Rule::resources).containsExactly(
        new Resources(4, 50, 0, 1), new Resources(4, 70, 9, 1), new Resources(4, 0, 0, 1));
    // A category's resources: its own, else the default category's, else the environment's.
    assertThat(w.categoryResources()).containsExactly(
        Map.entry("sim", new Resources(4, 50, 0, 1)), Map.entry("other", new Resources(4, 0, 0, 1)));
  }

  @Test
  void emptyValuesDeclareNothing() throws Exception {
    assertThat(parse("CORES=\nout1: in\n\techo\n", Map.of()).rules().get(0).resources())
        .isEqualTo(Resources.NONE);
  }
}

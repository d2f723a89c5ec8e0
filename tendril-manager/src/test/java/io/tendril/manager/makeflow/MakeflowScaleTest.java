package io.tendril.manager.makeflow;

import static io.tendril.manager.makeflow.MakeflowTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.Resources;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Large and deep inputs: many rules, long chains and cycles, long lines, long values. */
class MakeflowScaleTest {
  @Test
  void aGenerated500RuleWorkflowParses() throws Exception {
    StringBuilder sb = new StringBuilder("SIM=./simulate.py\n");
    for (int i = 0; i < 500; i++) {
      if (i % 100 == 0) {
        sb.append("CATEGORY=batch").append(i / 100).append("\nCORES=").append(1 + i / 100)
            .append('\n');
      }
      sb.append("output.").append(i).append(".txt: simulate.py");
      if (i > 0) {
        sb.append(" output.").append(i - 1).append(".txt");
      }
      sb.append("\n\t$(SIM) -n ").append(i).append(" > output.").append(i).append(".txt\n");
    }
    sb.append("all.txt: ");
    for (int i = 0; i < 500; i++) {
      sb.append(" output.").append(i).append(".txt");
    }
    sb.append("\n\tLOCAL cat output.*.txt > all.txt\n");
    Workflow w = parse(sb.toString());
    assertThat(w.rules()).hasSize(501);
    assertThat(w.rules().get(250).command()).isEqualTo("./simulate.py -n 250 > output.250.txt");
    assertThat(w.rules().get(250).category()).isEqualTo("batch2");
    assertThat(w.rules().get(250).resources()).isEqualTo(new Resources(3, 0, 0, 0));
    assertThat(w.dependencies(w.rules().get(500))).hasSize(500);
    assertThat(w.topologicalOrder()).extracting(Rule::index)
        .isSortedAccordingTo(Integer::compare).hasSize(501);
    assertThat(w.sourcesNotProduced()).containsExactly("simulate.py");
  }

  @Test
  void aChainOf100000RulesWrittenBackwardsIsOrdered() throws Exception {
    int n = 100_000;
    StringBuilder sb = new StringBuilder();
    for (int i = n - 1; i >= 0; i--) {
      sb.append('f').append(i + 1).append(": f").append(i).append("\n\tcp f").append(i)
          .append(" f").append(i + 1).append('\n');
    }
    Workflow w = parse(sb.toString());
    assertThat(w.topologicalOrder()).hasSize(n);
    assertThat(w.topologicalOrder().get(0).targets().get(0).name()).isEqualTo("f1");
    assertThat(w.topologicalOrder().get(n - 1).targets().get(0).name()).isEqualTo("f" + n);
    assertThat(w.sourcesNotProduced()).containsExactly("f0");
  }

  @Test
  void aCycleThrough100000RulesIsFoundAndNamed() {
    int n = 100_000;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append('f').append(i).append(": f").append((i + 1) % n).append("\n\ttrue\n");
    }
    assertThatThrownBy(() -> parse(sb.toString())).isInstanceOf(MakeflowException.class)
        .hasMessageStartingWith("w.mf:1:1: cycle: f0 -> f1 -> f2 -> ")
        .hasMessageContaining("f99999 -> f0 (made by the rules at lines 1, 3, 5,");
  }

  @Test
  void longLinesValuesAndQuotedStringsAreFine() throws Exception {
    String word = "x".repeat(1_000_000);
    String quoted = "'" + "a b\\n".repeat(200_000) + "'";
    Workflow w = parse("W=" + word + "\nout: in\n\techo $(W) " + quoted + " "
        + "y \\\n".repeat(50_000) + "> out\n");
    String c = w.rules().get(0).command();
    // Each backslash-newline is a space that starts the word on the next line: " y".
    assertThat(c).startsWith("echo " + word + " 'a bna bn").endsWith("y  y  y  > out");
    assertThat(c).hasSize(5 + 1_000_000 + 1 + (2 + 200_000 * 4) + 1 + (1 + 3 * 49_999 + 7));
  }

  @Test
  void manyVariablesAndManyRedefinitions() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 20_000; i++) {
      sb.append('V').append(i).append("=$(V").append(i - 1).append(")\n");
    }
    // V1=$(V0) needs V0: define it in the environment.
    Workflow w = parse(sb + "out: in\n\techo $(V20000)\n", Map.of("V0", "deep"));
    assertThat(w.rules().get(0).command()).isEqualTo("echo deep");
    StringBuilder redefinitions = new StringBuilder();
    for (int i = 0; i < 5_000; i++) {
      redefinitions.append("X=").append(i).append("\nout").append(i).append(": in\n\techo $(X)\n");
    }
    Workflow r = parse(redefinitions.toString());
    assertThat(r.rules().get(4_321).command()).isEqualTo("echo 4321");
  }
}

package io.tendril.manager.makeflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.Resources;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small multi-rule workflow read from a file: rules, categories, resources and the graph. */
class MakeflowWorkflowTest {
  @TempDir Path dir;

  private static Path example() throws URISyntaxException {
    return Path.of(MakeflowWorkflowTest.class.getResource("/makeflow/example.makeflow").toURI());
  }

  private static Workflow read() throws Exception {
    Path file = example();
    return Makeflow.parse(Files.readString(file), "example.makeflow", Map.of());
  }

  @Test
  void readsRulesInFileOrderWithEverythingSubstituted() throws Exception {
    Workflow w = read();
    assertThat(w.rules()).extracting(Rule::line).containsExactly(7, 14, 16, 18, 24);
    assertThat(w.rules()).extracting(Rule::index).containsExactly(0, 1, 2, 3, 4);
    Rule fetch = w.rules().get(0);
    assertThat(fetch.command())
        .isEqualTo("./fetch.sh \"http://ccl.cse.nd.edu/images/capitol.jpg\" capitol.jpg");
    assertThat(fetch.local()).isTrue();
    assertThat(fetch.category()).isEqualTo("fetch");
    assertThat(fetch.resources()).isEqualTo(Resources.NONE);
    Rule swirl = w.rules().get(1);
    assertThat(swirl.command())
        .isEqualTo("/usr/bin/convert -swirl 90 capitol.jpg capitol.90.jpg");
    assertThat(swirl.local()).isFalse();
    assertThat(swirl.category()).isEqualTo("swirl");
    assertThat(swirl.resources()).isEqualTo(new Resources(2, 512, 100, 0));
    Rule renamed = w.rules().get(3);
    assertThat(renamed.targets()).containsExactly(new FileRef("capitol.270.jpg", "out.jpg"));
    assertThat(renamed.sources()).containsExactly(new FileRef("capitol.jpg", "in.jpg"));
    Rule animate = w.rules().get(4);
    assertThat(animate.category()).isEqualTo("animate");
    // MEMORY and DISK were set under "swirl"; "animate" sees only its own and the default's.
    assertThat(animate.resources()).isEqualTo(new Resources(0, 0, 0, 1));
    assertThat(animate.environment()).containsExactly(Map.entry("CATEGORY", "animate"),
        Map.entry("FRAMES", "3"), Map.entry("GPUS", "1"));
    assertThat(swirl.environment()).containsExactly(Map.entry("CATEGORY", "swirl"),
        Map.entry("CORES", "2"), Map.entry("DISK", "100"), Map.entry("MEMORY", "512"));
    assertThat(w.notices()).isEmpty();
  }

  @Test
  void dependenciesFollowFileNames() throws Exception {
    Workflow w = read();
    Rule fetch = w.rules().get(0);
    Rule animate = w.rules().get(4);
    assertThat(w.dependencies(fetch)).isEmpty();
    assertThat(w.dependents(fetch)).extracting(Rule::index).containsExactly(1, 2, 3);
    assertThat(w.dependencies(animate)).extracting(Rule::index).containsExactly(1, 2, 3);
    assertThat(w.dependents(animate)).isEmpty();
    assertThat(w.producerOf("capitol.270.jpg")).containsSame(w.rules().get(3));
    assertThat(w.producerOf("out.jpg")).isEmpty();
    assertThat(w.producerOf("fetch.sh")).isEmpty();
    assertThat(w.sourcesNotProduced()).containsExactly("fetch.sh");
  }

  @Test
  void theTopologicalOrderPutsEveryRuleAfterItsDependencies() throws Exception {
    Workflow w = Makeflow.parse("d: b c\n\techo\nc: a\n\techo\nb: a\n\techo\na:\n\techo\n"
        + "e:\n\techo\n", "w.mf", Map.of());
    assertThat(w.topologicalOrder()).extracting(r -> r.targets().get(0).name())
        .containsExactly("a", "c", "b", "d", "e");
    assertThat(read().topologicalOrder()).extracting(Rule::index).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void parsesAFileAndValidatesItsDirectory() throws Exception {
    Path file = dir.resolve("example.makeflow");
    Files.copy(example(), file);
    Workflow w = Makeflow.parse(file);
    assertThat(w.sourceName()).isEqualTo(file.toString());
    assertThat(w.rules()).hasSize(5);
    assertThatThrownBy(() -> w.validate(dir)).isInstanceOf(MakeflowException.class)
        .hasMessage(file + ":7:14: source fetch.sh is made by no rule and does not exist in "
            + dir);
    Files.writeString(dir.resolve("fetch.sh"), "#!/bin/sh\n");
    w.validate(dir);
  }

  @Test
  void rulesOfAnotherWorkflowAreRefused() throws Exception {
    Workflow w = read();
    Rule foreign = read().rules().get(0);
    assertThatThrownBy(() -> w.dependencies(foreign))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesItself() throws Exception {
    Workflow w = read();
    assertThat(w).hasToString("Workflow example.makeflow (5 rules)");
    assertThat(w.rules().get(3)).hasToString("rule 3 (line 18): capitol.270.jpg->out.jpg :"
        + " capitol.jpg->in.jpg | /usr/bin/convert -swirl 270 in.jpg out.jpg");
  }
}

package io.tendril.manager.makeflow;

import static io.tendril.manager.makeflow.MakeflowTesting.command;
import static io.tendril.manager.makeflow.MakeflowTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Makeflow's variables: when a value is fixed, which rules see it, categories as scopes, the
 * environment as fallback, and what each command gets exported. Expected values were observed
 * with makeflow 8.0 ({@code makeflow_viz -D json} and the debug log's "export NAME=value" lines).
 */
class MakeflowVariablesTest {
  @Test
  void aRedefinedVariableAppliesToTheRulesAfterIt() throws Exception {
    Workflow w = parse("X=1\nout1: in\n\techo $(X) > out1\nX=2\nout2: in\n\techo $(X) > out2\n");
    assertThat(w.rules()).extracting(Rule::command).containsExactly("echo 1 > out1", "echo 2 > out2");
  }

  @Test
  void valuesAreSubstitutedWhenAssignedAndKeepTheirQuotesAndTrailingBlanks() throws Exception {
    assertThat(command("X=base\nX=$(X)$(X)\nout1: in\n\techo \"[$(X)]\" > out1\n"))
        .isEqualTo("echo \"[basebase]\" > out1");
    assertThat(command("X=v1 \nout1: in\n\techo \"[$(X)]\" > out1\n"))
        .isEqualTo("echo \"[v1 ]\" > out1");
    assertThat(command("X=a=b\nout1: in\n\techo \"[$(X)]\" > out1\n"))
        .isEqualTo("echo \"[a=b]\" > out1");
    assertThat(command("X='a b' \"c d\"\nout1: in\n\techo \"[$(X)]\" $(X) > out1\n"))
        .isEqualTo("echo \"['a b' \"c d\"]\" 'a b' \"c d\" > out1");
  }

  @Test
  void assignmentForms() throws Exception {
    assertThat(command("X=base\nX+=more\nout1: in\n\techo \"[$(X)]\" > out1\n"))
        .isEqualTo("echo \"[base more]\" > out1");
    assertThat(command("X=base\nX += more\nout1: in\n\techo \"[$(X)]\" > out1\n"))
        .isEqualTo("echo \"[base more]\" > out1");
    assertThat(command("X=base\n@X=at\nout1: in\n\techo \"[$(X)]\" > out1\n"))
        .isEqualTo("echo \"[at]\" > out1");
    assertThat(command("X = spaced\nout1: in\n\techo $(X) > out1\n"))
        .isEqualTo("echo spaced > out1");
  }

  @Test
  void theEnvironmentIsTheFallback() throws Exception {
    assertThat(command("out1: in\n\techo '$(NOPE_X)' \"${HOME}\" > out1\n"))
        .isEqualTo("echo '$(NOPE_X)' \"/root\" > out1");
    assertThat(command("HOME=/mine\nout1: in\n\techo $(HOME) > out1\n"))
        .isEqualTo("echo /mine > out1");
  }

  @Test
  void aCommentOnAnAssignmentJoinsTheNextLineIntoTheValue() throws Exception {
    Workflow w = parse("A=one # first\nB=two\nC=\"three\" # third\nD=four\nE=five#x\nF=six\n"
        + "G=seven # then a blank line\n\nout1: in.txt\n"
        + "\tprintf '[%s]' \"$(A)\" \"$(C)\" \"$(E)\" \"$(G)\" > out1\n");
    assertThat(w.rules().get(0).command())
        .isEqualTo("printf '[%s]' \"one B=two\" \"\"three\" D=four\" \"fiveF=six\" \"seven \" > out1");
    assertThat(w.notices()).hasSize(3).allMatch(n -> n.contains("the next line is read"));
    assertThatThrownBy(() -> parse("out1: in\n\techo > out1\nB=x # the last line\n"))
        .isInstanceOf(MakeflowException.class)
        .hasMessageStartingWith("w.mf:4:1: the file ends inside the value of B");
  }

  @Test
  void variablesAssignedUnderACategoryAreSeenOnlyInThatCategory() throws Exception {
    Workflow w = parse("X=defx\nCATEGORY=sim\nY=simy\nX=simx\nout1: in\n\techo $(X) $(Y) > out1\n"
        + "CATEGORY=other\nout2: in\n\techo $(X) > out2\nCATEGORY=sim\nout4: in\n"
        + "\techo $(X) $(Y) > out4\n");
    assertThat(w.rules()).extracting(Rule::command)
        .containsExactly("echo simx simy > out1", "echo defx > out2", "echo simx simy > out4");
    assertThat(w.rules()).extracting(Rule::category).containsExactly("sim", "other", "sim");
    assertThatThrownBy(() -> parse("CATEGORY=sim\nY=simy\nCATEGORY=other\nout2: in\n"
        + "\techo $(Y) > out2\n"))
        .isInstanceOf(MakeflowException.class)
        .hasMessage("w.mf:5:7: undefined variable Y: define it above its first use (or in the"
            + " environment); a '$' meant for the shell must be written \\$ or put inside single"
            + " quotes");
  }

  @Test
  void assignmentsBetweenARuleAndItsCommandBelongToThatRule() throws Exception {
    Workflow w = parse("X=outer\nout1: in\nX=inner\nCATEGORY=mine\n\techo $(X) > out1\n"
        + "out2: in\n\techo $(X) > out2\n");
    assertThat(w.rules()).extracting(Rule::command)
        .containsExactly("echo inner > out1", "echo outer > out2");
    assertThat(w.rules()).extracting(Rule::category).containsExactly("mine", "default");
  }

  @Test
  void symbolIsAnOldNameForCategoryAndQuotesStayInCategoryNames() throws Exception {
    assertThat(parse("SYMBOL=sym\nout1: in\n\techo\n").rules().get(0).category()).isEqualTo("sym");
    assertThat(parse("CATEGORY=\"pre proc\"\nout1: in\n\techo $(CATEGORY) > out1\n").rules().get(0))
        .satisfies(r -> assertThat(r.category()).isEqualTo("\"pre proc\""))
        .satisfies(r -> assertThat(r.command()).isEqualTo("echo \"pre proc\" > out1"));
  }

  @Test
  void exportsReachEveryRuleWithTheValueThatRuleSees() throws Exception {
    Workflow w = parse("export EARLY\nCORES=2\nEARLY=e1\nLATE=l1\nout1: in\n\techo 1 > out1\n"
        + "PLAIN=p\nexport LATE\nexport EXPV=ev\nEARLY=e2\nCATEGORY=c\nout2: in\n\techo 2 > out2\n"
        + "export MYVAR FROMENV\n", Map.of("FROMENV", "fe", "MYVAR", "envval"));
    assertThat(w.rules().get(0).environment()).containsExactly(Map.entry("CORES", "2"),
        Map.entry("EARLY", "e1"), Map.entry("FROMENV", "fe"), Map.entry("LATE", "l1"),
        Map.entry("MYVAR", "envval"));
    assertThat(w.rules().get(1).environment()).containsExactly(Map.entry("CATEGORY", "c"),
        Map.entry("CORES", "2"), Map.entry("EARLY", "e2"), Map.entry("EXPV", "ev"),
        Map.entry("FROMENV", "fe"), Map.entry("LATE", "l1"), Map.entry("MYVAR", "envval"));
  }

  @Test
  void resourceVariablesAreAlwaysExported() throws Exception {
    Workflow w = parse("CORES=1\nMEMORY=2\nDISK=3\nGPUS=0\nWALL_TIME=5\nSYMBOL=sym\nout1: in\n"
        + "\techo > out1\n", Map.of());
    assertThat(w.rules().get(0).environment()).containsExactly(Map.entry("CORES", "1"),
        Map.entry("DISK", "3"), Map.entry("GPUS", "0"), Map.entry("MEMORY", "2"),
        Map.entry("WALL_TIME", "5"));
  }

  @Test
  void batchLocalMakesRulesLocal() throws Exception {
    Workflow w = parse("out0: in\n\techo\nBATCH_LOCAL=true\nout1: in\n\techo\nBATCH_LOCAL=0\n"
        + "out2: in\n\techo\nout3: in\nBATCH_LOCAL=2\n\techo\n");
    assertThat(w.rules()).extracting(Rule::local).containsExactly(false, true, false, true);
  }
}

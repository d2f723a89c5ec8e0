package io.tendril.manager.makeflow;

import static io.tendril.manager.makeflow.MakeflowTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal is a {@link MakeflowException} that names the file, line and column. */
class MakeflowErrorsTest {
  @TempDir Path dir;

  private static MakeflowException error(String text) {
    try {
      parse(text);
    } catch (MakeflowException e) {
      return e;
    }
    throw new AssertionError("no error for: " + text);
  }

  @Test
  void aCycleIsNamedWithItsFilesAndRuleLines() {
    MakeflowException e = error("a.out: b.out\n\tcp b.out a.out\n\nb.out: a.out\n\tcp a.out b.out\n");
    assertThat(e).hasMessage("w.mf:1:1: cycle: a.out -> b.out -> a.out (made by the rules at"
        + " lines 1, 4)");
    assertThat(e.sourceName()).isEqualTo("w.mf");
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.column()).isEqualTo(1);
    assertThat(e.reason()).startsWith("cycle: ");
  }

  @Test
  void aLongerCycleBehindOtherRulesAndARuleNeedingItself() {
    assertThat(error("ok: in\n\techo\nx: ok z\n\techo\ny: x\n\techo\nz: y\n\techo\n"))
        .hasMessage("w.mf:3:1: cycle: x -> z -> y -> x (made by the rules at lines 3, 7, 5)");
    assertThat(error("in: x\n\techo\nself: self\n\techo\n"))
        .hasMessage("w.mf:3:1: cycle: self -> self (made by the rule at line 3)");
  }

  @Test
  void twoRulesMakingOneFile() {
    assertThat(error("out1: in.txt\n\techo > out1\nout2 out1: in.txt\n\techo > out1\n"))
        .hasMessage("w.mf:3:6: file out1 is made by two rules: the rule at line 1 and this one"
            + " at line 3");
  }

  @Test
  void undefinedVariablesAreFatalWhereverTheyAreUsed() {
    assertThat(error("out1: in.txt\n\techo $(NOPE_X) > out1\n").getMessage())
        .startsWith("w.mf:2:7: undefined variable NOPE_X:");
    assertThat(error("out1: in.txt\n\techo $1 > out1\n").getMessage())
        .startsWith("w.mf:2:7: undefined variable 1:");
    assertThat(error("out1: in.txt\n\techo \"x $NOPE\" > out1\n").getMessage())
        .startsWith("w.mf:2:10: undefined variable NOPE:");
    assertThat(error("out1: $(NOPE)\n\techo\n").getMessage())
        .startsWith("w.mf:1:7: undefined variable NOPE:");
    assertThat(error("X=$(NOPE)\n").getMessage()).startsWith("w.mf:1:3: undefined variable NOPE:");
  }

  @Test
  void aDollarWithoutANameOrCloser() {
    assertThat(error("out1: in.txt\n\techo $$ > out1\n").getMessage())
        .startsWith("w.mf:2:8: expected a variable name after '$'");
    assertThat(error("out1: in.txt\n\techo a$ > out1\n").getMessage())
        .startsWith("w.mf:2:9: expected a variable name after '$'");
    assertThat(error("X=1\nout1: in.txt\n\techo $(X > out1\n"))
        .hasMessage("w.mf:3:10: expected ')' to close the variable X");
  }

  @Test
  void aVariableInsideAValueBeingSubstitutedIsNotSubstitutedAgain() {
    // makeflow 8.0: "Variable B has not yet been defined", though B is defined above.
    assertThat(error("A=\\$(B)\nB=bee\nout1: in.txt\n\techo $(A) > out1\n").getMessage())
        .startsWith("w.mf:4:7: the value of a variable used here refers to $B");
  }

  @Test
  void linesThatAreNothingMakeflowKnows() {
    assertThat(error("hello world\nout1: in.txt\n\techo > out1\n").getMessage())
        .startsWith("w.mf:1:1: cannot read this line: 'hello' is not a keyword");
    assertThat(error("out1: in\n\techo\n$X\n").getMessage())
        .startsWith("w.mf:3:1: cannot read this line: it is not a rule");
    assertThat(error("A.B=1\n")).hasMessageStartingWith("w.mf:1:2: expected '=' after the"
        + " variable name A");
    assertThat(error("X ?= v\n")).hasMessage("w.mf:1:3: unknown assignment operator '?=':"
        + " Makeflow has '=' and '+='");
    assertThat(error("out1: in\r\n\techo\r\n\r\n").getMessage())
        .startsWith("w.mf:3:1: this line starts with a carriage return");
    assertThat(error("export\n")).hasMessage("w.mf:1:1: export needs the names of the variables"
        + " to export");
  }

  @Test
  void commandsWithoutARuleOrRulesWithoutACommand() {
    assertThat(error("  X=indented\nout1: in.txt\n\techo > out1\n").getMessage())
        .startsWith("w.mf:1:1: a command line (one that starts with a tab or a space) must follow");
    assertThat(error("out1: in.txt\n\techo > out1\n\techo again > out1\n")).hasMessage(
        "w.mf:3:1: the rule at line 1 already has its command: a rule has exactly one command"
            + " line (join commands with ';')");
    assertThat(error("out1: in.txt\nout2: in.txt\n\techo > out2\n").getMessage())
        .startsWith("w.mf:1:1: this rule has no command");
    assertThat(error("out1: in.txt\n").getMessage()).startsWith("w.mf:1:1: this rule has no command");
    assertThat(error("E=\nout1: in.txt\n\t$(E)\n").getMessage())
        .startsWith("w.mf:2:1: this rule has no command");
    assertThat(error("out1: in.txt\n\tLOCAL\n")).hasMessage("w.mf:2:1: the command is empty");
    assertThat(error("out1: in.txt\n.MAKEFLOW CORES 2\n\techo > out1\n").getMessage())
        .startsWith("w.mf:2:1: a directive cannot stand between a rule and its command");
    assertThat(error("out1: in.txt\nexport X\n\techo\n").getMessage())
        .startsWith("w.mf:2:1: expected the command of the rule at line 1");
  }

  @Test
  void unclosedQuotes() {
    assertThat(error("out1: in\n\techo 'abc > out1\n").getMessage())
        .startsWith("w.mf:2:7: this single quote is never closed");
    assertThat(error("X=\"unterminated\nout1: in.txt\n\techo > out1\n").getMessage())
        .startsWith("w.mf:1:3: this double quote is never closed");
    assertThat(error("out1: in.txt\n\tprintf '[%s]' \"it's\" > out2\n").getMessage())
        .startsWith("w.mf:2:19: this single quote is never closed");
  }

  @Test
  void malformedFileLists() {
    assertThat(error("out1: a->\n\techo > x\n"))
        .hasMessage("w.mf:1:8: expected the file's name in the sandbox after '->'");
    assertThat(error("out1: ->a\n\techo > x\n"))
        .hasMessage("w.mf:1:7: '->' must come right after a file name");
    assertThat(error("out1: a- b-c -d\n\techo > x\n"))
        .hasMessage("w.mf:1:14: a file name cannot start with '-' (and '->' must follow a file"
            + " name)");
    assertThat(error("out1 \\\n  out2: in.txt\n\techo > out1\n").getMessage())
        .startsWith("w.mf:1:6: a backslash-newline cannot continue a rule's file list");
    assertThat(error("out1: ''\n\techo\n")).hasMessage("w.mf:1:7: a file name cannot be empty");
  }

  @Test
  void unsupportedFeaturesAreRefusedByName() {
    assertThat(error("out1: in.txt sub.mf\n\tMAKEFLOW sub.mf\n"))
        .hasMessage("w.mf:2:2: nested workflows (the MAKEFLOW prefix) are not supported");
    assertThat(error(".UMBRELLA SPEC x.json\n")).hasMessage("w.mf:1:1: .UMBRELLA is not supported");
    assertThat(error(".FOO a b\n"))
        .hasMessage("w.mf:1:1: unknown directive .FOO: Makeflow has .MAKEFLOW and .SIZE");
    assertThat(error(".MAKEFLOW GPUS 1\n").getMessage()).startsWith("w.mf:1:1: unknown .MAKEFLOW"
        + " key GPUS");
  }

  @Test
  void validateNamesTheFirstMissingSourceAndCountsTheOthers() throws Exception {
    Workflow w = parse("mid: present\n\tcp present mid\nout: mid gone1 gone2 /abs/gone3\n"
        + "\tcat mid gone1 > out\n");
    assertThat(w.sourcesNotProduced()).containsExactly("present", "gone1", "gone2", "/abs/gone3");
    Files.writeString(dir.resolve("present"), "x");
    assertThatThrownBy(() -> w.validate(dir))
        .isInstanceOf(MakeflowException.class)
        .hasMessage("w.mf:3:10: source gone1 is made by no rule and does not exist in " + dir
            + " (2 more missing: gone2, /abs/gone3)");
    Files.writeString(dir.resolve("gone1"), "x");
    Files.writeString(dir.resolve("gone2"), "x");
    Path abs = dir.resolve("abs");
    Workflow absolute = parse("out: " + abs + "\n\tcat " + abs + " > out\n");
    assertThatThrownBy(() -> absolute.validate(dir)).isInstanceOf(MakeflowException.class)
        .hasMessageContaining("source " + abs + " is made by no rule");
    Files.writeString(abs, "x");
    absolute.validate(dir.resolve("elsewhere"));
  }
}

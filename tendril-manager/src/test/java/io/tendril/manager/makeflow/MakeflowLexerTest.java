package io.tendril.manager.makeflow;

import static io.tendril.manager.makeflow.MakeflowTesting.command;
import static io.tendril.manager.makeflow.MakeflowTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Commands and file lists exactly as Makeflow reads them. Every expected string below is what
 * makeflow 8.0 (Debian's coop-computing-tools) handed to /bin/sh for the same text, read from its
 * debug log ({@code makeflow -T local -d all}: "batch: started process N: COMMAND") or from
 * {@code makeflow_viz -D json}.
 */
class MakeflowLexerTest {
  @Test
  void variablesAreSubstitutedOutsideSingleQuotesOnly() throws Exception {
    String c = command("X=hello\nout1: in.txt\n"
        + "\tprintf '%s\\n' $(X) ${X} $X 'q$(X)' \"d$(X)\" > out1\n");
    assertThat(c).isEqualTo("printf '%sn' hello hello hello 'q$(X)' \"dhello\" > out1");
  }

  @Test
  void backslashesAreConsumedDifferentlyInEachKindOfQuote() throws Exception {
    String c = command("out1: in.txt\n\tprintf '%s|' 'a\\nb' \"c\\nd\" e\\nf 'g\\\\h' \"i\\\\j\""
        + " k\\\\l 'm\\'n' \"o\\\"p\" q\\'r > out1\n");
    assertThat(c).isEqualTo(
        "printf '%s|' 'anb' \"c\nd\" enf 'g\\h' \"i\\j\" k\\l 'm'n' \"o\"p\" q'r > out1");
  }

  @Test
  void doubleQuotesTurnEscapesIntoControlCharacters() throws Exception {
    assertThat(command("out1: in.txt\n\techo \"a\\tb\\rc\\vd\\qe\" > out1\n"))
        .isEqualTo("echo \"a\tb\rc\u000bdqe\" > out1");
    assertThat(command("out1: in.txt\n\techo 'a\\tb' a\\tb > out1\n"))
        .isEqualTo("echo 'atb' atb > out1");
  }

  @Test
  void aHashOutsideQuotesEndsTheCommandButNotInsideQuotes() throws Exception {
    Workflow w = parse("out1: in.txt # trailing comment\n\tprintf '%s|' a#b 'c#d' > out1\n"
        + "out2: in.txt\n\tprintf '%s|' \"e#f\" 'g#h' > out2\n");
    assertThat(w.rules().get(0).command()).isEqualTo("printf '%s|' a");
    assertThat(w.rules().get(0).sources()).containsExactly(FileRef.of("in.txt"));
    assertThat(w.rules().get(1).command()).isEqualTo("printf '%s|' \"e#f\" 'g#h' > out2");
  }

  @Test
  void blankRunsBecomeOneSpaceOutsideQuotes() throws Exception {
    String c = command("out1: in.txt\n\tprintf '%s|'   a  \t b 'c   d' \"e  \tf\" \\\n"
        + "\t\tg  h > out1\n");
    // The backslash-newline is a space of its own, between the blanks around it.
    assertThat(c).isEqualTo("printf '%s|' a b 'c   d' \"e  \tf\"   g h > out1");
  }

  @Test
  void blanksJustInsideAnOpeningDoubleQuoteAreDropped() throws Exception {
    assertThat(command("N=a b\nout1: in\n\techo \"  lead\" \" $(N)\" > x\n"))
        .isEqualTo("echo \"lead\" \"a b\" > x");
    assertThat(command("X=\"  lead\" y\nout1: in\n\techo \"$(X)\" > x\n"))
        .isEqualTo("echo \"\"lead\" y\" > x");
  }

  @Test
  void aValueIsReadAgainAsCommandTextOutsideQuotesAndKeptAsItIsInside() throws Exception {
    String c = command("A=one\nB = two  \nC=$(A)-${B}-$A\nD=\"dq $(A)\"\nE='sq $(A)'\n"
        + "F=a\\\\\\\\b\nG=p\\nq\nH=\nI=x\\\n  y\nout1: in.txt\n"
        + "\tprintf '[%s]' $(C) \"$(D)\" \"$(E)\" $(F) \"$(G)\" \"$(H)\" \"$(I)\" \"$(B)\" $(D)"
        + " $(E) > out1\n");
    assertThat(c).isEqualTo("printf '[%s]' one-two -one \"\"dq one\"\" \"'sq $(A)'\" a\\b"
        + " \"p\nq\" \"\" \"x   y\" \"two  \" \"dq one\" 'sq $(A)' > out1");
  }

  @Test
  void singleQuotesInsideDoubleQuotesStopSubstitution() throws Exception {
    assertThat(command("X=v\nout1: in.txt\n\tprintf '[%s]' \"a '$(X)' b\" > out1\n"))
        .isEqualTo("printf '[%s]' \"a '$(X)' b\" > out1");
  }

  @Test
  void quotedStringsSpanLinesWithTheirNewlinesAndTabs() throws Exception {
    Workflow w = parse("X=v\nout1: in.txt\n\tprintf '[%s]' 'a\n\tb' \"c\n\t$(X)\" > out1\n"
        + "out2: out1\n\tcat out1 > out2\n");
    assertThat(w.rules()).hasSize(2);
    assertThat(w.rules().get(0).command()).isEqualTo("printf '[%s]' 'a\n\tb' \"c\n\tv\" > out1");
  }

  @Test
  void commandWhitespaceAtTheEdges() throws Exception {
    Workflow w = parse("E=\nout1: in.txt\n\techo a   \nout2: in.txt\n\t$(E) echo b > out2\n"
        + "out3: in.txt\n\techo a \\\n\t  b > out3\nout4: in.txt\n\techo \"x\" $(E) \"y\" > out4\n");
    assertThat(w.rules()).extracting(Rule::command).containsExactly(
        "echo a ", "echo b > out2", "echo a   b > out3", "echo \"x\"  \"y\" > out4");
  }

  @Test
  void aVariableNameEndsAtPunctuationButNotAtSemicolonsOrPercent() throws Exception {
    assertThat(command("X=v\nX_1=w\nout1: in.txt\n\tprintf '[%s]' $X/y $X.z $X-q $X_1 $X,a $X=b"
        + " $X+c $X!d $X?e $X[f $X<in.txt $X:y > out1\n"))
        .isEqualTo("printf '[%s]' v/y v.z v-q w v,a v=b v+c v!d v?e v[f v<in.txt v:y > out1");
    assertThatError("X=v\nout1: in.txt\n\techo $X;echo $(X); > out1\n")
        .contains("w.mf:3:7: undefined variable X;echo");
    assertThatError("X=v\nout1: in.txt\n\techo $X% > out1\n").contains("undefined variable X%");
  }

  @Test
  void anEscapedDollarReachesTheShell() throws Exception {
    assertThat(command("out1: in.txt\n\techo \\$HOME '$(HOME)' \"$(HOME)\" > out1\n"))
        .isEqualTo("echo $HOME '$(HOME)' \"/root\" > out1");
  }

  @Test
  void localIsAPrefixWordEvenFromAVariable() throws Exception {
    Workflow w = parse("L=LOCAL\nout1: in.txt\n\t$(L) echo a > out1\nout2: in.txt\n"
        + "\tLOCAL   LOCAL echo b > out2\nout3: in.txt\n\techo LOCAL > out3\n"
        + "out5: in.txt\n\t'LOCAL' echo e > out5\nBATCH_LOCAL=yes\nout4: in.txt\n\techo d > out4\n");
    assertThat(w.rules()).extracting(Rule::command).containsExactly(
        "echo a > out1", "echo b > out2", "echo LOCAL > out3", "'LOCAL' echo e > out5",
        "echo d > out4");
    assertThat(w.rules()).extracting(Rule::local).containsExactly(true, true, false, false, true);
  }

  @Test
  void commandsMayStartWithSpacesAndBlankOrCommentLinesMayPrecedeThem() throws Exception {
    assertThat(command("out1: in.txt\n    echo spaces > out1\n")).isEqualTo("echo spaces > out1");
    assertThat(command("out1: in.txt\n\n# c\n\t\n \t \n\t\techo x > out1\n"))
        .isEqualTo("echo x > out1");
    assertThat(command("out1: in.txt\n\t LOCAL echo sp > out1\n")).isEqualTo("echo sp > out1");
  }

  @Test
  void carriageReturnsStayInTheCommandAndAreNoticed() throws Exception {
    Workflow w = parse("out1: in.txt\r\n\techo crlf > out1\r\n");
    assertThat(w.rules().get(0).command()).isEqualTo("echo crlf > out1\r");
    assertThat(w.rules().get(0).sources()).containsExactly(FileRef.of("in.txt\r"));
    assertThat(w.notices()).singleElement().asString().contains("w.mf:1:13", "carriage returns");
  }

  @Test
  void fileListsDropQuotesAndJoinAdjacentPieces() throws Exception {
    Rule r = parse("N=3\n'q a' 'b'c x'$(N)' \"y$(N)\" \"z'w'\" \"  lead\" \"x\\ny\" \"p#q\": in.txt\n"
        + "\techo > x\n").rules().get(0);
    assertThat(r.targets()).extracting(FileRef::name)
        .containsExactly("q a", "bc", "x$(N)", "y3", "zw", "lead", "x\ny", "p#q");
    Rule s = parse("out1: \"a\"\"b\" 'c''d' e\"f\" a\\ b c\\:d e\\#f a\\\"b c\\'d 'a$b' g-h i-\n"
        + "\techo > x\n").rules().get(0);
    assertThat(s.sources()).extracting(FileRef::name)
        .containsExactly("ab", "cd", "ef", "a b", "c:d", "e#f", "a\"b", "c'd", "a$b", "g-h", "i-");
  }

  @Test
  void aVariableInAFileListIsReadAgainAsAFileList() throws Exception {
    Rule r = parse("N=a b\nQ=x'y'z\nR=c->d\nS='p q'\nout1 $(N)x: $(Q) \"$(Q)\" $(R) $(S) \"$(N)\"\n"
        + "\techo > x\n").rules().get(0);
    assertThat(r.targets()).extracting(FileRef::name).containsExactly("out1", "a", "bx");
    assertThat(r.sources()).extracting(FileRef::toString)
        .containsExactly("xyz", "x'y'z", "c->d", "p q", "a b");
  }

  @Test
  void remoteNamesPutTheWorkflowNameLeftAndTheSandboxNameRight() throws Exception {
    // Run through Work Queue, "c->out: a->in1" ran "ls > out; cat in1 >> out" in a sandbox
    // holding in1 and left the workflow file c.
    Rule r = parse("N=3\nc->out out$(N) out4 -> r4: a->in1 x \"d->e\" f'->'g\n\tls > out\n")
        .rules().get(0);
    assertThat(r.targets()).containsExactly(
        new FileRef("c", "out"), FileRef.of("out3"), new FileRef("out4", "r4"));
    assertThat(r.sources()).containsExactly(
        new FileRef("a", "in1"), FileRef.of("x"), FileRef.of("d->e"), FileRef.of("f->g"));
    assertThat(r.targets().get(0).renamed()).isTrue();
    assertThat(r.targets().get(1).renamed()).isFalse();
  }

  @Test
  void colonsAfterTheFirstAndCommentsInFileLists() throws Exception {
    Workflow w = parse("out1:: a\n\techo > x\nout2: b : c # d\n\techo > y\nout3 : a=b\n\techo\n"
        + ": a\n\techo no targets\nout4:\n\techo no sources\n");
    assertThat(w.rules()).extracting(r -> r.targets().toString() + r.sources())
        .containsExactly("[out1][a]", "[out2][b, c]", "[out3][a=b]", "[][a]", "[out4][]");
  }

  @Test
  void aRepeatedFileIsListedOnce() throws Exception {
    Rule r = parse("N=a b\nout1: \"a b\" \"$(N)\" x x\n\techo > out1\n").rules().get(0);
    assertThat(r.sources()).containsExactly(FileRef.of("a b"), FileRef.of("x"));
  }

  @Test
  void aMissingFinalNewlineIsSupplied() throws Exception {
    assertThat(command("out1: in.txt\n\techo noeol > out1")).isEqualTo("echo noeol > out1");
    assertThat(parse("").rules()).isEmpty();
    assertThat(parse("# only a comment").rules()).isEmpty();
  }

  @Test
  void directivesAreReadAboveRules() throws Exception {
    Workflow w = parse(".MAKEFLOW CATEGORY x\n.MAKEFLOW CORES 2\n.SIZE in.txt 10\n"
        + ".MAKEFLOW MODE FIXED\nout1: in.txt\n\techo > out1\n");
    assertThat(w.rules().get(0).category()).isEqualTo("x");
    assertThat(w.rules().get(0).resources().cores()).isEqualTo(2.0);
    assertThat(w.notices()).singleElement().asString().contains("MODE FIXED is ignored");
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertThatError(String text) {
    try {
      parse(text);
    } catch (MakeflowException e) {
      return assertThat(e.getMessage());
    }
    throw new AssertionError("no error for: " + text);
  }

  @Test
  void listsAreImmutable() throws Exception {
    Rule r = parse("out1: in\n\techo\n").rules().get(0);
    List<FileRef> sources = r.sources();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sources.add(FileRef.of("x")))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}

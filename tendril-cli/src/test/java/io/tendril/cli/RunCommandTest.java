package io.tendril.cli;

import static io.tendril.cli.Run.tendril;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tendril run}: Makeflow workflows on a manager with local worker processes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunCommandTest {
  @TempDir Path dir;


  @Test
  void aWorkflowWithVariablesCategoriesAndResources() throws Exception {
    Files.writeString(dir.resolve("input.txt"), "b\na\nc\na\n");
    Files.writeString(dir.resolve("flow.makeflow"), """
        # Variables, categories and resources, as Makeflow users write them.
        SORT=sort
        CATEGORY=light
        CORES=1
        MEMORY=50

        sorted.txt: input.txt
        \t$(SORT) input.txt > sorted.txt

        unique.txt: sorted.txt
        \tuniq sorted.txt > unique.txt

        CATEGORY=heavy
        CORES=1
        MEMORY=100

        report.txt: sorted.txt unique.txt
        \techo "category=$CATEGORY cores=$CORES memory=$MEMORY" > report.txt; wc -l < unique.txt >> report.txt

        local.txt: report.txt
        \tLOCAL cp report.txt local.txt
        """);
    Run r = tendril("run", dir.resolve("flow.makeflow").toString(), "--workers", "2");
    assertThat(r.exit).as(r.err + r.out).isZero();
    assertThat(r.out).contains("4 rules: 4 succeeded, 0 failed, 0 skipped");
    assertThat(Files.readString(dir.resolve("sorted.txt"))).isEqualTo("a\na\nb\nc\n");
    assertThat(Files.readString(dir.resolve("unique.txt"))).isEqualTo("a\nb\nc\n");
    assertThat(Files.readAllLines(dir.resolve("report.txt"))).containsExactly("category=heavy cores=1 memory=100", "3");
    assertThat(Files.readString(dir.resolve("local.txt"))).isEqualTo(Files.readString(dir.resolve("report.txt")));
    String log = Files.readString(dir.resolve("flow.makeflow.tendril").resolve("transactions.jsonl"));
    assertThat(log).contains("\"category\":\"light\"").contains("\"category\":\"heavy\"").contains("\"memory_mb\":100");
  }

  @Test
  void aCategorysResourcesAreItsMaximumAndTheModeComesFromTheCommandLine() throws Exception {
    Files.writeString(dir.resolve("flow.makeflow"), """
        CATEGORY=sim
        MEMORY=300

        a.txt:
        \techo a > a.txt

        b.txt:
        MEMORY=200
        \techo b > b.txt
        """);
    Run r = tendril("run", dir.resolve("flow.makeflow").toString(), "--workers", "1", "--resources-mode", "MIN-waste");
    assertThat(r.exit).as(r.err + r.out).isZero();
    String log = Files.readString(dir.resolve("flow.makeflow.tendril").resolve("transactions.jsonl"));
    // The category's MEMORY is its maximum; the rule's own MEMORY is declared on its task.
    assertThat(log).contains("\"type\":\"category\",\"event\":\"configure\",\"category\":\"sim\",\"mode\":\"min waste\"")
        .contains("\"max_memory_mb\":300").contains("\"memory_mb\":300").contains("\"memory_mb\":200");
    Run status = tendril("status", dir.resolve("flow.makeflow.tendril").toString());
    assertThat(status.exit).as(status.err).isZero();
    assertThat(status.out).contains("category sim (min waste): 2 done, 0 running, 0 waiting")
        .containsPattern("memory +[0-9]+( MB)? +- +300 MB");
  }

  @Test
  void aBadResourcesModeIsRefusedWithTheAcceptedOnes() throws Exception {
    Files.writeString(dir.resolve("flow.makeflow"), "a.txt:\n\techo a > a.txt\n");
    Run r = tendril("run", dir.resolve("flow.makeflow").toString(), "--resources-mode", "greedy");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("--resources-mode: unknown resources mode 'greedy': accepted modes are 'fixed', "
        + "'max', 'min waste', 'max throughput'");
    assertThat(dir.resolve("a.txt")).doesNotExist();
  }

  @Test
  void statusNeedsARunDirectoryOrARunningManager() throws Exception {
    Run none = tendril("status", dir.resolve("nowhere").toString());
    assertThat(none.exit).isEqualTo(2);
    assertThat(none.err).contains("no transaction log at");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run remote = tendril("status", "127.0.0.1:" + port, "--timeout", "10");
    assertThat(remote.exit).isEqualTo(1);
    assertThat(remote.err).contains("nothing listens at 127.0.0.1:" + port);
    Run badPort = tendril("status", "127.0.0.1:99999");
    assertThat(badPort.exit).isEqualTo(2);
    assertThat(badPort.err).contains("the manager must be given as HOST:PORT");
  }

  @Test
  void aFailedRuleStopsItsDependentsAndNamesItself() throws Exception {
    Files.writeString(dir.resolve("flow.makeflow"), """
        good.txt:
        \techo fine > good.txt

        bad.txt:
        \techo about to fail; exit 4

        after.txt: bad.txt
        \tcat bad.txt > after.txt
        """);
    Run r = tendril("run", dir.resolve("flow.makeflow").toString(), "--workers", "1");
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.out).contains("3 rules: 1 succeeded, 1 failed, 1 skipped");
    assertThat(r.err).contains("line 4").contains("bad.txt").contains("exit code 4").contains("about to fail");
    assertThat(dir.resolve("good.txt")).hasContent("fine");
    assertThat(dir.resolve("after.txt")).doesNotExist();
  }

  @Test
  void malformedWorkflowsExitTwoWithTheLine() throws Exception {
    Files.writeString(dir.resolve("cycle.makeflow"), "a: b\n\tcp b a\n\nb: a\n\tcp a b\n");
    Run cycle = tendril("run", dir.resolve("cycle.makeflow").toString(), "--workers", "1");
    assertThat(cycle.exit).isEqualTo(2);
    assertThat(cycle.err).contains("cycle");
    Files.writeString(dir.resolve("missing.makeflow"), "out: nowhere.txt\n\tcat nowhere.txt > out\n");
    Run missing = tendril("run", dir.resolve("missing.makeflow").toString(), "--workers", "1");
    assertThat(missing.exit).isEqualTo(2);
    assertThat(missing.err).contains("nowhere.txt");
    Run absent = tendril("run", dir.resolve("absent.makeflow").toString());
    assertThat(absent.exit).isEqualTo(2);
    assertThat(absent.err).contains("absent.makeflow");
  }

  @Test
  void theReadmeWorkflowRuns() throws Exception {
    Path example = Path.of("..", "examples", "wordcount");
    for (String name : new String[] {"wordcount.makeflow", "part0.txt", "part1.txt", "part2.txt", "part3.txt"}) {
      Files.copy(example.resolve(name), dir.resolve(name));
    }
    Run r = tendril("run", dir.resolve("wordcount.makeflow").toString());
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).contains("6 rules: 6 succeeded, 0 failed, 0 skipped");
    // Both local workers start; a short run may end before the second has joined (a loaded machine).
    assertThat(r.out).containsPattern("; [12] workers; ");
    List<String> top = Files.readAllLines(dir.resolve("top.txt"));
    assertThat(top).hasSize(5);
    // The counts of all four parts add up: 4 parts x 2,500 lines x 8 words.
    long total = 0;
    for (String line : Files.readAllLines(dir.resolve("merged.txt"))) {
      total += Long.parseLong(line.strip().split(" ")[0]);
    }
    assertThat(total).isEqualTo(4 * 2500 * 8);
  }
}

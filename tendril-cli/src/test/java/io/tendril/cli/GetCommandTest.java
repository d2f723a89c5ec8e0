package io.tendril.cli;

import static io.tendril.cli.Run.tendril;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tendril get} end to end: graph files in, JSON and exit codes out. */
class GetCommandTest {
  @TempDir Path dir;


  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static final String GRAPH = """
      {
        "x": 1,
        "y": {"call": "inc", "args": ["x"]},
        "z": {"call": "add", "args": ["x", "y"]},
        "w": {"call": "sum", "args": [["x", "y", "z", 10]]},
        "s": "z",
        "f": 2.5,
        "sq": {"call": "io.tendril.clitest.UserFunctions::square", "args": ["w"]},
        "bad": {"call": "io.tendril.clitest.UserFunctions::explode", "args": ["x"]},
        "after": {"call": "inc", "args": ["bad"]}
      }
      """;

  @ParameterizedTest
  @ValueSource(strings = {"sync", "threads"})
  void oneKeyPrintsItsValue(String scheduler) throws IOException {
    Path g = file("g.json", GRAPH);
    Run r = tendril("get", g.toString(), "w", "--scheduler", scheduler);
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.strip()).isEqualTo("16");
    assertThat(tendril("get", g.toString(), "f").out.strip()).isEqualTo("2.5");
    assertThat(tendril("get", g.toString(), "s").out.strip()).isEqualTo("3");
  }

  @Test
  void severalKeysPrintAnArray() throws IOException {
    Path g = file("g.json", GRAPH);
    Run r = tendril("get", g.toString(), "x", "y", "z");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.strip()).isEqualTo("[1,2,3]");
  }

  @Test
  void keysOptionKeepsTheNesting() throws IOException {
    Path g = file("g.json", GRAPH);
    Run r = tendril("get", g.toString(), "--keys", "[\"x\", [\"y\", [\"z\"]], []]");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.strip()).isEqualTo("[1,[2,[3]],[]]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cull", "inline", "fuse", "cull,inline,fuse", "fuse,cull"})
  void optimizationsKeepResults(String optimize) throws IOException {
    Path g = file("g.json", GRAPH);
    Run r = tendril("get", g.toString(), "--optimize", optimize, "--keys", "[\"sq\", \"x\", \"s\", \"f\"]");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.strip()).isEqualTo("[256,1,3,2.5]");
  }

  @Test
  void userFunctionsFromTheClasspath() throws IOException {
    Path g = file("g.json", GRAPH);
    Run r = tendril("get", g.toString(), "sq");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.strip()).isEqualTo("256");
  }

  @Test
  void taskFailureExitsOneNamingTheKey() throws IOException {
    Path g = file("g.json", GRAPH);
    Run r = tendril("get", g.toString(), "after");
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.out).isEmpty();
    assertThat(r.err).contains("'bad'").contains("IllegalStateException").contains("exploded on 1");
  }

  @Test
  void malformedFileExitsTwoWithThePosition() throws IOException {
    Path g = file("broken.json", "{\n  \"x\": 1,\n  \"y\": {\"call\": \"inc\", \"args\": [\"x\"]\n}\n");
    Run r = tendril("get", g.toString(), "y");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("broken.json:5:1: expected ',' or '}'");
  }

  @Test
  void badInputsExitTwoWithAMessage() throws IOException {
    Path g = file("g.json", GRAPH);
    assertThat(tendril("get", g.toString(), "nope")).satisfies(r -> {
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("'nope' is not a key in the graph");
    });
    Path cyc = file("cycle.json", "{\"a\": {\"call\": \"inc\", \"args\": [\"b\"]}, \"b\": {\"call\": \"inc\", \"args\": [\"a\"]}}");
    assertThat(tendril("get", cyc.toString(), "a")).satisfies(r -> {
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("cycle").contains("'a'").contains("'b'");
    });
    Path unknown = file("unknown.json", "{\"a\": {\"call\": \"frobnicate\", \"args\": []}}");
    assertThat(tendril("get", unknown.toString(), "a")).satisfies(r -> {
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("frobnicate");
    });
    assertThat(tendril("get", dir.resolve("missing.json").toString(), "a")).satisfies(r -> {
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("missing.json");
    });
    assertThat(tendril("get", g.toString())).satisfies(r -> {
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("no key to compute");
    });
    assertThat(tendril("get", g.toString(), "x", "--scheduler", "gpu")).satisfies(r -> {
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("unknown --scheduler 'gpu'");
    });
    assertThat(tendril("get", g.toString(), "x", "--optimize", "cull,squash")).satisfies(r -> {
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("unknown optimization 'squash'");
    });
    assertThat(tendril("get", g.toString(), "--keys", "[\"x\"")).satisfies(r -> {
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("--keys");
    });
    assertThat(tendril("get", "--frobnicate")).satisfies(r -> assertThat(r.exit).isEqualTo(2));
  }

  @Test
  void helpListsTheExitCodes() {
    Run r = tendril("get", "--help");
    assertThat(r.exit).isZero();
    assertThat(r.out).contains("--scheduler").contains("--optimize").contains("Exit codes");
  }

  @Test
  void theExampleWorkflowRuns() {
    Path example = Path.of("..", "examples", "histogram.json");
    Run r = tendril("get", example.toString(), "--keys", "[\"events\", \"summary\"]");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).startsWith("[51200000,{\"entries\":");
    // Every event below 200 GeV is counted exactly once across the 256 chunks.
    assertThat(r.out).contains("\"counts\":[");
  }

  @Test
  void theMainJobRunsOnLocalWorkersAndOnlyTheSummaryComesBack() {
    Path example = Path.of("..", "examples", "histogram.json");
    Run local = tendril("get", example.toString(), "summary");
    Run r = tendril("get", example.toString(), "summary", "--workers", "2", "--run-dir", dir.resolve("run").toString());
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).isEqualTo(local.out).startsWith("{\"entries\":51186069,");
    // One line tells what moved: 512 calls (fewer tasks, as ready calls share tasks), the small
    // intermediate histograms inside messages, nothing fetched as a file by the manager.
    assertThat(r.err).containsPattern("tendril: 512 calls \\([0-9]+ tasks\\) in [0-9.]+ s on 2 workers; [0-9.]+ [KM]?i?B "
        + "moved between workers, [0-9.]+ [KM]?i?B of small results carried in messages, [0-9.]+ [KM]?i?B of files "
        + "returned to the manager");
    assertThat(dir.resolve("run/transactions.jsonl")).exists();
  }

  @Test
  void workersWithoutAWayToJoinAreAUsageError() throws IOException {
    Path g = file("g.json", GRAPH);
    Run r = tendril("get", g.toString(), "z", "--workers", "0");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("--workers 0 needs --port");
  }

  @Test
  void aResourcesModeNeedsWorkersAndAKnownName() throws IOException {
    Path g = file("g.json", GRAPH);
    Run local = tendril("get", g.toString(), "z", "--resources-mode", "max");
    assertThat(local.exit).isEqualTo(2);
    assertThat(local.err).contains("--resources-mode applies to runs on workers");
    Run bad = tendril("get", g.toString(), "z", "--workers", "1", "--resources-mode", "min wastes");
    assertThat(bad.exit).isEqualTo(2);
    assertThat(bad.err).contains("unknown resources mode 'min wastes': accepted modes are 'fixed', 'max', "
        + "'min waste', 'max throughput'");
  }

  @Test
  void realProcessExitCodesAndStreams() throws Exception {
    Path g = file("g.json", GRAPH);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "get", g.toString()));
    Run ok = finish(new ProcessBuilder(append(cmd, "z")).start());
    assertThat(ok.exit).as(ok.err).isZero();
    assertThat(ok.out.strip()).isEqualTo("3");
    Run failed = finish(new ProcessBuilder(append(cmd, "after")).start());
    assertThat(failed.exit).isEqualTo(1);
    assertThat(failed.out).isEmpty();
    assertThat(failed.err).contains("exploded on 1");
  }

  private static List<String> append(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  private static Run finish(Process p) throws Exception {
    try {
      p.getOutputStream().close();
      var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      String out = readAll(p.getInputStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("tendril did not finish in 60 s");
      }
      return new Run(p.exitValue(), out, err.get(60, TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();
    }
  }

  private static String readAll(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

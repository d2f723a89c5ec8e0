package io.tendril.cli;

import static io.tendril.cli.Run.tendril;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.Fn;
import io.tendril.graph.Key;
import io.tendril.graph.Task;
import io.tendril.graph.json.FunctionResolver;
import io.tendril.manager.CommandTask;
import io.tendril.manager.DeclaredFile;
import io.tendril.manager.GetOptions;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.ResultCode;
import io.tendril.protocol.CacheLevel;
import java.io.BufferedWriter;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken input given to one manager and one worker process, in turn: sandbox names
 * that leave the sandbox, an output that is a link out of it, a file the manager never declared, a
 * function its library cannot find, an argument of a class the codec does not allow, and for the
 * command line a graph file of 100 MB that is not a graph, one nested beyond the reader's limit,
 * and Makeflow files with a cycle and with a missing source. Each is refused with an error that
 * names the problem; after each, the same worker (never restarted) runs a command task and a graph
 * for the same manager.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HostileInputTest {
  @TempDir static Path dir;
  private static Manager manager;
  private static LocalWorkers workers;

  @BeforeAll
  static void start() throws InterruptedException {
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
    workers = LocalWorkers.start(1, manager.port(), dir.resolve("run"), "steady");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (manager.stats().workersConnected() < 1) {
      assertThat(System.nanoTime()).as("the worker connected in time").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stop() {
    workers.close();
    manager.close();
  }

  /** After each case: the one worker is the same process, still connected, and runs both kinds of work. */
  @AfterEach
  void theSameWorkerStillRunsATaskAndAGraph() throws Exception {
    assertThat(workers.processes()).hasSize(1);
    assertThat(workers.processes().get(0).isAlive()).as("the worker process is alive").isTrue();
    Path out = dir.resolve("normal-" + System.nanoTime());
    CommandTask t = CommandTask.builder("echo still here > out")
        .output("out", manager.declareFile(out, CacheLevel.TASK)).build();
    manager.submit(t);
    CommandTask done = manager.await(Duration.ofSeconds(60)).orElseThrow();
    assertThat(done).isSameAs(t);
    assertThat(t.succeeded()).as(t.resultCode() + " " + t.message()).isTrue();
    assertThat(t.worker()).startsWith("steady-1@");
    assertThat(Files.readString(out)).isEqualTo("still here\n");
    Map<Object, Object> dsk = Map.of("x", 41L, "y", Task.of(io.tendril.graph.Ops::inc, "x"));
    assertThat(manager.get(dsk, "y")).isEqualTo(42L);
    assertThat(manager.stats().workersJoined()).as("no worker joined again").isEqualTo(1);
    assertThat(manager.stats().workersLost()).isZero();
  }

  @Test
  void sandboxNamesLeavingTheSandboxAreRefusedByName() {
    DeclaredFile f = manager.declareFile(dir.resolve("x"), CacheLevel.TASK);
    for (String bad : List.of("../escape", "a/../../b", "/etc/passwd", "")) {
      assertThatThrownBy(() -> CommandTask.builder("true").output(bad, f))
          .as("output name '" + bad + "'").isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
      assertThatThrownBy(() -> CommandTask.builder("true").input(f, bad))
          .as("input name '" + bad + "'").isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void anOutputLinkingOutOfTheSandboxIsNotTaken() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "secret\n");
    Path leak = dir.resolve("leak");
    CommandTask t = CommandTask.builder("ln -s " + secret + " out")
        .output("out", manager.declareFile(leak, CacheLevel.TASK)).build();
    manager.submit(t);
    assertThat(manager.await(Duration.ofSeconds(60))).contains(t);
    assertThat(t.resultCode()).isEqualTo(ResultCode.OUTPUT_MISSING);
    assertThat(t.message()).contains("out").contains("outside the sandbox");
    assertThat(leak).doesNotExist();
  }

  @Test
  void aTaskReadingAFileThisManagerDoesNotKnowIsRefused() {
    DeclaredFile gone = manager.declareBuffer("x".getBytes(), CacheLevel.TASK);
    manager.undeclare(gone);
    CommandTask t = CommandTask.builder("cat in").input(gone, "in").build();
    assertThatThrownBy(() -> manager.submit(t)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was not declared at this manager");
  }

  @Test
  void aFunctionItsLibraryCannotFindFailsItsKeyNamingTheFunction() throws Exception {
    // A class only the caller has; the library's class path is an empty directory.
    Path src = dir.resolve("src/ext/hostile/Only.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package ext.hostile;

        public final class Only {
          private Only() {}

          public static long here(long x) {
            return x;
          }
        }
        """);
    Path classes = Files.createDirectories(dir.resolve("only-classes"));
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-d", classes.toString(),
        src.toString())).isZero();
    Path empty = Files.createDirectories(dir.resolve("empty-classpath"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Fn here = new FunctionResolver(loader).resolve("ext.hostile.Only::here");
      Map<Object, Object> dsk = new HashMap<>();
      dsk.put(Key.of("here", 1), Task.ofFunction(here, List.of(7L)));
      assertThatThrownBy(() -> manager.get(dsk, Key.of("here", 1), GetOptions.defaults().environment(List.of(empty))))
          .hasMessageContaining("('here', 1)")
          .hasMessageContaining("ext.hostile.Only");
    }
  }

  @Test
  void anArgumentOfAClassTheCodecDoesNotAllowIsNamed() {
    Map<Object, Object> dsk = new HashMap<>();
    dsk.put("sum", Task.of(GraphOps::sum, List.of(new File("/etc/passwd"))));
    assertThatThrownBy(() -> manager.get(dsk, "sum"))
        .hasStackTraceContaining("class java.io.File is not allowed");
  }

  @Test
  void aGraphFileOf100MbThatIsNotAGraphIsRefusedWithItsPosition() throws Exception {
    Path big = dir.resolve("big.json");
    try (BufferedWriter w = Files.newBufferedWriter(big)) {
      w.write("{\"x\": \"");
      char[] line = new char[1 << 16];
      java.util.Arrays.fill(line, 'a');
      for (long written = 0; written < 100L << 20; written += line.length) {
        w.write(line);
      }
      // The string is never closed.
    }
    Run r = tendril("get", big.toString(), "x", "--scheduler", "sync");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("big.json:1:").contains("string");
  }

  @Test
  void aGraphNestedBeyondTheLimitIsRefused() throws Exception {
    int depth = 2_000_000;
    Path deep = dir.resolve("deep.json");
    try (BufferedWriter w = Files.newBufferedWriter(deep)) {
      w.write("{\"x\": ");
      for (int i = 0; i < depth; i++) {
        w.write('[');
      }
      for (int i = 0; i < depth; i++) {
        w.write(']');
      }
      w.write("}");
    }
    Run r = tendril("get", deep.toString(), "x", "--scheduler", "sync");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("deep.json:1:").contains("deep, the limit");
  }

  @Test
  void makeflowFilesWithACycleOrAMissingSourceAreRefused() throws Exception {
    Path cycle = Files.writeString(dir.resolve("cycle.mf"), "a: b\n\tcp b a\nb: a\n\tcp a b\n");
    Run r = tendril("run", cycle.toString(), "--workers", "1");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("cycle");
    Path missing = Files.writeString(dir.resolve("missing.mf"), "out: not-here.txt\n\tcat not-here.txt > out\n");
    r = tendril("run", missing.toString(), "--workers", "1");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("not-here.txt");
  }

}

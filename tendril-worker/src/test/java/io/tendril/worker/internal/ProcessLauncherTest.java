package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both ways of starting a command, side by side: spawned directly ({@code PosixSpawner}) and by
 * the JVM. Each must give the program exactly its directory, environment, input and output, report
 * its exit the way a shell does, be killable, and fail without leaving anything running.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessLauncherTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "GREETING", "hi there", "EMPTY", "");

  @TempDir Path dir;

  private static ProcessLauncher launcher(boolean direct) {
    ProcessLauncher l = ProcessLauncher.create(direct);
    assertThat(l.direct()).as("direct spawning on this JDK and platform").isEqualTo(direct);
    return l;
  }

  private Child run(boolean direct, String script) throws IOException, InterruptedException {
    Child c = launcher(direct).start(List.of("/bin/sh", "-c", script), dir, ENV, dir.resolve("out"));
    assertThat(c.waitFor(30 * SECOND)).as("ended").isTrue();
    return c;
  }

  private String output() throws IOException {
    return Files.readString(dir.resolve("out"));
  }

  @Test
  void directSpawningIsWhatThisJdkAndPlatformGet() {
    String arch = System.getProperty("os.arch");
    boolean expected = Runtime.version().feature() >= 22 && System.getProperty("os.name").equals("Linux")
        && (arch.equals("amd64") || arch.equals("aarch64"));
    assertThat(ProcessLauncher.create(true).direct()).isEqualTo(expected);
    assertThat(ProcessLauncher.create(false).direct()).isFalse();
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {true, false})
  void theProgramGetsExactlyItsDirectoryEnvironmentInputAndOutput(boolean direct) throws Exception {
    Child c = run(direct, "pwd -P; env | sort; echo to-stderr >&2; cat; echo read-nothing");
    assertThat(c.exitValue()).isZero();
    assertThat(c.isAlive()).isFalse();
    Map<String, String> expected = new TreeMap<>(ENV);
    StringBuilder env = new StringBuilder();
    // sh adds PWD (and may add OLDPWD or SHLVL); everything else is exactly what was given.
    String[] lines = output().split("\n");
    assertThat(lines[0]).isEqualTo(dir.toRealPath().toString());
    Map<String, String> seen = new TreeMap<>();
    for (int i = 1; i < lines.length - 2; i++) {
      int eq = lines[i].indexOf('=');
      seen.put(lines[i].substring(0, eq), lines[i].substring(eq + 1));
      env.append(lines[i]).append('\n');
    }
    seen.keySet().removeAll(List.of("PWD", "OLDPWD", "SHLVL", "_"));
    assertThat(seen).as(env.toString()).isEqualTo(expected);
    assertThat(lines[lines.length - 2]).isEqualTo("to-stderr");
    assertThat(lines[lines.length - 1]).isEqualTo("read-nothing");
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {true, false})
  void exitStatusesAndSignalsReadAsAShellReportsThem(boolean direct) throws Exception {
    assertThat(run(direct, "exit 3").exitValue()).isEqualTo(3);
    assertThat(run(direct, "kill -9 $$").exitValue()).isEqualTo(128 + 9);
    // Signals the JVM handles are back to their default action in the program.
    assertThat(run(direct, "kill -PIPE $$; exit 0").exitValue()).isEqualTo(128 + 13);
    if (direct) {
      // Every signal, even one the worker was started with ignored (as a shell starts background jobs).
      assertThat(run(direct, "kill -INT $$; exit 0").exitValue()).isEqualTo(128 + 2);
    }
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {true, false})
  void aRunningProgramCanBeWaitedForInStepsAndKilled(boolean direct) throws Exception {
    Child c = launcher(direct).start(List.of("/bin/sleep", "30"), dir, ENV, dir.resolve("out"));
    assertThat(c.isAlive()).isTrue();
    long began = System.nanoTime();
    assertThat(c.waitFor(TimeUnit.MILLISECONDS.toNanos(200))).isFalse();
    assertThat(System.nanoTime() - began).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(c.handle()).isPresent();
    assertThat(c.handle().get().pid()).isEqualTo(c.pid());
    assertThat(c.handle().get().destroyForcibly()).isTrue();
    assertThat(c.waitFor(10 * SECOND)).isTrue();
    assertThat(c.exitValue()).isEqualTo(128 + 9);
    assertThat(ProcessHandle.of(c.pid()).filter(ProcessHandle::isAlive)).as("reaped").isEmpty();
  }

  @ParameterizedTest(name = "direct={0}")
  @ValueSource(booleans = {true, false})
  void aProgramThatCannotStartIsAnErrorNamingIt(boolean direct) {
    ProcessLauncher l = launcher(direct);
    assertThatThrownBy(() -> l.start(List.of(dir.resolve("no-such-program").toString()), dir, ENV, dir.resolve("out")))
        .isInstanceOf(IOException.class).hasMessageContaining("no-such-program");
    assertThatThrownBy(() -> l.start(List.of("/bin/true"), dir.resolve("no-such-dir"), ENV, dir.resolve("out")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> l.start(List.of("/bin/echo", "a\0b"), dir, ENV, dir.resolve("out")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aDirectlySpawnedProgramReportsItsCpuTimeWhenReaped() throws Exception {
    Child c = run(true, "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done");
    assertThat(c.exitValue()).isZero();
    assertThat(c.cpuMillis()).as("CPU time of a busy shell loop").isGreaterThan(50);
    assertThat(run(false, "exit 0").cpuMillis()).as("unknown when the JVM reaps it").isEqualTo(-1);
  }

  @Test
  void aWaitOnADirectlySpawnedProgramEndsOnInterrupt() throws Exception {
    Child c = launcher(true).start(List.of("/bin/sleep", "30"), dir, ENV, dir.resolve("out"));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter = Thread.ofPlatform().start(() -> {
      try {
        c.waitFor(60 * SECOND);
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    Thread.sleep(200);
    waiter.interrupt();
    waiter.join(TimeUnit.SECONDS.toMillis(5));
    assertThat(waiter.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    c.handle().orElseThrow().destroyForcibly();
    assertThat(c.waitFor(10 * SECOND)).isTrue();
  }

  @Test
  void directlySpawnedProgramsRunSideBySideAndEachIsReapedOnce() throws Exception {
    ProcessLauncher l = launcher(true);
    List<CompletableFuture<Integer>> exits = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int status = i;
      Path out = dir.resolve("out" + i);
      exits.add(CompletableFuture.supplyAsync(() -> {
        try {
          Child c = l.start(List.of("/bin/sh", "-c", "sleep 0.2; exit " + status), dir, ENV, out);
          c.waitFor(30 * SECOND);
          return c.exitValue();
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (int i = 0; i < 8; i++) {
      assertThat(exits.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i);
    }
  }
}

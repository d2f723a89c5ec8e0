package io.tendril.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Intermediate results are released as soon as their last consumer has run: a chain of a million
 * tasks, each making a fresh kilobyte, runs in a 128 MB heap. Requesting every key instead keeps
 * every result and must run out of memory, which shows the heap limit is real.
 */
class MemoryReleaseTest {
  private static final int TASKS = 1_000_000;

  @ParameterizedTest
  @ValueSource(strings = {"sync", "threaded"})
  void millionTaskChainRunsIn128MegabyteHeap(String scheduler) throws Exception {
    Result r = runChild(scheduler, "last");
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("last=" + TASKS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sync"})
  void keepingEveryResultDoesNotFit(String scheduler) throws Exception {
    Result r = runChild(scheduler, "all");
    assertThat(r.exit).as(r.output).isNotZero();
    assertThat(r.output).contains("OutOfMemoryError");
  }

  private record Result(int exit, String output) {}

  private static Result runChild(String scheduler, String keys) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:+UseSerialGC",
            "-cp", System.getProperty("java.class.path"),
            ChainProgram.class.getName(), String.valueOf(TASKS), scheduler, keys))
        .redirectErrorStream(true)
        .start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("the child JVM did not finish in 120 s");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }
}

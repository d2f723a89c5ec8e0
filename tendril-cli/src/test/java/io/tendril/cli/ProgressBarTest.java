package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.graph.Schedulers;
import io.tendril.graph.Task;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress bar draws only for long runs and ends with the final count. */
class ProgressBarTest {
  static long slow(long x) throws InterruptedException {
    Thread.sleep(2);
    return x;
  }

  @Test
  void longRunsShowTheBarAndFinishAtTheTotal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Map<Object, Object> dsk = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      dsk.put("k" + i, Task.of(ProgressBarTest::slow, (long) i));
    }
    Schedulers.sync().withCallbacks(new ProgressBar(err)).get(dsk, new java.util.ArrayList<>(dsk.keySet()));
    String shown = bytes.toString(StandardCharsets.UTF_8);
    assertThat(shown).contains("\r[").contains("400/400 tasks").contains("100%").endsWith(System.lineSeparator());
  }

  @Test
  void shortRunsPrintNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Schedulers.sync().withCallbacks(new ProgressBar(err)).get(Map.of("x", 1L), "x");
    assertThat(bytes.size()).isZero();
  }

  @Test
  void rendersProportionally() {
    assertThat(ProgressBar.render(50, 100, 15, 1.25))
        .isEqualTo("\r[###############...............]  50% 50/100 tasks 1.3s");
  }
}

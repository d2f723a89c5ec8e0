package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.CacheLevel;
import io.tendril.worker.Worker;
import io.tendril.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task whose temp input will never be made, because the producer failed, ends {@code
 * INPUT_MISSING} naming the producer instead of waiting forever; so do the tasks that wait for
 * its own temps. A new producer of the same temp makes it possible again.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UnmadeTempTest {
  @TempDir Path dir;

  private static List<CommandTask> awaitAll(Manager m, int n) {
    List<CommandTask> done = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (done.size() < n && System.nanoTime() < deadline) {
      m.await(Duration.ofMillis(100)).ifPresent(done::add);
    }
    assertThat(done).as("tasks finished in time").hasSize(n);
    return done;
  }

  @Test
  void consumersOfATempWhoseProducerFailedEndInputMissing() throws Exception {
    try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
        Worker w = new Worker(WorkerOptions.builder("127.0.0.1", m.port()).workerId("w").cores(2).memoryMb(512)
            .diskMb(512).gpus(0).workspace(dir.resolve("ws")).build())) {
      w.start();
      DeclaredFile temp = m.declareTemp();
      DeclaredFile second = m.declareTemp();
      CommandTask producer = CommandTask.builder("sleep 0.5; exit 3").output("t", temp).cores(1).build();
      CommandTask consumer = CommandTask.builder("cat t > u").input(temp, "t").output("u", second).cores(1).build();
      CommandTask downstream = CommandTask.builder("cat u").input(second, "u").cores(1).build();
      long producerId = m.submit(producer);
      m.submit(consumer);
      m.submit(downstream);
      awaitAll(m, 3);
      assertThat(producer.exitCode()).isEqualTo(3);
      assertThat(consumer.resultCode()).isEqualTo(ResultCode.INPUT_MISSING);
      assertThat(consumer.message()).startsWith("input " + temp.cacheName() + " will not be made: its producer task "
          + producerId + " ended ");
      assertThat(downstream.resultCode()).as("the failure reaches the tasks waiting further down")
          .isEqualTo(ResultCode.INPUT_MISSING);
      assertThat(downstream.message()).contains("task " + consumer.id() + " ended INPUT_MISSING");

      // Submitted afterwards, a consumer ends at once; a new producer makes the temp possible again.
      CommandTask late = CommandTask.builder("cat t").input(temp, "t").cores(1).build();
      m.submit(late);
      assertThat(awaitAll(m, 1).get(0).resultCode()).isEqualTo(ResultCode.INPUT_MISSING);
      m.submit(CommandTask.builder("echo made > t").output("t", temp).cores(1).build());
      Path out = dir.resolve("out.txt");
      CommandTask again = CommandTask.builder("cat t > out").input(temp, "t")
          .output("out", m.declareFile(out, CacheLevel.WORKFLOW)).cores(1).build();
      m.submit(again);
      awaitAll(m, 2);
      assertThat(again.succeeded()).as(again.resultCode() + " " + again.message()).isTrue();
      assertThat(Files.readString(out)).isEqualTo("made\n");
    }
  }
}

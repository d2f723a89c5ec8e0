package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The manager's API without workers: misuse, cancellation, knobs, the log, allocation rules. */
@Timeout(60)
class ManagerApiTest {
  @TempDir Path dir;

  private Manager manager() {
    return new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
  }

  @Test
  void listensOnAnEphemeralPort() {
    try (Manager a = manager(); Manager b = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(dir.resolve("run-b")).build())) {
      assertThat(a.port()).isPositive();
      assertThat(b.port()).isPositive().isNotEqualTo(a.port());
      assertThat(a.isEmpty()).isTrue();
      assertThat(a.hungry()).isPositive();
    }
  }

  @Test
  void undeclaredFilesAndResubmissionAreRefused() {
    try (Manager m = manager(); Manager other = manager()) {
      DeclaredFile foreign = other.declareBuffer(new byte[] {1}, CacheLevel.TASK);
      CommandTask t = CommandTask.builder("cat x").input(foreign, "x").build();
      assertThatThrownBy(() -> m.submit(t))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was not declared at this manager");
      CommandTask ok = CommandTask.builder("true").build();
      m.submit(ok);
      assertThatThrownBy(() -> m.submit(ok))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("already submitted");
      assertThatThrownBy(ok::resultCode).isInstanceOf(IllegalStateException.class).hasMessageContaining("has not finished");
    }
  }

  @Test
  void builderRejectsUnsafeNamesWithAMessage() {
    assertThatThrownBy(() -> CommandTask.builder("true").output("../escape", null))
        .isInstanceOf(NullPointerException.class);
    try (Manager m = manager()) {
      DeclaredFile f = m.declareTemp();
      assertThatThrownBy(() -> CommandTask.builder("true").output("../escape", f))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the sandbox");
      assertThatThrownBy(() -> CommandTask.builder("true").output("/abs", f))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> CommandTask.builder(" ")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> m.declareUrl("ftp://x/y", CacheLevel.TASK))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http, https or file");
    }
  }

  @Test
  void cancellingAWaitingTaskReturnsItCancelled() throws Exception {
    try (Manager m = manager()) {
      long id = m.submit(CommandTask.builder("sleep 100").tag("batch").build());
      m.submit(CommandTask.builder("sleep 100").tag("batch").build());
      m.cancel(id);
      Optional<CommandTask> first = m.await(Duration.ofSeconds(10));
      assertThat(first).isPresent();
      assertThat(first.get().id()).isEqualTo(id);
      assertThat(first.get().resultCode()).isEqualTo(ResultCode.CANCELLED);
      m.cancelByTag("batch");
      assertThat(m.await(Duration.ofSeconds(10))).get().extracting(CommandTask::resultCode).isEqualTo(ResultCode.CANCELLED);
      assertThat(m.isEmpty()).isTrue();
      assertThat(m.stats().tasksDone()).isEqualTo(2);
    }
    String log = Files.readString(dir.resolve("run").resolve("transactions.jsonl"));
    assertThat(log).contains("\"state\":\"SUBMITTED\"").contains("\"result\":\"CANCELLED\"").contains("\"event\":\"stop\"");
  }

  @Test
  void knobsAreValidated() {
    try (Manager m = manager()) {
      m.tune("transfer-source-max", 3);
      assertThatThrownBy(() -> m.tune("no-such-knob", 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transfer-source-max");
      assertThatThrownBy(() -> m.tune("keepalive-timeout", -1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
    }
  }

  @Test
  void fetchFileReadsBuffersAndLocalFiles() throws Exception {
    try (Manager m = manager()) {
      Path p = dir.resolve("in.txt");
      Files.writeString(p, "local bytes");
      assertThat(new String(m.fetchFile(m.declareFile(p, CacheLevel.WORKFLOW)))).isEqualTo("local bytes");
      assertThat(m.fetchFile(m.declareBuffer("buf".getBytes(), CacheLevel.TASK))).isEqualTo("buf".getBytes());
      DeclaredFile temp = m.declareTemp();
      assertThatThrownBy(() -> m.fetchFile(temp)).isInstanceOf(IllegalStateException.class).hasMessageContaining("no connected worker");
    }
  }

  @Test
  void cacheNamesFollowContentAndOrigin() throws Exception {
    try (Manager m = manager()) {
      assertThat(m.declareBuffer("a".getBytes(), CacheLevel.TASK).cacheName())
          .isEqualTo(m.declareBuffer("a".getBytes(), CacheLevel.TASK).cacheName())
          .isNotEqualTo(m.declareBuffer("b".getBytes(), CacheLevel.TASK).cacheName());
      Path p = dir.resolve("f");
      Files.writeString(p, "one");
      String before = m.declareFile(p, CacheLevel.TASK).cacheName();
      Files.writeString(p, "three");
      assertThat(m.declareFile(p, CacheLevel.TASK).cacheName()).isNotEqualTo(before);
      assertThat(m.declareTemp().cacheName()).isNotEqualTo(m.declareTemp().cacheName());
    }
  }

  @Test
  void allocationFollowsTaskVinesRule() {
    WorkerEntry w = new WorkerEntry("w", "h", "", new Resources(4, 8000, 10000, 1), null);
    assertThat(ManagerCore.allocation(entry(CommandTask.builder("x").build()), w)).isEqualTo(w.total);
    assertThat(ManagerCore.allocation(entry(CommandTask.builder("x").cores(1).build()), w))
        .isEqualTo(new Resources(1, 2000, 2500, 0));
    assertThat(ManagerCore.allocation(entry(CommandTask.builder("x").memoryMb(4000).build()), w))
        .isEqualTo(new Resources(2, 4000, 5000, 0));
    assertThat(ManagerCore.allocation(entry(CommandTask.builder("x").cores(1).memoryMb(100).gpus(1).build()), w))
        .isEqualTo(new Resources(1, 100, 10000, 1));
    // 3 of 4 cores is a share of 3/4; one such task fits, so it gets the whole memory and disk.
    assertThat(ManagerCore.allocation(entry(CommandTask.builder("x").cores(3).build()), w))
        .isEqualTo(new Resources(3, 8000, 10000, 0));
    // 1.5 of 4 cores is 0.375; two such tasks fit, so each gets half the memory and disk.
    assertThat(ManagerCore.allocation(entry(CommandTask.builder("x").cores(1.5).build()), w))
        .isEqualTo(new Resources(1.5, 4000, 5000, 0));
    // Memory declared by the task itself: exactly what it asked for, the rest at its exact share.
    assertThat(ManagerCore.allocation(entry(CommandTask.builder("x").memoryMb(3000).build()), w))
        .isEqualTo(new Resources(2, 3000, 3750, 0));
  }

  @Test
  void worstFitChoosesTheWorkerWithTheMostFreeRoom() {
    WorkerEntry small = new WorkerEntry("small", "h", "", new Resources(4, 8000, 10000, 0), null);
    WorkerEntry large = new WorkerEntry("large", "h", "", new Resources(8, 8000, 10000, 0), null);
    TaskEntry oneCore = entry(CommandTask.builder("x").cores(1).workerChoice(WorkerChoice.WORST_FIT).build());
    assertThat(ManagerCore.worstFit(oneCore, List.of(small, large))).isSameAs(large);
    large.committed = new Resources(6, 1000, 0, 0);
    assertThat(ManagerCore.worstFit(oneCore, List.of(small, large))).as("4 free cores against 2").isSameAs(small);
    small.committed = new Resources(4, 0, 0, 0);
    assertThat(ManagerCore.worstFit(oneCore, List.of(small, large))).as("only the large one has room").isSameAs(large);
    large.committed = large.total;
    assertThat(ManagerCore.worstFit(oneCore, List.of(small, large))).isNull();
    assertThat(WorkerChoice.parse("worst-fit")).isEqualTo(WorkerChoice.WORST_FIT);
    assertThat(PriorityMode.parse("Largest input first")).isEqualTo(PriorityMode.LARGEST_INPUT_FIRST);
    assertThatThrownBy(() -> WorkerChoice.parse("best")).hasMessageContaining("'best'")
        .hasMessageContaining("files, worst-fit or random");
    assertThatThrownBy(() -> PriorityMode.parse("deep")).hasMessageContaining("'deep'")
        .hasMessageContaining("depth-first");
  }

  @Test
  void categoriesAreConfiguredFromAnyThreadAndValidated() throws Exception {
    try (Manager m = manager()) {
      Category align = m.category("align").mode("min-waste").max(1, 4000, 0, 0).firstGuess(0, 500, 0, 0)
          .maxConcurrent(3);
      assertThat(align.spec().mode()).isEqualTo(io.tendril.manager.resources.ResourcesMode.MIN_WASTE);
      assertThat(align.spec().firstGuess()).isEqualTo(new Resources(0, 500, 0, 0));
      assertThatThrownBy(() -> align.max(0, 400, 0, 0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("category 'align': firstGuess memory (500 MB) is above max memory (400 MB)");
      assertThat(align.spec().max()).as("a refused change changes nothing").isEqualTo(new Resources(1, 4000, 0, 0));
      assertThatThrownBy(() -> m.category("align").mode("greedy bucketing"))
          .hasMessageContaining("accepted modes are 'fixed', 'max', 'min waste', 'max throughput'");
      assertThatThrownBy(() -> m.category(" ")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> align.maxConcurrent(-1)).hasMessageContaining("maxConcurrent must be >= 0");
      assertThat(align.bucketSize(io.tendril.manager.resources.ResourceKind.MEMORY, 62.5).spec()
          .bucketSize(io.tendril.manager.resources.ResourceKind.MEMORY)).isEqualTo(62.5);
      assertThatThrownBy(() -> align.bucketSize(io.tendril.manager.resources.ResourceKind.DISK, 0))
          .hasMessageContaining("bucketSize of disk must be positive");
      m.submit(CommandTask.builder("true").category("other").build());
      List<CategorySummary> all = m.categories();
      assertThat(all).extracting(CategorySummary::name).containsExactly("align", "other");
      CategorySummary a = all.get(0);
      assertThat(a.maxConcurrent()).isEqualTo(3);
      assertThat(a.firstAllocation()).contains(new Resources(0, 500, 0, 0));
      assertThat(all.get(1).mode()).isEqualTo(io.tendril.manager.resources.ResourcesMode.FIXED);
      assertThat(all.get(1).tasksWaiting()).as("no worker: it waits").isEqualTo(1);
      m.close(); // flushes the log
      assertThat(Files.readString(m.transactionLog()))
          .contains("\"type\":\"category\",\"event\":\"configure\",\"category\":\"align\",\"mode\":\"min waste\"")
          .contains("\"type\":\"category\",\"event\":\"allocation\",\"category\":\"align\",\"mode\":\"min waste\","
              + "\"cores\":0.0,\"memory_mb\":500");
    }
  }

  private static TaskEntry entry(CommandTask t) {
    return new TaskEntry(1, 1, t, false);
  }
}

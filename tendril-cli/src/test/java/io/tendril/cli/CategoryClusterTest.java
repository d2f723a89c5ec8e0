package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.graph.Key;
import io.tendril.graph.Task;
import io.tendril.graph.json.Json;
import io.tendril.manager.GetOptions;
import io.tendril.manager.CategorySummary;
import io.tendril.manager.CommandTask;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.ResultCode;
import io.tendril.manager.resources.ResourcesMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Categories on a real worker process of 2 cores and 2000 MB: Python commands that hold a known
 * amount of memory are stopped at their allocation, retried larger in the automatic modes without
 * spending a user retry, failed for good in a fixed category, never overcommit their worker, and
 * teach a min-waste category a first allocation below its maximum.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CategoryClusterTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final long WORKER_MEMORY_MB = 2000;

  @TempDir static Path dir;
  private Manager manager;
  private LocalWorkers workers;

  @BeforeAll
  void start() {
    manager = new Manager(ManagerOptions.builder().host("127.0.0.1").port(0).runDirectory(dir.resolve("run")).build());
    workers = LocalWorkers.start(1, manager.port(), dir.resolve("run"), "local", null, null, 2, WORKER_MEMORY_MB);
  }

  @AfterAll
  void stop() {
    workers.close();
    manager.close();
  }

  /** A Python program that writes {@code mb} MB (every page touched), then sleeps. */
  private static String holding(int mb, double seconds) {
    return PYTHON + " -c 'import time; b = b\"\\x01\" * (" + mb + " << 20); time.sleep(" + seconds + ")'";
  }

  private List<CommandTask> run(List<CommandTask> tasks) {
    tasks.forEach(manager::submit);
    List<CommandTask> done = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
    while (done.size() < tasks.size() && System.nanoTime() < deadline) {
      manager.await(Duration.ofMillis(200)).ifPresent(done::add);
    }
    assertThat(done).as("tasks finished in time").hasSize(tasks.size());
    return tasks;
  }

  private CategorySummary summary(String name) {
    return manager.categories().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> log() throws Exception {
    List<Map<String, Object>> events = new ArrayList<>();
    for (String line : Files.readAllLines(manager.transactionLog())) {
      events.add((Map<String, Object>) Json.parse(line));
    }
    return events;
  }

  @Test
  void aFixedCategoryFailsATaskOverItsMemoryForGood() {
    manager.category("fixed-100").max(0, 100, 0, 0);
    CommandTask t = run(List.of(CommandTask.builder(holding(300, 1)).category("fixed-100").maxRetries(2).build())).get(0);
    assertThat(t.resultCode()).isEqualTo(ResultCode.RESOURCE_EXHAUSTION);
    assertThat(t.message()).matches("memory: used [0-9]+ MB, allocated 100 MB; final, as category 'fixed-100' is "
        + "in mode fixed, where exhaustion is final");
    assertThat(t.measured().orElseThrow().peakMemoryMb()).isGreaterThan(100);
    assertThat(t.allocated().memoryMb()).isEqualTo(100);
    // Neither an exhaustion retry nor a user retry.
    assertThat(t.attempts()).isEqualTo(1);
    assertThat(t.exhaustionRetries()).isZero();
    System.out.println("fixed: " + t.message() + "; measured " + t.measured().orElseThrow());
  }

  @Test
  void maxAndMinWasteRetryBiggerWithoutSpendingAUserRetry() throws Exception {
    List<CommandTask> tasks = new ArrayList<>();
    for (ResourcesMode mode : List.of(ResourcesMode.MAX, ResourcesMode.MIN_WASTE)) {
      String name = "grow-" + mode.name();
      manager.category(name).mode(mode).max(0, 1000, 0, 0).firstGuess(0, 100, 0, 0);
      tasks.add(CommandTask.builder(holding(300, 1)).category(name).build()); // maxRetries 0
    }
    // A task that declares its memory itself keeps it, and its exhaustion is final.
    manager.category("grow-declared").mode(ResourcesMode.MIN_WASTE).max(0, 1000, 0, 0);
    CommandTask declared = CommandTask.builder(holding(300, 1)).category("grow-declared").memoryMb(100).build();
    tasks.add(declared);
    run(tasks);
    for (CommandTask t : tasks.subList(0, 2)) {
      assertThat(t.succeeded()).as(t + " " + t.resultCode() + " " + t.message()).isTrue();
      assertThat(t.attempts()).isEqualTo(2);
      assertThat(t.exhaustionRetries()).isEqualTo(1);
      assertThat(t.allocated().memoryMb()).isEqualTo(1000);
      assertThat(t.measured().orElseThrow().peakMemoryMb()).isBetween(300L, 360L);
      System.out.println(t.category() + ": attempts " + t.attempts() + ", allocated " + t.allocated()
          + ", measured peak " + t.measured().orElseThrow().peakMemoryMb() + " MB");
    }
    assertThat(declared.resultCode()).isEqualTo(ResultCode.RESOURCE_EXHAUSTION);
    assertThat(declared.message()).contains("allocated 100 MB").contains("declared its memory itself");
    List<Map<String, Object>> exhausted = log().stream()
        .filter(e -> "exhausted".equals(e.get("event")) && e.get("category").toString().startsWith("grow-")).toList();
    assertThat(exhausted).hasSize(3);
    for (Map<String, Object> e : exhausted) {
      assertThat(e).containsEntry("resource", "memory").containsKey("peak");
      assertThat(((Number) e.get("allocated")).longValue()).isEqualTo(100);
      System.out.println("log: " + Json.write(e));
    }
    assertThat(exhausted).filteredOn(e -> Boolean.TRUE.equals(e.get("retry"))).hasSize(2)
        .allSatisfy(e -> assertThat(((Number) e.get("next_memory_mb")).longValue()).isEqualTo(1000));
    assertThat(summary("grow-MAX").exhaustions()).isEqualTo(1);
    assertThat(summary("grow-MAX").maxSeen().memoryMb()).isGreaterThanOrEqualTo(300);
  }

  @Test
  void tasksOnOneWorkerNeverHoldMoreThanItHas() throws Exception {
    // Four tasks start at 600 MB; two need 700 and are retried at 1200, and two of those cannot
    // run together on 2000 MB.
    manager.category("pair").mode(ResourcesMode.MAX).max(0, 1200, 0, 0).firstGuess(0, 600, 0, 0);
    List<CommandTask> tasks = new ArrayList<>();
    for (int mb : new int[] {700, 100, 700, 100}) {
      tasks.add(CommandTask.builder(holding(mb, 1)).category("pair").build());
    }
    run(tasks);
    for (CommandTask t : tasks) {
      assertThat(t.succeeded()).as(t + " " + t.resultCode() + " " + t.message()).isTrue();
    }
    Set<Long> ids = new HashSet<>();
    tasks.forEach(t -> ids.add(t.id()));
    Map<Long, double[]> allocation = new HashMap<>();
    Map<Long, double[]> running = new HashMap<>();
    double peakMemory = 0;
    double peakCores = 0;
    int mostAtOnce = 0;
    for (Map<String, Object> e : log()) {
      if (!"task".equals(e.get("type")) || !ids.contains(((Number) e.get("id")).longValue())) {
        continue;
      }
      long id = ((Number) e.get("id")).longValue();
      if ("DISPATCHED".equals(e.get("state"))) {
        allocation.put(id, new double[] {((Number) e.get("cores")).doubleValue(), ((Number) e.get("memory_mb")).doubleValue()});
      } else if ("RUNNING".equals(e.get("state"))) {
        running.put(id, allocation.get(id));
      } else if ("finished".equals(e.get("event"))) {
        running.remove(id);
      }
      double memory = running.values().stream().mapToDouble(a -> a[1]).sum();
      double cores = running.values().stream().mapToDouble(a -> a[0]).sum();
      peakMemory = Math.max(peakMemory, memory);
      peakCores = Math.max(peakCores, cores);
      mostAtOnce = Math.max(mostAtOnce, running.size());
    }
    System.out.println("pair: at most " + mostAtOnce + " tasks at once, holding " + peakMemory + " MB and "
        + peakCores + " cores of 2000 MB and 2 cores");
    assertThat(mostAtOnce).as("tasks ran side by side").isEqualTo(2);
    assertThat(peakMemory).isLessThanOrEqualTo(WORKER_MEMORY_MB);
    assertThat(peakCores).isLessThanOrEqualTo(2);
    assertThat(tasks).filteredOn(t -> t.exhaustionRetries() == 1).hasSize(2)
        .allSatisfy(t -> assertThat(t.allocated().memoryMb()).isEqualTo(1200));
  }

  @Test
  void minWasteConvergesOnAMixedWorkloadAndEveryTaskSucceeds() throws Exception {
    // 36 tasks of 20 MB and 4 of 300 MB (peaks about 10 MB more, the interpreter's own); buckets
    // of 250 MB. Once 25 tasks were measured min waste gives 250 MB: retrying the few large tasks
    // at 1000 MB costs less than giving every task 500. The tasks dispatched after that (all but
    // the 25 and the few sent ahead meanwhile) run at 250 MB; a large one among them is retried.
    manager.category("mixed").mode(ResourcesMode.MIN_WASTE).max(1, 1000, 0, 0);
    Set<Integer> large = Set.of(5, 28, 33, 37);
    List<CommandTask> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(CommandTask.builder(holding(large.contains(i) ? 300 : 20, 0.3)).category("mixed").build());
    }
    run(tasks);
    for (boolean big : new boolean[] {false, true}) {
      System.out.println("mixed: " + (big ? "large" : "small") + " tasks' wall times (ms): " + tasks.stream()
          .filter(t -> large.contains(tasks.indexOf(t)) == big)
          .map(t -> t.measured().orElseThrow().wallTime().toMillis()).toList());
    }
    for (CommandTask t : tasks) {
      assertThat(t.succeeded()).as(t + " " + t.resultCode() + " " + t.message()).isTrue();
    }
    CategorySummary s = summary("mixed");
    System.out.println("mixed: " + s);
    assertThat(s.firstAllocation()).isPresent();
    assertThat(s.firstAllocation().get().memoryMb()).isEqualTo(250);
    assertThat(s.tasksDone()).isEqualTo(40);
    assertThat(s.maxSeen().memoryMb()).isBetween(300L, 350L);
    List<CommandTask> learned = tasks.stream().filter(t -> t.allocated().memoryMb() == 250).toList();
    assertThat(learned).as("later tasks ran with the learned 250 MB").hasSizeGreaterThanOrEqualTo(6);
    List<CommandTask> retried = tasks.stream().filter(t -> t.exhaustionRetries() > 0).toList();
    assertThat(retried).allSatisfy(t -> {
      assertThat(t.allocated().memoryMb()).isEqualTo(1000);
      assertThat(tasks.indexOf(t)).isIn(large);
    });
    System.out.println("mixed: " + learned.size() + " tasks ran at 250 MB; retried at 1000 MB: "
        + retried.stream().map(tasks::indexOf).toList());
    if (!retried.isEmpty()) {
      long id = retried.get(0).id();
      for (String line : Files.readAllLines(manager.transactionLog())) {
        if (line.contains("\"id\":" + id + ",") || line.contains("\"event\":\"allocation\",\"category\":\"mixed\"")) {
          System.out.println("log: " + line);
        }
      }
    }

    StringWriter out = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
        "status", dir.resolve("run").toString());
    System.out.println(out);
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("category mixed (min waste): 40 done, 0 running, 0 waiting")
        .containsPattern("memory +3[0-9][0-9] MB +250 MB +1000 MB");
  }

  @Test
  void aGraphRunSetsTheModeOfEachFunctionsCategoryAndRecordsItsCalls() {
    Map<Object, Object> dsk = new HashMap<>();
    List<Object> incs = new ArrayList<>();
    for (long i = 0; i < 6; i++) {
      dsk.put(Key.of("inc", i), Task.of(GraphOps::slowInc, i));
      incs.add(Key.of("inc", i));
    }
    dsk.put("total", Task.of(GraphOps::sum, incs));
    Object total = manager.get(dsk, "total", GetOptions.defaults().resourcesMode(ResourcesMode.MIN_WASTE));
    assertThat(total).isEqualTo(21L);
    String inc = Task.of(GraphOps::slowInc, 0L).fn().functionName();
    CategorySummary calls = summary(inc);
    System.out.println("graph: " + calls);
    assertThat(calls.mode()).isEqualTo(ResourcesMode.MIN_WASTE);
    assertThat(calls.tasksDone()).isEqualTo(6);
    assertThat(calls.completions()).isEqualTo(6);
    assertThat(summary(Task.of(GraphOps::sum, List.of()).fn().functionName()).tasksDone()).isEqualTo(1);
  }

  @Test
  void maxConcurrentHoldsTasksBack() throws Exception {
    manager.category("one-at-a-time").maxConcurrent(1);
    List<CommandTask> tasks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tasks.add(CommandTask.builder("sleep 0.3").category("one-at-a-time").cores(0.5).build());
    }
    run(tasks);
    for (int i = 1; i < tasks.size(); i++) {
      assertThat(tasks.get(i).timings().started()).as("task " + i + " started after the one before ended")
          .isAfterOrEqualTo(tasks.get(i - 1).timings().finished());
    }
    assertThat(summary("one-at-a-time").maxConcurrent()).isEqualTo(1);
    assertThat(manager.category("one-at-a-time").spec().maxConcurrent()).isEqualTo(1);
  }
}

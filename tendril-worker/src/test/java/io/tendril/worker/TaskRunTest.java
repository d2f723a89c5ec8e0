package io.tendril.worker;

import static io.tendril.worker.Messages.output;
import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.wire.OutputFile;
import io.tendril.protocol.wire.Resources;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.WorkerMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Running tasks: output capture and its limit, the environment, exit statuses, signals, the
 * wall-time limit and KillTask (whole process trees), outputs, resources and missing inputs.
 */
class TaskRunTest extends WorkerTestSupport {

  @Test
  void capturesMergedOutputWithTheTaskEnvironmentInItsSandbox() throws Exception {
    Worker w = startWorker("env");
    FakeManager.Connection c = manager.awaitConnection("env");
    awaitConnected(w);
    c.send(task(7, "echo \"$GREETING\"; echo oops >&2; pwd; echo cores=$CORES; test -z \"$SECRET_OF_THE_WORKER\" && echo clean")
        .putEnv("GREETING", "hi there").build());
    TaskFinished f = c.awaitFinished(7);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(f.getExitCode()).isZero();
    assertThat(text(f.getStdout())).isEqualTo("hi there\noops\n" + w.workspace().toRealPath().resolve("sandbox/t7")
        + "\ncores=1\nclean\n");
    assertThat(f.getStdoutTruncated()).isFalse();
    assertThat(f.getFinishedAtMs()).isGreaterThanOrEqualTo(f.getStartedAtMs());
    assertThat(c.awaitStarted(7).getStartedAtMs()).isEqualTo(f.getStartedAtMs());
    assertThat(Files.exists(w.workspace().resolve("sandbox/t7"))).as("sandbox deleted").isFalse();
    assertThat(w.tasksRun()).isEqualTo(1);
  }

  @Test
  void aWorkerThatLeavesSpawningToTheJvmRunsCommandsAlike() throws Exception {
    for (boolean direct : new boolean[] {true, false}) {
      String id = direct ? "direct" : "jvm";
      Worker w = startWorker(id, b -> b.directSpawn(direct));
      FakeManager.Connection c = manager.awaitConnection(id);
      awaitConnected(w);
      c.send(task(1, "echo \"$GREETING\" from \"$(pwd)\"; i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")
          .putEnv("GREETING", "hi").build());
      c.send(task(2, "/bin/echo plain words").build());
      c.send(task(3, "kill -9 $$").build());
      TaskFinished f = c.awaitFinished(1);
      assertThat(f.getResult()).as(id).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
      assertThat(text(f.getStdout())).isEqualTo("hi from " + w.workspace().toRealPath().resolve("sandbox/t1") + "\n");
      assertThat(f.getMeasured().getCpuTimeMs()).as("%s: CPU time of a busy loop", id).isPositive();
      assertThat(text(c.awaitFinished(2).getStdout())).isEqualTo("plain words\n");
      assertThat(c.awaitFinished(3).getExitCode()).as(id).isEqualTo(137);
    }
  }

  @Test
  void outputBeyondTheLimitIsDroppedAndFlaggedWithoutBlockingTheCommand() throws Exception {
    FakeManager.Connection c = connectWorker("chatty");
    c.send(task(1, "head -c 3000000 /dev/zero | tr '\\0' x; echo; echo done >&2").setStdoutLimit(1000).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(f.getStdout().size()).isEqualTo(1000);
    assertThat(text(f.getStdout())).matches("x{1000}");
    assertThat(f.getStdoutTruncated()).isTrue();
  }

  @Test
  void aNonZeroExitIsAFailureWithItsStatus() throws Exception {
    FakeManager.Connection c = connectWorker("fails");
    c.send(task(1, "echo before; exit 3").build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_FAILURE);
    assertThat(f.getExitCode()).isEqualTo(3);
    assertThat(text(f.getStdout())).isEqualTo("before\n");
    assertThat(f.getOutputsList()).isEmpty();
  }

  @Test
  void deathBySignalIsReportedAsSignal() throws Exception {
    FakeManager.Connection c = connectWorker("signal");
    c.send(task(1, "kill -9 $$").build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SIGNAL);
    assertThat(f.getExitCode()).isEqualTo(137);
    assertThat(f.getMessage()).contains("signal 9");
  }

  @Test
  void theWallTimeLimitKillsTheWholeTree() throws Exception {
    FakeManager.Connection c = connectWorker("slow");
    Path pidFile = tmp.resolve("child.pid");
    c.send(task(1, "sleep 60 & echo $! > " + pidFile + "; wait").setMaxWallTimeMs(700).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_MAX_WALL_TIME);
    assertThat(f.getMeasured().getWallTimeMs()).isGreaterThanOrEqualTo(700);
    assertGone(pidFile);
  }

  @Test
  void killTaskStopsARunningTreeAndReportsCancelled() throws Exception {
    FakeManager.Connection c = connectWorker("killed");
    Path pidFile = tmp.resolve("child.pid");
    c.send(task(1, "sh -c 'sleep 60' & echo $! > " + pidFile + "; wait").build());
    c.awaitStarted(1);
    waitForFile(pidFile);
    c.send(io.tendril.protocol.wire.ManagerMessage.newBuilder()
        .setKillTask(io.tendril.protocol.wire.KillTask.newBuilder().setTaskId(1)).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_CANCELLED);
    assertGone(pidFile);
  }

  @Test
  void killingAWaitingTaskCancelsItBeforeItStarts() throws Exception {
    FakeManager.Connection c = connectWorker("waits");
    c.send(task(1, "sleep 30").setResources(Resources.newBuilder().setCores(4)).build());
    c.awaitStarted(1);
    c.send(task(2, "echo never").setResources(Resources.newBuilder().setCores(4)).build());
    c.send(io.tendril.protocol.wire.ManagerMessage.newBuilder()
        .setKillTask(io.tendril.protocol.wire.KillTask.newBuilder().setTaskId(2)).build());
    TaskFinished f = c.awaitFinished(2);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_CANCELLED);
    assertThat(c.received()).noneMatch(m -> m.hasTaskStarted() && m.getTaskStarted().getTaskId() == 2);
  }

  @Test
  void outputsArePresentOrMissing() throws Exception {
    Worker w = startWorker("outputs");
    FakeManager.Connection c = manager.awaitConnection("outputs");
    awaitConnected(w);
    c.send(task(1, "printf hello > out.txt; mkdir -p d/e; echo a > d/a; echo bb > d/e/b")
        .addOutputs(output("out.txt", "out-1")).addOutputs(output("d", "dir-1")).build());
    TaskFinished ok = c.awaitFinished(1);
    assertThat(ok.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(ok.getOutputsList()).extracting(OutputFile::getCacheName, OutputFile::getPresent, OutputFile::getSize)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("out-1", true, 5L),
            org.assertj.core.groups.Tuple.tuple("dir-1", true, 5L));
    Path cache = w.workspace().resolve("cache");
    assertThat(Files.readString(cache.resolve("out-1"))).isEqualTo("hello");
    assertThat(Files.readString(cache.resolve("dir-1/e/b"))).isEqualTo("bb\n");

    c.send(task(2, "touch made").addOutputs(output("made", "made-2")).addOutputs(output("not-made", "nm-2")).build());
    TaskFinished missing = c.awaitFinished(2);
    assertThat(missing.getResult()).isEqualTo(TaskResult.TASK_RESULT_OUTPUT_MISSING);
    assertThat(missing.getMessage()).contains("not-made");
    assertThat(missing.getOutputsList()).extracting(OutputFile::getCacheName, OutputFile::getPresent)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("made-2", true),
            org.assertj.core.groups.Tuple.tuple("nm-2", false));
    assertThat(Files.exists(cache.resolve("nm-2"))).isFalse();
  }

  @Test
  void tasksWaitForResourcesAndNeverOverbook() throws Exception {
    FakeManager.Connection c = connectWorker("full");
    Resources all = Resources.newBuilder().setCores(3).build();
    c.send(task(1, "sleep 1").setResources(all).build());
    c.send(task(2, "sleep 1").setResources(all).build());
    c.send(task(3, "true").setResources(Resources.newBuilder().setCores(1)).build());
    c.awaitFinished(1);
    c.awaitFinished(2);
    c.awaitFinished(3);
    List<String> order = c.received().stream()
        .filter(m -> m.hasTaskStarted() || m.hasTaskFinished())
        .map(m -> m.hasTaskStarted() ? "start" + m.getTaskStarted().getTaskId() : "end" + m.getTaskFinished().getTaskId())
        .toList();
    assertThat(order.indexOf("start2")).as("task 2 starts after task 1 ends: %s", order)
        .isGreaterThan(order.indexOf("end1"));
    assertThat(order.indexOf("start3")).as("a small task fits beside task 1: %s", order)
        .isLessThan(order.indexOf("end1"));
  }

  @Test
  void aTaskLargerThanTheWorkerAndATaskWithoutItsInputEndAtOnce() throws Exception {
    FakeManager.Connection c = connectWorker("strict");
    c.send(task(1, "true").setResources(Resources.newBuilder().setCores(64)).build());
    assertThat(c.awaitFinished(1).getResult()).isEqualTo(TaskResult.TASK_RESULT_RESOURCE_EXHAUSTION);
    c.send(task(2, "cat in").addInputs(Messages.mount("nowhere", "in")).build());
    TaskFinished f = c.awaitFinished(2);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_INPUT_MISSING);
    assertThat(f.getMessage()).contains("nowhere");
  }

  @Test
  void aTaskWithoutDeclaredResourcesTakesTheWholeWorker() throws Exception {
    FakeManager.Connection c = connectWorker("whole");
    c.send(task(1, "sleep 1").clearResources().build());
    c.awaitStarted(1);
    WorkerMessage beat = c.await(m -> m.hasHeartbeat() && m.getHeartbeat().getInUse().getCores() > 0,
        "a heartbeat with cores in use");
    assertThat(beat.getHeartbeat().getInUse().getCores()).isEqualTo(4.0);
    assertThat(beat.getHeartbeat().getInUse().getMemoryMb()).isEqualTo(1024);
    assertThat(c.awaitFinished(1).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
  }

  @Test
  void cpuTimeMemoryAndProcessesOfTheTreeAreMeasured() throws Exception {
    FakeManager.Connection c = connectWorker("measured");
    c.send(task(1, "sh -c 'i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done'; true").build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(f.getMeasured().getCpuTimeMs()).as("a busy loop uses CPU").isPositive();
    assertThat(f.getMeasured().getWallTimeMs()).isPositive();
    assertThat(f.getMeasured().getPeakMemoryMb()).isPositive();
    assertThat(f.getMeasured().getMaxProcesses()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aLineOfPlainWordsRunsItsProgramWithoutAShellInTheSameEnvironment() throws Exception {
    Worker w = startWorker("plain");
    FakeManager.Connection c = manager.awaitConnection("plain");
    awaitConnected(w);
    c.send(task(1, "/bin/cat /proc/self/stat").build());
    TaskFinished stat = c.awaitFinished(1);
    assertThat(stat.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    String fields = text(stat.getStdout());
    long parent = Long.parseLong(fields.substring(fields.lastIndexOf(')') + 2).split(" ")[1]);
    assertThat(parent).as("the worker started cat itself, not a shell").isEqualTo(ProcessHandle.current().pid());

    c.send(task(2, "env").putEnv("GREETING", "hi").build());
    TaskFinished env = c.awaitFinished(2);
    assertThat(env.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(text(env.getStdout()).lines().toList()).contains("GREETING=hi", "CORES=1",
        "PWD=" + w.workspace().toRealPath().resolve("sandbox/t2"),
        "TENDRIL_SANDBOX=" + w.workspace().resolve("sandbox/t2"));
    c.send(task(3, "echo $PWD").build());
    assertThat(text(c.awaitFinished(3).getStdout())).as("what a shell says")
        .isEqualTo(w.workspace().toRealPath().resolve("sandbox/t3") + "\n");
  }

  @Test
  void aPlainProgramIsFoundOnTheTasksPathAndAScriptWithoutInterpreterLineStillRuns() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path hello = Files.writeString(bin.resolve("hello"), "#!/bin/sh\necho from-the-task-path \"$@\"\n");
    Path bare = Files.writeString(bin.resolve("bare"), "echo run-by-a-shell $1\n");
    for (Path p : List.of(hello, bare)) {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    FakeManager.Connection c = connectWorker("path");
    String path = bin + ":/usr/bin:/bin";
    c.send(task(1, "hello a  b").putEnv("PATH", path).build());
    TaskFinished found = c.awaitFinished(1);
    assertThat(found.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(text(found.getStdout())).isEqualTo("from-the-task-path a b\n");
    c.send(task(2, "bare x").putEnv("PATH", path).build());
    TaskFinished script = c.awaitFinished(2);
    assertThat(script.getResult()).as(text(script.getStdout())).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(text(script.getStdout())).isEqualTo("run-by-a-shell x\n");
    c.send(task(3, "no-such-program-here --flag").build());
    TaskFinished missing = c.awaitFinished(3);
    assertThat(missing.getResult()).isEqualTo(TaskResult.TASK_RESULT_FAILURE);
    assertThat(missing.getExitCode()).as("the shell's status for a command not found").isEqualTo(127);
    assertThat(text(missing.getStdout())).contains("no-such-program-here").contains("not found");
    c.send(task(4, "/bin/sleep 60").setMaxWallTimeMs(500).build());
    assertThat(c.awaitFinished(4).getResult()).isEqualTo(TaskResult.TASK_RESULT_MAX_WALL_TIME);
  }

  @Test
  void smallTasksPassALargeOneOnlyUntilItHasWaitedThePassLimit() throws Exception {
    Worker w = startWorker("fair", b -> b.cores(2));
    FakeManager.Connection c = manager.awaitConnection("fair");
    awaitConnected(w);
    c.send(task(1, "sleep 3").build());
    c.awaitStarted(1);
    c.send(task(2, "echo large").setResources(io.tendril.protocol.wire.Resources.newBuilder().setCores(2)).build());
    for (int i = 3; i <= 8; i++) {
      c.send(task(i, "sleep 1").build());
    }
    TaskFinished large = c.awaitFinished(2);
    assertThat(large.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    List<Long> passedBy = new java.util.ArrayList<>();
    for (long i = 3; i <= 8; i++) {
      if (c.awaitStarted(i).getStartedAtMs() < large.getStartedAtMs()) {
        passedBy.add(i);
      }
    }
    // One core is free from the start: small tasks pass the large one for its first two seconds
    // (tasks 3 and 4, a second each), then wait until task 1 has ended and the large one has run.
    assertThat(passedBy).as("the small tasks started before the large one").isNotEmpty().hasSizeLessThanOrEqualTo(3);
    for (long i = 3; i <= 8; i++) {
      assertThat(c.awaitFinished(i).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    }
  }

  private static void waitForFile(Path p) throws InterruptedException {
    for (int i = 0; i < 500 && !(Files.exists(p) && sizeOf(p) > 0); i++) {
      Thread.sleep(10);
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** The process whose id the task wrote is dead (after a short grace for the kernel to reap it). */
  private static void assertGone(Path pidFile) throws Exception {
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    for (int i = 0; i < 300 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(10);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("background process %d was killed with its task", pid).isFalse();
  }
}

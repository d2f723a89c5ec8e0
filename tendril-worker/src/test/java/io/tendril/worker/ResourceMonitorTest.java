package io.tendril.worker;

import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tendril.protocol.wire.Measured;
import io.tendril.protocol.wire.Resources;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The resource monitor against real processes: memory, disk, CPU time, cores and bytes written are
 * measured, and memory, disk and (when asked) cores beyond a task's allocation stop it with
 * RESOURCE_EXHAUSTION, while the worker's other tasks go on.
 *
 * <p>Memory is held by {@code python3}: {@code b"\x01" * n} writes every byte of an n-byte object,
 * so exactly n bytes become resident on top of the interpreter's own few megabytes. Tests that need
 * Python are skipped where there is none.
 */
class ResourceMonitorTest extends WorkerTestSupport {
  private static final String PYTHON = "/usr/bin/python3";

  /** A command holding {@code mb} megabytes resident for {@code seconds}, then exiting. */
  private static String holding(int mb, double seconds) {
    return PYTHON + " -c 'import time; b = b\"\\x01\" * (" + mb + " << 20); time.sleep(" + seconds + ")'";
  }

  private static void assumePython() {
    assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
  }

  private static Resources.Builder cores(double n) {
    return Resources.newBuilder().setCores(n);
  }

  @Test
  void peakMemoryOfAProgramHoldingTwoHundredMegabytesIsWithinTenPercent() throws Exception {
    assumePython();
    FakeManager.Connection c = connectWorker("rss");
    c.send(task(1, holding(0, 1.0)).build());
    TaskFinished baseline = c.awaitFinished(1);
    c.send(task(2, holding(200, 1.5)).build());
    TaskFinished held = c.awaitFinished(2);
    assertThat(baseline.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(held.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    double baseMb = baseline.getMeasured().getPeakMemoryKb() / 1024.0;
    double peakMb = held.getMeasured().getPeakMemoryKb() / 1024.0;
    // The interpreter and its shell hold about 10 MB: within 10 % of 200 MB, and within 2 % once
    // the same program holding nothing is subtracted.
    assertThat(peakMb).as("peak of the tree holding 200 MB (baseline %.1f MB)", baseMb).isCloseTo(200, within(20.0));
    assertThat(peakMb - baseMb).as("peak %.1f MB minus baseline %.1f MB", peakMb, baseMb).isCloseTo(200, within(4.0));
    assertThat(held.getMeasured().getPeakMemoryMb()).isEqualTo((long) Math.ceil(peakMb));
  }

  @Test
  void aCommandOverItsMemoryAllocationIsStoppedNamingMemoryAndItsPeak() throws Exception {
    assumePython();
    FakeManager.Connection c = connectWorker("greedy");
    c.send(task(1, holding(300, 30)).setResources(cores(1).setMemoryMb(100)).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_RESOURCE_EXHAUSTION);
    assertThat(f.getExhaustedResource()).isEqualTo("memory");
    Matcher m = Pattern.compile("memory: used (\\d+) MB, allocated 100 MB").matcher(f.getMessage());
    assertThat(m.matches()).as(f.getMessage()).isTrue();
    long used = Long.parseLong(m.group(1));
    assertThat(used).isGreaterThan(100).isEqualTo(f.getMeasured().getPeakMemoryMb());
    assertThat(f.getMeasured().getWallTimeMs()).as("stopped long before its 30 s sleep").isLessThan(10_000);
  }

  @Test
  void aTaskBesideAStoppedOneCompletesNormally() throws Exception {
    assumePython();
    FakeManager.Connection c = connectWorker("neighbours");
    Path go = tmp.resolve("go");
    c.send(task(1, "while [ ! -e " + go + " ]; do sleep 0.05; done; echo done").build());
    c.awaitStarted(1);
    c.send(task(2, holding(300, 30)).setResources(cores(1).setMemoryMb(100)).build());
    assertThat(c.awaitFinished(2).getResult()).isEqualTo(TaskResult.TASK_RESULT_RESOURCE_EXHAUSTION);
    assertThat(c.received()).as("the neighbour still runs").noneMatch(w -> w.hasTaskFinished()
        && w.getTaskFinished().getTaskId() == 1);
    Files.createFile(go);
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(text(f.getStdout())).isEqualTo("done\n");

    c.send(task(3, "echo still here").build());
    assertThat(c.awaitFinished(3).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
  }

  @Test
  void aCommandWritingBeyondItsDiskAllocationIsStoppedNamingDisk() throws Exception {
    FakeManager.Connection c = connectWorker("writer");
    c.send(task(1, "head -c 30000000 /dev/zero > big; sleep 30").setResources(cores(1).setDiskMb(10)).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_RESOURCE_EXHAUSTION);
    assertThat(f.getExhaustedResource()).isEqualTo("disk");
    // A sample during the write may see part of the 30,000,000 bytes (29 MB): more than 10 MB is
    // enough to stop it, and the message names what that sample saw; the last walk, after the
    // kill, may see a little more, which the peak includes.
    long seen = f.getMeasured().getPeakDiskMb();
    assertThat(seen).isBetween(11L, 29L);
    assertThat(f.getMessage()).matches("disk: used [0-9]+ MB, allocated 10 MB");
    long stoppedAt = Long.parseLong(f.getMessage().replaceAll("disk: used ([0-9]+) MB.*", "$1"));
    assertThat(stoppedAt).isBetween(11L, seen);
    assertThat(f.getMeasured().getWallTimeMs()).as("stopped long before its 30 s sleep").isLessThan(10_000);

    c.send(task(2, "head -c 30000000 /dev/zero > big").setResources(cores(1).setDiskMb(10)).build());
    TaskFinished left = c.awaitFinished(2);
    // Seen by a sample while it writes, or by the last walk after it exits: too much either way.
    assertThat(left.getResult()).as("a command leaving too much behind").isEqualTo(TaskResult.TASK_RESULT_RESOURCE_EXHAUSTION);
    assertThat(left.getExhaustedResource()).isEqualTo("disk");
  }

  @Test
  void bytesWrittenAndDiskOfAKnownFileAreMeasured() throws Exception {
    FakeManager.Connection c = connectWorker("io");
    c.send(task(1, "head -c 5000000 /dev/zero > out; sleep 0.3").setResources(cores(1).setDiskMb(10)).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    Measured m = f.getMeasured();
    // head writes the file and nothing else; its reads are /dev/zero plus the few kilobytes of
    // the shared libraries the loader reads.
    assertThat(m.getBytesWritten()).isBetween(5_000_000L, 5_000_000L + 4096);
    assertThat(m.getBytesRead()).isBetween(5_000_000L, 5_000_000L + (1 << 20));
    assertThat(m.getPeakDiskKb()).isEqualTo((5_000_000 + 1023) / 1024);
    assertThat(m.getPeakDiskMb()).isEqualTo(5);
  }

  @Test
  void cpuTimeOfABusyLoopIncludesItsExitedProcessAndCoresAreOnlyMeasuredByDefault() throws Exception {
    assumePython();
    FakeManager.Connection c = connectWorker("busy");
    // The interpreter burns 1.5 s of CPU, prints its own CPU time and exits; the shell sleeps on,
    // so the interpreter's time is known only through the shell's count of its reaped children.
    // Half a core allocated, not enforced. Other processes of the machine may slow it down, so
    // its cores are only checked for consistency.
    String busy = PYTHON + " -c 'import os, time\nwhile time.process_time() < 1.5: pass\n"
        + "t = os.times(); print(round((t.user + t.system) * 1000))'; sleep 0.5";
    c.send(task(1, busy).setResources(cores(0.5)).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    long reported = Long.parseLong(text(f.getStdout()).strip());
    Measured m = f.getMeasured();
    assertThat(m.getCpuTimeMs()).as("the interpreter reported %d ms", reported)
        .isBetween(reported, reported + 100);
    assertThat(m.getAvgCoresMilli()).isEqualTo(m.getCpuTimeMs() * 1000 / m.getWallTimeMs());
    assertThat(m.getPeakCoresMilli()).as("one busy thread").isBetween(m.getAvgCoresMilli(), 1200L);
  }

  @Test
  void enforcedCoresStopACommandUsingMoreThanItsShare() throws Exception {
    FakeManager.Connection c = connectWorker("cores");
    // A busy loop uses a whole core, or a fifth of one on a machine busy with other work: either
    // way far more than 0.02 cores.
    c.send(task(1, "while :; do :; done").setResources(cores(0.02)).setEnforceCores(true).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_RESOURCE_EXHAUSTION);
    assertThat(f.getExhaustedResource()).isEqualTo("cores");
    assertThat(f.getMessage()).matches("cores: used \\d\\.\\d\\d \\(averaged over \\d\\.\\d s\\), allocated 0\\.02, "
        + "enforced above 0\\.03");
    assertThat(f.getMeasured().getWallTimeMs()).isLessThan(10_000);
  }

  @Test
  void aShorterIntervalStillMeasuresAndNoLimitMeansNoEnforcement() throws Exception {
    Worker w = startWorker("fine", b -> b.monitorInterval(java.time.Duration.ofMillis(50)));
    FakeManager.Connection c = manager.awaitConnection("fine");
    awaitConnected(w);
    // One core declared and no memory or disk: nothing is enforced.
    c.send(task(1, "head -c 30000000 /dev/zero > big; sleep 0.3").build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(f.getMeasured().getPeakDiskMb()).isEqualTo(29);
    assertThat(f.getMeasured().getMaxProcesses()).isGreaterThanOrEqualTo(1);
    assertThat(f.getMeasured().getPeakMemoryKb()).isPositive();
  }
}

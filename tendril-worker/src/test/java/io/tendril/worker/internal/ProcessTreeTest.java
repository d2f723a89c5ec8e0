package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Samples of real process trees: what exited between samples is still counted, once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessTreeTest {
  @TempDir Path tmp;

  @Test
  void childrenThatExitedUnseenAreCountedThroughTheirParentAndOnlyOnce() throws Exception {
    Path marker = tmp.resolve("children-done");
    // Two children run and are reaped before the first sample: one copies 3,000,000 bytes, one
    // burns CPU in a shell loop. Then the root waits.
    String command = "head -c 3000000 /dev/zero > /dev/null; "
        + "sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done'; touch " + marker + "; sleep 1; true";
    Process p = new ProcessBuilder(List.of("/bin/sh", "-c", command)).start();
    ProcessTree tree = new ProcessTree(p.toHandle());
    try {
      while (!Files.exists(marker)) {
        Thread.sleep(10);
      }
      ProcessTree.Sample first = tree.sample();
      assertThat(first.readBytes()).isBetween(3_000_000L, 3_000_000L + (1 << 20));
      assertThat(first.writtenBytes()).isBetween(3_000_000L, 3_000_000L + 4096);
      assertThat(first.cpuMillis()).as("the loop's CPU time, through the root's reaped children").isPositive();
      assertThat(first.processes()).isBetween(1, 2);
      assertThat(first.rssBytes()).isPositive();

      Thread.sleep(300);
      // Meanwhile touch and sleep ran (and read their libraries); head is not counted again.
      ProcessTree.Sample second = tree.sample();
      assertThat(second.readBytes()).isBetween(first.readBytes(), first.readBytes() + (1 << 20));
      assertThat(second.writtenBytes()).isBetween(first.writtenBytes(), first.writtenBytes() + 4096);
      assertThat(second.cpuMillis()).isBetween(first.cpuMillis(), first.cpuMillis() + 20);
    } finally {
      tree.kill(Duration.ZERO);
      p.waitFor();
    }
  }

  @Test
  void aChildSeenAliveAndThenReapedIsNotCountedTwice() throws Exception {
    Path started = tmp.resolve("started");
    Path done = tmp.resolve("done");
    // The child is seen while it burns CPU; after it is reaped, its time moves into the root's
    // count of reaped children, and the total must not grow by what was already seen.
    String command = "sh -c 'touch " + started + "; i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done'; touch "
        + done + "; sleep 1; true";
    Process p = new ProcessBuilder(List.of("/bin/sh", "-c", command)).start();
    ProcessTree tree = new ProcessTree(p.toHandle());
    try {
      while (!Files.exists(started)) {
        Thread.sleep(5);
      }
      long seenAlive = 0;
      int processes = 0;
      while (!Files.exists(done)) {
        ProcessTree.Sample s = tree.sample();
        seenAlive = Math.max(seenAlive, s.cpuMillis());
        processes = Math.max(processes, s.processes());
        Thread.sleep(20);
      }
      Thread.sleep(100);
      ProcessTree.Sample after = tree.sample();
      ProcessTree.Sample later = tree.sample();
      assertThat(processes).as("root and child seen together").isGreaterThanOrEqualTo(2);
      assertThat(after.cpuMillis()).as("seen alive at %d ms", seenAlive).isGreaterThanOrEqualTo(seenAlive);
      // Counted twice, the total would be about twice what was seen alive.
      assertThat(after.cpuMillis()).isLessThan(seenAlive + Math.max(100, seenAlive / 2));
      assertThat(later.cpuMillis()).isBetween(after.cpuMillis(), after.cpuMillis() + 20);
    } finally {
      tree.kill(Duration.ZERO);
      p.waitFor();
    }
  }
}

package io.tendril.worker;

import static io.tendril.worker.Messages.output;
import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tendril.protocol.wire.DiskStatus;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.WorkerMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A worker whose disk is full: it says so in Hello and by DiskStatus at each change, refuses tasks
 * that need disk with {@code DISK_FULL} while still running those that need none, takes them again
 * once there is room, and blames the disk for a command that ran out of space while it was low.
 * The usable space is driven by the worker's {@link DiskSpace} probe.
 */
class DiskFullTest extends WorkerTestSupport {
  private static final long MB = 1024 * 1024;

  @Test
  void aWorkerBelowItsFloorTakesOnlyTasksThatNeedNoDiskUntilThereIsRoom() throws Exception {
    AtomicLong usable = new AtomicLong(10 * MB);
    Worker w = startWorker("low", b -> b.diskFloorMb(64).diskSpace(d -> usable.get()));
    FakeManager.Connection c = manager.awaitConnection("low");
    awaitConnected(w);
    DiskStatus hello = c.hello.getDiskStatus();
    assertThat(hello.getFull()).isTrue();
    assertThat(hello.getFreeMb()).isEqualTo(10);
    assertThat(hello.getFloorMb()).isEqualTo(64);
    assertThat(hello.getReason()).isEqualTo("usable space 10 MB is below the floor of 64 MB");
    assertThat(w.diskFull()).isTrue();

    c.send(task(1, "echo made > out").addOutputs(output("out", "out-1")).build());
    TaskFinished refused = c.awaitFinished(1);
    assertThat(refused.getResult()).isEqualTo(TaskResult.TASK_RESULT_DISK_FULL);
    assertThat(refused.getMessage()).isEqualTo("refused, as it needs disk: the workspace's disk is full: usable space"
        + " 10 MB is below the floor of 64 MB");
    c.send(task(2, "echo needs no disk").build());
    TaskFinished ran = c.awaitFinished(2);
    assertThat(ran.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(ran.getStdout().toStringUtf8()).isEqualTo("needs no disk\n");

    usable.set(100 * MB);
    WorkerMessage room = c.await(m -> m.hasDiskStatus() && !m.getDiskStatus().getFull(), "DiskStatus with room");
    assertThat(room.getDiskStatus().getFreeMb()).isEqualTo(100);
    assertThat(room.getDiskStatus().getReason()).isEmpty();
    assertThat(w.diskFull()).isFalse();
    c.send(task(3, "echo made > out").addOutputs(output("out", "out-3")).build());
    TaskFinished stored = c.awaitFinished(3);
    assertThat(stored.getResult()).as(stored.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(stored.getOutputs(0).getPresent()).isTrue();
    assertThat(c.received().stream().filter(WorkerMessage::hasDiskStatus).toList()).as("one message per change")
        .hasSize(1);
  }

  @Test
  void aCommandThatRunsOutOfSpaceWhileTheDiskIsLowEndsDiskFullAndTheStatusComesFirst() throws Exception {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.exists(devFull), "this system has no /dev/full");
    // The command writes to /dev/full (a real ENOSPC) after making the workspace low; the worker's
    // probe sees the marker file as a disk below its floor.
    Path marker = tmp.resolve("low");
    AtomicLong usable = new AtomicLong(100 * MB);
    Worker w = startWorker("filler", b -> b.diskFloorMb(64)
        .diskSpace(d -> Files.exists(marker) ? 5 * MB : usable.get()));
    FakeManager.Connection c = manager.awaitConnection("filler");
    awaitConnected(w);
    assertThat(c.hello.getDiskStatus().getFull()).isFalse();

    c.send(task(1, "head -c 100000 /dev/zero > /dev/full").build());
    TaskFinished plain = c.awaitFinished(1);
    assertThat(plain.getResult()).as("room left: the command wrote elsewhere, its own failure")
        .isEqualTo(TaskResult.TASK_RESULT_FAILURE);

    c.send(task(2, "touch " + marker + "; head -c 100000 /dev/zero > /dev/full").build());
    TaskFinished full = c.awaitFinished(2);
    assertThat(full.getResult()).isEqualTo(TaskResult.TASK_RESULT_DISK_FULL);
    assertThat(full.getMessage()).isEqualTo("the command ran out of space (exited with status 1)");
    assertThat(full.getStdout().toStringUtf8()).containsIgnoringCase("no space left on device");
    List<WorkerMessage> got = c.received();
    int status = indexOf(got, m -> m.hasDiskStatus() && m.getDiskStatus().getFull());
    int finished = indexOf(got, m -> m.hasTaskFinished() && m.getTaskFinished().getTaskId() == 2);
    assertThat(status).as("DiskStatus before the TaskFinished it explains").isBetween(0, finished - 1);
    assertThat(got.get(status).getDiskStatus().getReason()).as("the failure, or a check that came first")
        .isIn("the command of task 2 ran out of space with 5 MB left", "usable space 5 MB is below the floor of 64 MB");

    Files.delete(marker);
    c.await(m -> m.hasDiskStatus() && !m.getDiskStatus().getFull(), "DiskStatus with room");
    assertThat(w.diskFull()).isFalse();
  }

  private static int indexOf(List<WorkerMessage> messages, java.util.function.Predicate<WorkerMessage> p) {
    for (int i = 0; i < messages.size(); i++) {
      if (p.test(messages.get(i))) {
        return i;
      }
    }
    return -1;
  }
}

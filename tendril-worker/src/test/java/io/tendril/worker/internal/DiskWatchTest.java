package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tendril.protocol.wire.DiskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's judgement of a full disk: which failures are the disk's (a real ENOSPC from writing
 * to /dev/full among them), the floor, the hold after a failed write, and the DiskStatus sent at
 * each change and only then.
 */
class DiskWatchTest {
  private static final long MB = 1024 * 1024;

  @TempDir Path dir;
  private final AtomicLong usable = new AtomicLong(10_000 * MB);
  private final List<DiskStatus> sent = new ArrayList<>();

  /** A watch whose loop is the calling thread, with a floor of 64 MB. */
  private DiskWatch watch(long holdMillis) {
    return new DiskWatch("w", dir, 64, d -> usable.get(), Runnable::run, sent::add, holdMillis);
  }

  @Test
  void aWriteToAFullDeviceIsTheDisksFaultAndMakesItFull() throws Exception {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.exists(full), "this system has no /dev/full");
    IOException enospc = null;
    try {
      Files.write(full, new byte[4096]);
    } catch (IOException e) {
      enospc = e;
    }
    assertThat(enospc).as("writing to /dev/full fails").isNotNull();
    assertThat(DiskWatch.saysNoSpace(enospc)).as(enospc.toString()).isTrue();

    DiskWatch w = watch(5_000);
    w.check();
    assertThat(w.isFull()).isFalse();
    assertThat(sent).as("nothing changed, nothing sent").isEmpty();
    assertThat(w.writeFailed("storing output 'out'", enospc)).isTrue();
    assertThat(w.isFull()).isTrue();
    assertThat(w.fullSeen()).isTrue();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).getFull()).isTrue();
    assertThat(sent.get(0).getFloorMb()).isEqualTo(64);
    assertThat(sent.get(0).getFreeMb()).isEqualTo(10_000);
    assertThat(sent.get(0).getReason()).startsWith("storing output 'out': ").containsIgnoringCase("no space left");
    w.check();
    assertThat(w.isFull()).as("held after the failed write although space is left").isTrue();
    assertThat(sent).hasSize(1);
  }

  @Test
  void otherFailuresAreTheDisksOnlyBelowTheFloor() {
    DiskWatch w = watch(5_000);
    IOException reset = new IOException("connection reset by peer");
    assertThat(w.writeFailed("fetching x", reset)).isFalse();
    assertThat(w.isFull()).isFalse();
    assertThat(w.writeFailed("fetching x", new IOException("wrapped", new IOException("/ws/x: Disk quota exceeded"))))
        .as("EDQUOT in a cause").isTrue();
    usable.set(3 * MB);
    assertThat(w.writeFailed("fetching y", reset)).as("any write failure below the floor").isTrue();
    assertThat(w.libraryFailed("task 1", "function f not found")).as("a library error must say so").isFalse();
    assertThat(w.libraryFailed("task 1", "the result cannot be written to 'r': IOException: No space left on device"))
        .isTrue();
  }

  @Test
  void aFailedCommandIsTheDisksWhenItSaysSoAndTheDiskIsLowOrWhenNothingIsLeft() {
    DiskWatch w = watch(5_000);
    byte[] noSpace = "head: error writing 'big': No space left on device\n".getBytes(StandardCharsets.UTF_8);
    assertThat(w.commandFailed("task 1", noSpace)).as("space left: it wrote somewhere else").isFalse();
    usable.set(2 * MB);
    assertThat(w.commandFailed("task 1", "exit 3\n".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(w.isFull()).isFalse();
    assertThat(w.commandFailed("task 1", noSpace)).isTrue();
    assertThat(w.isFull()).isTrue();
    assertThat(w.reason()).isEqualTo("task 1 ran out of space with 2 MB left");

    // With nothing left, even a command whose complaint could not be captured.
    DiskWatch other = watch(5_000);
    usable.set(MB - 1);
    assertThat(other.commandFailed("task 2", new byte[0])).isTrue();
    assertThat(other.reason()).isEqualTo("task 2 ran out of space with 0 MB left");
  }

  @Test
  void belowTheFloorIsFullUntilThereIsRoomAndEachChangeIsSentOnce() throws Exception {
    DiskWatch w = watch(100);
    usable.set(63 * MB);
    w.check();
    w.check();
    assertThat(w.isFull()).isTrue();
    assertThat(w.status().getReason()).isEqualTo("usable space 63 MB is below the floor of 64 MB");
    assertThat(sent).extracting(DiskStatus::getFull).containsExactly(true);
    usable.set(64 * MB);
    w.check();
    assertThat(w.isFull()).isFalse();
    assertThat(w.status().getReason()).isEmpty();
    assertThat(sent).extracting(DiskStatus::getFull).containsExactly(true, false);
    assertThat(sent.get(1).getFreeMb()).isEqualTo(64);

    // A failed write with room left holds the disk full for the hold, then the next check clears it.
    assertThat(w.writeFailed("x", new IOException("x: No space left on device"))).isTrue();
    w.check();
    assertThat(w.isFull()).isTrue();
    Thread.sleep(150);
    w.check();
    assertThat(w.isFull()).isFalse();
    assertThat(sent).extracting(DiskStatus::getFull).containsExactly(true, false, true, false);
  }

  @Test
  void anUnreadableDiskKeepsTheLastView() {
    DiskWatch w = new DiskWatch("w", dir, 64, d -> {
      throw new IOException("gone");
    }, Runnable::run, sent::add, 100);
    assertThat(w.freeMb()).isEqualTo(-1);
    w.check();
    assertThat(w.isFull()).isFalse();
    assertThat(sent).isEmpty();
  }
}

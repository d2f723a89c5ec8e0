package io.tendril.worker.internal;

import io.tendril.protocol.wire.DiskStatus;
import io.tendril.worker.DiskSpace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the worker's workspace disk is full, and the news of it to the manager. The disk is full
 * while the usable space of the workspace (read by the options' {@link DiskSpace}) is below the
 * floor, and for at least {@link #FAILED_WRITE_HOLD} after a write in the workspace failed for lack
 * of space: a task's output moved into the cache, a file received by a fetch, a sandbox, a result
 * written by a library, or a command that ran out of space. Each change of state goes to the
 * manager as a DiskStatus; Hello carries the state at each connection.
 *
 * <p>When a failure is the disk's: an error of the worker's own writes when its text says so
 * (ENOSPC, EDQUOT) or the usable space is below the floor when it happens; a library's error when
 * its text says so; a failed command when both hold (a command may write elsewhere), or when the
 * workspace has less than 1 MB left as it ends (its complaint may not even have fit in its
 * captured output, which is in the workspace too).
 *
 * <p>Callers: the engine runs {@link #check()} every {@link #CHECK_MILLIS} on its loop and puts
 * {@link #status()} in Hello; the {@link TaskScheduler} refuses tasks that need disk while {@link
 * #isFull()}; executions and fetches report their failures from pool threads. Its counterpart on
 * the manager's side is {@code WorkerDisks}, which stops sending this worker tasks that need disk.
 *
 * <p>Threads: the state is confined to the worker's loop; the methods that report failures and
 * {@link #freeMb()} are thread-safe (they post to the loop).
 */
final class DiskWatch {
  private static final Logger log = LoggerFactory.getLogger(DiskWatch.class);

  /** How often the engine reads the usable space. */
  static final long CHECK_MILLIS = 1000;

  /**
   * How long a failed write keeps the disk full at least, even if space came back at once (the
   * failed task's files deleted): long enough for the manager to place that task elsewhere.
   */
  static final Duration FAILED_WRITE_HOLD = Duration.ofSeconds(5);

  /** The words of ENOSPC and EDQUOT, as strerror and most tools print them. */
  private static final String[] NO_SPACE = {"no space left on device", "disk quota exceeded", "enospc", "edquot"};

  private final String workerId;
  private final Path workspace;
  private final long floorMb;
  private final DiskSpace probe;
  private final Executor loop;
  private final Consumer<DiskStatus> report;
  private final long holdNanos;

  // Loop-confined.
  private boolean full;
  private String reason = "";
  private long lastFreeMb = -1;
  private String failure;
  private long failedAtNanos;
  /** A copy of {@link #full} for other threads. */
  private volatile boolean fullSeen;

  /**
   * Creates the watch of a workspace.
   *
   * @param workerId the worker's id, for logs
   * @param workspace the workspace directory
   * @param floorMb below this many usable megabytes, the disk is full
   * @param probe reads the usable space
   * @param loop the worker's loop, where the state lives
   * @param report sends a DiskStatus to the manager (called on the loop at each change)
   */
  DiskWatch(String workerId, Path workspace, long floorMb, DiskSpace probe, Executor loop,
      Consumer<DiskStatus> report) {
    this(workerId, workspace, floorMb, probe, loop, report, FAILED_WRITE_HOLD.toMillis());
  }

  /** As above, with another hold after a failed write than {@link #FAILED_WRITE_HOLD}. */
  DiskWatch(String workerId, Path workspace, long floorMb, DiskSpace probe, Executor loop,
      Consumer<DiskStatus> report, long holdMillis) {
    this.holdNanos = holdMillis * 1_000_000;
    this.workerId = workerId;
    this.workspace = workspace;
    this.floorMb = floorMb;
    this.probe = probe;
    this.loop = loop;
    this.report = report;
  }

  /**
   * Whether a text says a write failed for lack of space (ENOSPC or EDQUOT in the words of
   * strerror, or by name).
   *
   * @param text an error message or a command's output; null is none
   * @return true if it says so
   */
  static boolean saysNoSpace(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    String t = text.toLowerCase(Locale.ROOT);
    for (String words : NO_SPACE) {
      if (t.contains(words)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an exception or one of its causes says a write failed for lack of space. */
  static boolean saysNoSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (saysNoSpace(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The usable space of the workspace now; thread-safe.
   *
   * @return megabytes, or -1 if it cannot be read
   */
  long freeMb() {
    try {
      return Math.max(0, probe.usableBytes(workspace)) / (1024 * 1024);
    } catch (IOException | RuntimeException e) {
      log.debug("worker {}: cannot read the usable space of {}: {}", workerId, workspace, e.toString());
      return -1;
    }
  }

  /** The floor, in megabytes. */
  long floorMb() {
    return floorMb;
  }

  private boolean belowFloor(long freeMb) {
    return freeMb >= 0 && freeMb < floorMb;
  }

  /**
   * A write of the worker's own in the workspace failed; if the disk is to blame (the error says
   * there is no space, or the usable space is below the floor), the disk is full from now on.
   * Thread-safe.
   *
   * @param what what was being written, for the reason
   * @param e the failure
   * @return true if the disk is to blame
   */
  boolean writeFailed(String what, IOException e) {
    if (!saysNoSpace(e) && !belowFloor(freeMb())) {
      return false;
    }
    ranOut(what + ": " + describe(e));
    return true;
  }

  /** The messages of an exception and its causes, each once. */
  static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank() && b.indexOf(m) < 0) {
        b.append(b.isEmpty() ? "" : ": ").append(m);
      }
    }
    return b.isEmpty() ? e.getClass().getSimpleName() : b.toString();
  }

  /**
   * A library could not do its part of a call (such as writing the result); if its error says
   * there is no space, the disk is full from now on. Thread-safe.
   *
   * @param what what failed, for the reason
   * @param error the library's error
   * @return true if the disk is to blame
   */
  boolean libraryFailed(String what, String error) {
    if (!saysNoSpace(error)) {
      return false;
    }
    ranOut(what + ": " + error);
    return true;
  }

  /**
   * A command failed; if the workspace's usable space is gone (under 1 MB) now, before its sandbox
   * is deleted, or its output says there is no space and the usable space is below the floor, the
   * disk is full from now on. Thread-safe.
   *
   * @param what what ran, for the reason
   * @param output the command's captured output
   * @return true if the disk is to blame
   */
  boolean commandFailed(String what, byte[] output) {
    long free = freeMb();
    boolean gone = free == 0;
    if (!gone && !(belowFloor(free) && saysNoSpace(new String(output, StandardCharsets.UTF_8)))) {
      return false;
    }
    ranOut(what + " ran out of space with " + free + " MB left");
    return true;
  }

  private void ranOut(String why) {
    log.warn("worker {}: a write failed for lack of space: {}", workerId, why);
    loop.execute(() -> {
      failure = why;
      failedAtNanos = System.nanoTime();
      update(freeMb());
    });
  }

  /** Reads the usable space and reports a change of state (on the loop). */
  void check() {
    long free = freeMb();
    if (free >= 0) {
      update(free);
    }
  }

  private void update(long freeMb) {
    if (freeMb >= 0) {
      lastFreeMb = freeMb;
    }
    if (failure != null && System.nanoTime() - failedAtNanos >= holdNanos) {
      failure = null;
    }
    String why = failure;
    if (why == null && belowFloor(lastFreeMb)) {
      why = "usable space " + lastFreeMb + " MB is below the floor of " + floorMb + " MB";
    }
    boolean nowFull = why != null;
    if (nowFull == full) {
      return;
    }
    full = nowFull;
    fullSeen = nowFull;
    reason = nowFull ? why : "";
    if (nowFull) {
      log.warn("worker {}: disk full ({}); taking no task that needs disk until there is room", workerId, why);
    } else {
      log.info("worker {}: disk has room again ({} MB usable, floor {} MB)", workerId, lastFreeMb, floorMb);
    }
    report.accept(status());
  }

  /** Whether the disk is full (on the loop). */
  boolean isFull() {
    return full;
  }

  /** Whether the disk was full when last looked at; from any thread. */
  boolean fullSeen() {
    return fullSeen;
  }

  /** Why the disk is full; empty when it is not (on the loop). */
  String reason() {
    return reason;
  }

  /** The state as the wire carries it (on the loop). */
  DiskStatus status() {
    return DiskStatus.newBuilder().setFull(full).setFreeMb(Math.max(0, lastFreeMb)).setFloorMb(floorMb)
        .setReason(reason).build();
  }
}

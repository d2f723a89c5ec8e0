package io.tendril.worker.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * The worker's clocks towards its manager: sends heartbeats at the interval the Welcome asked for,
 * notices when the worker has been idle (no task and no fetch) for the idle timeout, and when the
 * manager has been silent (not even a HeartbeatAck) for the longer of {@link #MIN_SILENCE} and
 * {@link #SILENT_HEARTBEATS} heartbeat intervals, which counts as a lost connection.
 *
 * <p>Loop-confined: owned by the worker engine, which calls it on every manager message, on
 * activity and on its tick. Its counterpart is the manager's keepalive, which expects the
 * heartbeats and answers each with a HeartbeatAck.
 */
final class Liveness {
  /** A manager silent for this long at least is treated as lost. */
  static final Duration MIN_SILENCE = Duration.ofSeconds(30);

  /** A manager silent for this many heartbeat intervals (if longer than {@link #MIN_SILENCE}) is lost. */
  static final int SILENT_HEARTBEATS = 6;

  /** What a check found. */
  enum Verdict {
    /** Nothing to do. */
    FINE,
    /** The worker has been idle for its idle timeout. */
    IDLE,
    /** The manager has been silent too long. */
    SILENT
  }

  private final Duration idleTimeout;
  private final EventLoop loop;
  private final Runnable sendHeartbeat;
  private long lastActivityNanos = System.nanoTime();
  private long lastHeardNanos = System.nanoTime();
  private long heartbeatMillis;
  private ScheduledFuture<?> heartbeat;

  /**
   * Creates the clocks.
   *
   * @param idleTimeout how long the worker may be idle
   * @param loop where heartbeats are scheduled
   * @param sendHeartbeat sends one heartbeat
   */
  Liveness(Duration idleTimeout, EventLoop loop, Runnable sendHeartbeat) {
    this.idleTimeout = idleTimeout;
    this.loop = loop;
    this.sendHeartbeat = sendHeartbeat;
  }

  /** The manager welcomed the worker: heartbeats start and the clocks restart. */
  void connected(long intervalMillis) {
    disconnected();
    heartbeatMillis = intervalMillis;
    lastActivityNanos = System.nanoTime();
    lastHeardNanos = lastActivityNanos;
    heartbeat = loop.every(sendHeartbeat, intervalMillis);
  }

  /** The connection ended: heartbeats stop. */
  void disconnected() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
  }

  /** A message came from the manager. */
  void heard() {
    lastHeardNanos = System.nanoTime();
  }

  /** The manager gave the worker something to do. */
  void activity() {
    lastActivityNanos = System.nanoTime();
  }

  /** How long the manager may be silent. */
  Duration silenceLimit() {
    Duration beats = Duration.ofMillis(heartbeatMillis * SILENT_HEARTBEATS);
    return beats.compareTo(MIN_SILENCE) > 0 ? beats : MIN_SILENCE;
  }

  /**
   * Checks the clocks of a connected worker.
   *
   * @param busy whether a task or fetch is in progress (which counts as activity)
   * @return what was found
   */
  Verdict check(boolean busy) {
    long now = System.nanoTime();
    if (busy) {
      lastActivityNanos = now;
    } else if (now - lastActivityNanos > idleTimeout.toNanos()) {
      return Verdict.IDLE;
    }
    return now - lastHeardNanos > silenceLimit().toNanos() ? Verdict.SILENT : Verdict.FINE;
  }
}

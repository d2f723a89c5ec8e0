package io.tendril.protocol;

/**
 * How long a file stays in a worker's cache, with TaskVine's meaning. Shared by the manager's
 * file declarations and the worker's cache.
 */
public enum CacheLevel {
  /** Removed once the task that needed it is done. */
  TASK,
  /** Removed when the manager undeclares it, or when the worker leaves this manager. */
  WORKFLOW,
  /** Kept until the worker process exits, across tasks and workflows of one manager. */
  WORKER,
  /** Kept in the workspace after the worker exits, for the next worker started there. */
  FOREVER;

  /**
   * The wire form of this level.
   *
   * @return the protobuf enum constant
   */
  public io.tendril.protocol.wire.CacheLevel toWire() {
    return switch (this) {
      case TASK -> io.tendril.protocol.wire.CacheLevel.CACHE_LEVEL_TASK;
      case WORKFLOW -> io.tendril.protocol.wire.CacheLevel.CACHE_LEVEL_WORKFLOW;
      case WORKER -> io.tendril.protocol.wire.CacheLevel.CACHE_LEVEL_WORKER;
      case FOREVER -> io.tendril.protocol.wire.CacheLevel.CACHE_LEVEL_FOREVER;
    };
  }

  /**
   * The level of a wire value; unknown values count as {@link #TASK}, the shortest-lived.
   *
   * @param wire the protobuf enum constant
   * @return the level
   */
  public static CacheLevel fromWire(io.tendril.protocol.wire.CacheLevel wire) {
    return switch (wire) {
      case CACHE_LEVEL_WORKFLOW -> WORKFLOW;
      case CACHE_LEVEL_WORKER -> WORKER;
      case CACHE_LEVEL_FOREVER -> FOREVER;
      default -> TASK;
    };
  }
}

package io.tendril.manager;

import java.util.Locale;

/**
 * How the manager picks the worker for a ready task among those with room for it.
 *
 * <ul>
 *   <li>{@link #FILES} (the default): the worker already holding the most bytes of the task's
 *       inputs, so that the least data moves; any worker with room when none holds any.
 *   <li>{@link #WORST_FIT}: the worker with the most free resources (cores, then memory, then
 *       disk), which spreads tasks out and leaves room for large ones to come.
 *   <li>{@link #RANDOM}: a worker with room, chosen at random.
 * </ul>
 *
 * <p>Whatever the choice, a task only goes where its resources fit; when no worker has room, a task
 * with declared resources may be sent ahead to a busy worker that will start it the moment it has
 * room.
 */
public enum WorkerChoice {
  /** The worker holding the most bytes of the task's inputs. */
  FILES,
  /** The worker with the most free resources. */
  WORST_FIT,
  /** A worker with room, at random. */
  RANDOM;

  /**
   * Parses a name as users write it: {@code files}, {@code worst-fit} (or {@code worst_fit},
   * {@code worst fit}), {@code random}; any case.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static WorkerChoice parse(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    for (WorkerChoice c : values()) {
      if (c.name().equals(n)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown worker choice '" + name + "': use files, worst-fit or random");
  }
}

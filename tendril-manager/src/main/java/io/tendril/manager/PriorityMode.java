package io.tendril.manager;

import java.util.Locale;

/**
 * The order in which {@link Manager#get} lets the ready calls of a graph run when there are more
 * of them than room on the workers. Each call gets a priority from the mode; the manager runs
 * higher priorities first, equal ones in the order they became ready.
 *
 * <ul>
 *   <li>{@link #LARGEST_INPUT_FIRST} (the default): the call reading the most bytes of results
 *       first, so that large intermediates are consumed, and can be pruned, soonest.
 *   <li>{@link #DEPTH_FIRST}: the deepest call first (its longest chain of inputs back to the
 *       graph's leaves), finishing branches before starting new ones; it keeps fewer
 *       intermediates alive.
 *   <li>{@link #BREADTH_FIRST}: the shallowest call first, level by level.
 *   <li>{@link #FIFO}: in the order calls became ready.
 *   <li>{@link #LIFO}: the call that became ready last first.
 *   <li>{@link #RANDOM}: in random order.
 * </ul>
 */
public enum PriorityMode {
  /** The call reading the most bytes first. */
  LARGEST_INPUT_FIRST,
  /** The deepest call first. */
  DEPTH_FIRST,
  /** The shallowest call first. */
  BREADTH_FIRST,
  /** First ready, first run. */
  FIFO,
  /** Last ready, first run. */
  LIFO,
  /** Random order. */
  RANDOM;

  /**
   * Parses a name as users write it: {@code largest-input-first}, {@code depth-first}, {@code
   * breadth-first}, {@code fifo}, {@code lifo}, {@code random}; any case, words separated by
   * {@code -}, {@code _} or a space.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static PriorityMode parse(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    for (PriorityMode m : values()) {
      if (m.name().equals(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown priority mode '" + name
        + "': use largest-input-first, depth-first, breadth-first, fifo, lifo or random");
  }
}

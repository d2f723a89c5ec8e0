package io.tendril.manager;

import java.time.Instant;
import java.util.List;

/**
 * What {@code tendril status HOST:PORT} shows of a running manager: its counters, its categories
 * and its connected workers, in one snapshot taken on the manager's loop. {@link Manager#status()}
 * gives it in process; {@link StatusClient} asks a manager for it over the network, proving the
 * password first when the manager has one.
 *
 * @param managerName the manager's name
 * @param startedAt when the manager started
 * @param takenAt when the snapshot was taken, by the manager's clock
 * @param stats the manager's counters
 * @param categories every category configured or named by a task
 * @param workers the workers connected when the snapshot was taken
 */
public record ManagerStatus(String managerName, Instant startedAt, Instant takenAt, ManagerStats stats,
    List<CategorySummary> categories, List<WorkerSummary> workers) {
  /** Copies the lists, which are then unmodifiable. */
  public ManagerStatus {
    categories = List.copyOf(categories);
    workers = List.copyOf(workers);
  }
}

package io.tendril.manager;

import io.tendril.manager.resources.Allocation;
import io.tendril.manager.resources.CategorySpec;
import io.tendril.manager.resources.CategoryStats;
import io.tendril.manager.resources.ResourceKind;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.TaskFinished;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.UnaryOperator;

/**
 * The manager's categories: for each, what it learned ({@link CategoryStats}), how many of its
 * tasks hold a worker now, and the ready tasks held back by its {@code maxConcurrent}. {@link
 * ManagerCore} asks it what each attempt requests, whether a task may start, and what follows an
 * exhaustion; it feeds it every measured attempt. {@link Category} configures it from the user's
 * side. Its counterpart on the worker is the resource monitor whose measurements it learns from.
 *
 * <p>State (loop-confined, never locked): {@code byName}, every category configured or named by a
 * task, created with the default spec ({@link io.tendril.manager.resources.ResourcesMode#FIXED},
 * nothing declared) on first use; per category {@code running}, its tasks dispatched and not yet
 * ended on their worker, and {@code held}, its ready tasks that found it at {@code maxConcurrent},
 * in priority order. A held task is out of the manager's ready queue until one of its category's
 * tasks ends, so a full category costs a dispatch pass nothing however many tasks it holds.
 *
 * <p>Every change of a category's spec and of its first allocation is written to the transaction
 * log ({@code "type":"category"}, docs/transaction-log.md), so that {@code tendril status} can show
 * them from the log alone.
 */
final class Categories {
  /** One category's state. */
  private static final class State {
    final CategoryStats stats;
    int running;
    long done;
    final PriorityQueue<TaskEntry> held = new PriorityQueue<>();

    State(CategorySpec spec) {
      stats = new CategoryStats(spec);
    }
  }

  /**
   * What follows an attempt stopped for exceeding its allocation.
   *
   * @param retry the next attempt's request, or null when the task ends {@code RESOURCE_EXHAUSTION}
   * @param reason why the exhaustion is final, or null
   */
  record AfterExhaustion(Allocation retry, String reason) {}

  private final TransactionLog log;
  private final Map<String, State> byName = new LinkedHashMap<>();

  Categories(TransactionLog log) {
    this.log = log;
  }

  private State of(String name) {
    State s = byName.get(name);
    if (s == null) {
      s = new State(CategorySpec.builder(name).build());
      byName.put(name, s);
    }
    return s;
  }

  /**
   * Changes a category's spec (created if new), logging the new spec and, if it moved, the first
   * allocation; ready tasks it held back are released into {@code ready} as far as its new limit
   * allows.
   *
   * @param change the change, or null to read the spec only
   * @return the spec now in force
   * @throws IllegalArgumentException if the change is refused (a minimum above the maximum, ...)
   */
  CategorySpec configure(String name, UnaryOperator<CategorySpec.Builder> change, Collection<TaskEntry> ready) {
    State s = of(name);
    if (change == null) {
      return s.stats.spec();
    }
    CategorySpec next = change.apply(s.stats.spec().toBuilder()).build();
    Optional<Resources> before = s.stats.firstAllocation();
    s.stats.respecify(next);
    log.event("category", "event", "configure", "category", name, "mode", next.mode().label(),
        "max_cores", next.max().cores(), "max_memory_mb", next.max().memoryMb(), "max_disk_mb", next.max().diskMb(),
        "max_gpus", next.max().gpus(),
        "min", next.min().isNone() ? null : amounts(next.min()),
        "first_guess", next.firstGuess().isNone() ? null : amounts(next.firstGuess()),
        "max_concurrent", next.maxConcurrent(), "steady_after", next.steadyAfterTasks());
    if (!before.equals(s.stats.firstAllocation())) {
      logAllocation(name, s);
    }
    release(s, ready);
    return next;
  }

  /**
   * What the task's next attempt asks for: the retry request after an exhaustion, else its
   * category's allocation for what it declared. Cheap: a map lookup and a few comparisons.
   */
  Allocation request(TaskEntry t) {
    if (t.retry != null) {
      return t.retry;
    }
    return of(t.spec.category()).stats.allocationFor(t.spec.resources());
  }

  /** Whether the task's category has room for one more running task; if not, holds the task back. */
  boolean admitOrHold(TaskEntry t) {
    State s = of(t.spec.category());
    int limit = s.stats.spec().maxConcurrent();
    if (limit == 0 || s.running < limit) {
      return true;
    }
    t.held = true;
    s.held.add(t);
    return false;
  }

  /** The task was dispatched: it counts against its category's limit until {@link #ended}. */
  void started(TaskEntry t) {
    if (!t.holdsSlot) {
      t.holdsSlot = true;
      of(t.spec.category()).running++;
    }
  }

  /**
   * The task's attempt ended on its worker (or its worker was lost): its slot is free, and a task
   * its category held back goes back to {@code ready}.
   */
  void ended(TaskEntry t, Collection<TaskEntry> ready) {
    if (!t.holdsSlot) {
      return;
    }
    t.holdsSlot = false;
    State s = of(t.spec.category());
    s.running--;
    release(s, ready);
  }

  /** The task is done: it leaves its category's held tasks if it was there, and counts as done. */
  void done(TaskEntry t) {
    State s = of(t.spec.category());
    if (t.held) {
      t.held = false;
      s.held.remove(t);
    }
    s.done++;
  }

  private static void release(State s, Collection<TaskEntry> ready) {
    int limit = s.stats.spec().maxConcurrent();
    int room = limit == 0 ? Integer.MAX_VALUE : limit - s.running;
    while (room-- > 0 && !s.held.isEmpty()) {
      TaskEntry t = s.held.poll();
      t.held = false;
      if (t.state == TaskState.READY) {
        ready.add(t);
      }
    }
  }

  /**
   * Feeds an attempt's measurements to the task's category, logging the category's first
   * allocation if it changed: an attempt that ran to its end as a completion, one stopped for
   * exceeding its allocation or its wall time as an exhaustion (its peaks are lower bounds);
   * attempts that never ran teach nothing.
   */
  void learn(TaskEntry t, TaskFinished f) {
    if (!f.hasMeasured()) {
      return;
    }
    boolean exhausted;
    switch (f.getResult()) {
      case TASK_RESULT_SUCCESS, TASK_RESULT_FAILURE, TASK_RESULT_SIGNAL, TASK_RESULT_OUTPUT_MISSING,
          TASK_RESULT_EXCEPTION -> exhausted = false;
      case TASK_RESULT_MAX_WALL_TIME -> exhausted = true;
      case TASK_RESULT_RESOURCE_EXHAUSTION -> {
        if (f.getExhaustedResource().isEmpty()) {
          return; // refused before it started: nothing was measured
        }
        exhausted = true;
      }
      default -> {
        return;
      }
    }
    State s = of(t.spec.category());
    if (s.stats.record(MeasuredResources.of(f.getMeasured()).toMeasurement(exhausted))) {
      logAllocation(t.spec.category(), s);
    }
  }

  /**
   * What follows the task's attempt that exceeded {@code kind}: in an automatic mode, unless the
   * task declared that resource itself or already had its category's maximum of it, a retry with
   * the larger request; the retry is refused too when no connected worker is large enough for it.
   *
   * @param allocated what the attempt had on its worker
   * @param workers the connected workers
   */
  AfterExhaustion afterExhaustion(TaskEntry t, ResourceKind kind, Resources allocated, Collection<WorkerEntry> workers) {
    CategorySpec spec = of(t.spec.category()).stats.spec();
    Optional<Allocation> next = of(t.spec.category()).stats.retryAfterExhaustion(
        t.spec.resources(), t.request, allocated, kind);
    if (next.isPresent()) {
      double wanted = kind.amountIn(next.get().request());
      for (WorkerEntry w : workers) {
        if (!w.gone && wanted <= kind.amountIn(w.total) + 1e-9) {
          return new AfterExhaustion(next.get(), null);
        }
      }
      return new AfterExhaustion(null, "its retry would need " + amount(kind, wanted)
          + " of " + kind.label() + ", more than any connected worker has");
    }
    String category = "category '" + spec.name() + "'";
    if (!spec.mode().isAutomatic()) {
      return new AfterExhaustion(null, category + " is in mode " + spec.mode().label()
          + ", where exhaustion is final");
    }
    if (kind.amountIn(t.spec.resources()) > 0) {
      return new AfterExhaustion(null, "the task declared its " + kind.label() + " itself, which is never changed");
    }
    return new AfterExhaustion(null, "it had the maximum of " + category);
  }

  /** Snapshots of every category, with its tasks counted among {@code active} by state. */
  List<CategorySummary> summaries(Collection<TaskEntry> active) {
    Map<String, int[]> counts = new HashMap<>();
    for (TaskEntry t : active) {
      int[] c = counts.computeIfAbsent(t.spec.category(), k -> new int[2]);
      switch (t.state) {
        case DISPATCHED, RUNNING, RETRIEVING -> c[0]++;
        case SUBMITTED, WAITING_INPUTS, READY -> c[1]++;
        default -> { }
      }
      of(t.spec.category());
    }
    List<CategorySummary> out = new ArrayList<>(byName.size());
    for (Map.Entry<String, State> e : byName.entrySet()) {
      CategoryStats st = e.getValue().stats;
      int[] c = counts.getOrDefault(e.getKey(), new int[2]);
      out.add(new CategorySummary(e.getKey(), st.spec().mode(), st.spec().max(), st.spec().maxConcurrent(),
          e.getValue().done, c[0], c[1], st.completions(), st.exhaustions(), st.maxSeen(), st.firstAllocation()));
    }
    return out;
  }

  private void logAllocation(String name, State s) {
    Resources first = s.stats.firstAllocation().orElse(Resources.NONE);
    Resources seen = s.stats.maxSeen();
    log.event("category", "event", "allocation", "category", name, "mode", s.stats.spec().mode().label(),
        "cores", first.cores(), "memory_mb", first.memoryMb(), "disk_mb", first.diskMb(), "gpus", first.gpus(),
        "completions", s.stats.completions(), "max_seen", amounts(seen));
  }

  /** Resources as a JSON object for the log. */
  private static Map<String, Object> amounts(Resources r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", r.cores());
    m.put("memory_mb", r.memoryMb());
    m.put("disk_mb", r.diskMb());
    m.put("gpus", r.gpus());
    return m;
  }

  static String amount(ResourceKind kind, double v) {
    String n = v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.2f", v);
    return kind == ResourceKind.MEMORY || kind == ResourceKind.DISK ? n + " MB" : n + " " + kind.unit();
  }

  @Override
  public String toString() {
    return "categories " + Objects.toString(byName.keySet());
  }
}

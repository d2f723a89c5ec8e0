package io.tendril.worker.internal;

import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.FunctionCall;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.OutputSpec;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.TaskStarted;
import io.tendril.protocol.wire.WorkerMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's tasks from RunTask to TaskFinished: checks each request (names, environment,
 * resources), waits until its inputs are cached and its resources are free, starts it on the pool
 * as a {@link TaskExecution} (a command) or a {@link CallExecution} (a function call, run in a
 * library of the {@link LibraryPool}), sends TaskStarted and TaskFinished, and handles KillTask.
 *
 * <p>Rules: a request naming an invalid cache name, an unsafe sandbox name or a malformed
 * environment variable is refused ({@code WORKER_ERROR}, with the reason), and so is a function
 * call that also has a command, whose result is not one of its outputs or whose classpath entries
 * are not among its inputs; one asking for more than
 * the whole worker ends {@code RESOURCE_EXHAUSTION}; an input neither cached nor being fetched, or
 * whose fetch fails, ends {@code INPUT_MISSING}. Declared resources are reserved while a task runs
 * (none declared means the whole worker); a task that does not fit waits, and waiting tasks are
 * started in arrival order whenever they fit: a later small task may pass an earlier large one,
 * but only until the large one has waited {@link #PASS_LIMIT}. From then on no later task starts
 * before it, so the resources that free up go to it: a stream of small tasks cannot keep a large
 * one (such as a retry with a larger allocation) waiting for ever.
 * Inputs are pinned in the cache from acceptance to the end. A function call is accounted like a
 * command: its declared resources are reserved while it runs in one slot of its library.
 *
 * <p>While the {@link DiskWatch} counts the disk as full, a task that needs disk (one with outputs,
 * or with an input not in the cache) is not taken: it ends {@code DISK_FULL} when it arrives, or when
 * its turn to start comes; so does a waiting task whose input could not be fetched while the disk
 * is full. The manager sends such a task elsewhere without blaming it.
 *
 * <p>Loop-confined: every method runs on the worker's loop; executions post their end back to it.
 * Owned by the worker engine; its counterpart is the manager's dispatch and its handling of
 * TaskStarted and TaskFinished.
 */
final class TaskScheduler {
  private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);

  /**
   * How long a waiting task may be passed by later ones that fit; after that, later tasks wait
   * behind it until it has started.
   */
  static final Duration PASS_LIMIT = Duration.ofSeconds(2);

  /** One accepted task. */
  private static final class Job {
    final RunTask spec;
    final Resources allocation;
    final long acceptedNanos = System.nanoTime();
    Execution execution;

    Job(RunTask spec, Resources allocation) {
      this.spec = spec;
      this.allocation = allocation;
    }

    long id() {
      return spec.getTaskId();
    }
  }

  private final Resources total;
  private final WorkerCache cache;
  private final Path sandboxes;
  private final ExecutorService pool;
  private final Duration monitorInterval;
  private final EventLoop loop;
  private final Outbox outbox;
  private final AtomicLong tasksRun;
  private final Predicate<String> beingFetched;
  private final LibraryPool libraries;
  private final DiskWatch disk;
  private final ProcessLauncher launcher;
  private final Map<Long, Job> jobs = new LinkedHashMap<>();
  private final Set<Path> sandboxesInUse = new HashSet<>();
  private Resources inUse = Resources.NONE;

  /**
   * Creates the scheduler of a worker offering {@code total}, whose commands are sampled every
   * {@code monitorInterval} and started by {@code launcher}.
   */
  TaskScheduler(Resources total, WorkerCache cache, Path sandboxes, ExecutorService pool,
      Duration monitorInterval, EventLoop loop, Outbox outbox, AtomicLong tasksRun,
      Predicate<String> beingFetched, LibraryPool libraries, DiskWatch disk, ProcessLauncher launcher) {
    this.launcher = launcher;
    this.total = total;
    this.cache = cache;
    this.sandboxes = sandboxes;
    this.pool = pool;
    this.monitorInterval = monitorInterval;
    this.loop = loop;
    this.outbox = outbox;
    this.tasksRun = tasksRun;
    this.beingFetched = beingFetched;
    this.libraries = libraries;
    this.disk = disk;
  }

  /** Resources reserved by running tasks. */
  Resources inUse() {
    return inUse;
  }

  /** Tasks accepted and not finished (waiting or running). */
  int count() {
    return jobs.size();
  }

  /** Handles a RunTask. */
  void onRunTask(RunTask t) {
    if (jobs.containsKey(t.getTaskId())) {
      log.warn("task {} is already here; ignoring the repeated RunTask", t.getTaskId());
      return;
    }
    String problem = check(t);
    if (problem != null) {
      log.warn("refusing task {}: {}", t.getTaskId(), problem);
      send(t.getTaskId(), ended(TaskResult.TASK_RESULT_WORKER_ERROR, "refused: " + problem));
      return;
    }
    Resources asked = Resources.fromWire(t.getResources());
    Resources allocation = asked.isNone() ? total : asked;
    if (!allocation.fitsIn(total)) {
      send(t.getTaskId(), ended(TaskResult.TASK_RESULT_RESOURCE_EXHAUSTION,
          "asks for " + allocation + " but this worker has " + total));
      return;
    }
    for (Mount m : t.getInputsList()) {
      if (!cache.has(m.getCacheName()) && !beingFetched.test(m.getCacheName())) {
        send(t.getTaskId(), ended(TaskResult.TASK_RESULT_INPUT_MISSING,
            "input " + m.getCacheName() + " is neither cached nor being fetched"));
        return;
      }
    }
    if (disk.isFull() && needsDisk(t)) {
      send(t.getTaskId(), ended(TaskResult.TASK_RESULT_DISK_FULL, "refused, as it needs disk: " + diskFull()));
      return;
    }
    Job j = new Job(t, allocation);
    t.getInputsList().forEach(m -> cache.pin(m.getCacheName()));
    jobs.put(j.id(), j);
    startWhatFits();
  }

  /** A file arrived in the cache, or failed to: waiting tasks start or end INPUT_MISSING. */
  void onFetched(String cacheName, String error) {
    if (error != null) {
      for (Job j : List.copyOf(jobs.values())) {
        if (j.execution == null && needs(j, cacheName) && jobs.get(j.id()) == j) {
          String message = "input " + cacheName + " could not be fetched: " + error;
          finish(j, !disk.isFull() ? ended(TaskResult.TASK_RESULT_INPUT_MISSING, message)
              : ended(TaskResult.TASK_RESULT_DISK_FULL,
                  DiskWatch.saysNoSpace(error) ? message : message + "; " + diskFull()));
        }
      }
    }
    startWhatFits();
  }

  /** Handles a KillTask: a waiting task ends CANCELLED at once, a running one once its tree is dead. */
  void kill(long taskId) {
    Job j = jobs.get(taskId);
    if (j == null) {
      log.debug("KillTask for task {}, which is not here", taskId);
      return;
    }
    if (j.execution == null) {
      finish(j, ended(TaskResult.TASK_RESULT_CANCELLED, "killed at the manager's request before it started"));
    } else {
      j.execution.kill();
    }
  }

  /** Kills every task and forgets them without reporting (the manager is gone or the worker exits). */
  void killAll() {
    for (Job j : jobs.values()) {
      if (j.execution != null) {
        j.execution.kill();
      }
      j.spec.getInputsList().forEach(m -> cache.unpin(m.getCacheName()));
    }
    jobs.clear();
    inUse = Resources.NONE;
  }

  /** Checks a request's names and environment; returns what is wrong, or null. */
  static String check(RunTask t) {
    for (Mount m : t.getInputsList()) {
      if (!Protocol.isValidCacheName(m.getCacheName())) {
        return "invalid input cache name '" + m.getCacheName() + "'";
      }
      if (!Protocol.isSafeSandboxName(m.getSandboxName())) {
        return "input name '" + m.getSandboxName() + "' would leave the sandbox";
      }
    }
    for (OutputSpec o : t.getOutputsList()) {
      if (!Protocol.isValidCacheName(o.getCacheName())) {
        return "invalid output cache name '" + o.getCacheName() + "'";
      }
      if (!Protocol.isSafeSandboxName(o.getSandboxName())) {
        return "output name '" + o.getSandboxName() + "' would leave the sandbox";
      }
    }
    if (t.hasCall()) {
      String problem = checkCall(t);
      if (problem != null) {
        return problem;
      }
    }
    return checkEnvironment(t.getEnvMap());
  }

  /** Checks a function call's command, result and classpath; returns what is wrong, or null. */
  static String checkCall(RunTask t) {
    FunctionCall call = t.getCall();
    if (!t.getCommand().isEmpty()) {
      return "a function call must not also have a command";
    }
    if (call.getBatchCount() > 0) {
      java.util.Set<String> outputs = new java.util.HashSet<>();
      for (io.tendril.protocol.wire.OutputSpec o : t.getOutputsList()) {
        outputs.add(o.getSandboxName());
      }
      for (io.tendril.protocol.wire.BatchedCall b : call.getBatchList()) {
        if (!Protocol.isSafeSandboxName(b.getResultName())) {
          return "a batched call's result name '" + b.getResultName() + "' is not a safe sandbox name";
        }
        if (!outputs.contains(b.getResultName())) {
          return "a batched call's result '" + b.getResultName() + "' is not one of the task's outputs";
        }
        if (!b.hasTask()) {
          return "a batched call has no task";
        }
      }
    } else {
      if (!Protocol.isSafeSandboxName(call.getResultName())) {
        return "the call's result name '" + call.getResultName() + "' is not a safe sandbox name";
      }
      if (t.getOutputsList().stream().noneMatch(o -> o.getSandboxName().equals(call.getResultName()))) {
        return "the call's result '" + call.getResultName() + "' is not one of the task's outputs";
      }
      if (!t.getCall().hasTask()) {
        return "the call has no task";
      }
    }
    for (String entry : call.getClasspathList()) {
      if (!Protocol.isValidCacheName(entry)) {
        return "invalid classpath cache name '" + entry + "'";
      }
      if (t.getInputsList().stream().noneMatch(m -> m.getCacheName().equals(entry))) {
        return "classpath entry " + entry + " is not one of the task's inputs";
      }
    }
    for (Mount file : call.getFilesList()) {
      if (!Protocol.isValidCacheName(file.getCacheName())) {
        return "invalid library file cache name '" + file.getCacheName() + "'";
      }
      if (!Protocol.isSafeSandboxName(file.getSandboxName())) {
        return "library file name '" + file.getSandboxName() + "' would leave the library's directory";
      }
      if (t.getInputsList().stream().noneMatch(m -> m.getCacheName().equals(file.getCacheName()))) {
        return "library file " + file.getCacheName() + " is not one of the task's inputs";
      }
    }
    String env = checkEnvironment(call.getEnvMap());
    if (env != null) {
      return "library " + env;
    }
    return null;
  }

  /** Checks environment variables can be given to a process; returns what is wrong, or null. */
  static String checkEnvironment(Map<String, String> env) {
    for (Map.Entry<String, String> e : env.entrySet()) {
      String k = e.getKey();
      if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || e.getValue().indexOf('\0') >= 0) {
        return "environment variable '" + k.replace("\0", "\\0") + "' cannot be set";
      }
    }
    return null;
  }

  private void startWhatFits() {
    long now = System.nanoTime();
    boolean reserved = false; // an earlier task has waited too long: later ones wait behind it
    for (Job j : List.copyOf(jobs.values())) {
      if (j.execution != null || jobs.get(j.id()) != j || !inputsCached(j)) {
        continue; // running, ended by an earlier turn of this loop, or waiting for inputs
      }
      if (disk.isFull() && j.spec.getOutputsCount() > 0) {
        finish(j, ended(TaskResult.TASK_RESULT_DISK_FULL, "not started, as it needs disk: " + diskFull()));
      } else if (reserved) {
        continue;
      } else if (inUse.plus(j.allocation).fitsIn(total)) {
        start(j);
      } else if (now - j.acceptedNanos >= PASS_LIMIT.toNanos()) {
        reserved = true;
      }
    }
  }

  /**
   * Whether a task needs disk on this worker: it has outputs to store, or an input to bring into
   * the cache. (A function call always has an output.)
   */
  private boolean needsDisk(RunTask t) {
    if (t.getOutputsCount() > 0) {
      return true;
    }
    for (Mount m : t.getInputsList()) {
      if (!cache.has(m.getCacheName())) {
        return true;
      }
    }
    return false;
  }

  private String diskFull() {
    return "the workspace's disk is full: " + disk.reason();
  }

  private boolean inputsCached(Job j) {
    for (Mount m : j.spec.getInputsList()) {
      if (!cache.has(m.getCacheName())) {
        return false;
      }
    }
    return true;
  }

  private static boolean needs(Job j, String cacheName) {
    return j.spec.getInputsList().stream().anyMatch(m -> m.getCacheName().equals(cacheName));
  }

  private void start(Job j) {
    long startedAt = System.currentTimeMillis();
    Path dir = sandboxFor(j.id());
    Execution x = j.spec.hasCall()
        ? new CallExecution(j.spec, cache, dir, startedAt, libraries, disk)
        : new TaskExecution(j.spec, j.allocation, cache, dir, startedAt, monitorInterval, disk, launcher);
    j.execution = x;
    inUse = inUse.plus(j.allocation);
    sandboxesInUse.add(dir);
    outbox.send(WorkerMessage.newBuilder().setTaskStarted(
        TaskStarted.newBuilder().setTaskId(j.id()).setStartedAtMs(startedAt)).build());
    log.debug("task {} started in {} with {}", j.id(), dir, j.allocation);
    try {
      pool.execute(() -> {
        TaskFinished.Builder done = x.run();
        loop.post(() -> executed(j, x, dir, done));
      });
    } catch (RejectedExecutionException e) {
      sandboxesInUse.remove(dir);
    }
  }

  /** {@code sandbox/t<id>}, or with a suffix while an older run of the same id is still cleaning up. */
  private Path sandboxFor(long id) {
    Path dir = sandboxes.resolve("t" + id);
    for (int n = 2; sandboxesInUse.contains(dir); n++) {
      dir = sandboxes.resolve("t" + id + "." + n);
    }
    return dir;
  }

  private void executed(Job j, Execution x, Path dir, TaskFinished.Builder done) {
    sandboxesInUse.remove(dir);
    if (x.spawned()) {
      tasksRun.incrementAndGet();
    }
    if (jobs.get(j.id()) != j) {
      return; // forgotten with its manager
    }
    finish(j, done);
  }

  private void finish(Job j, TaskFinished.Builder done) {
    jobs.remove(j.id());
    if (j.execution != null) {
      inUse = inUse.minus(j.allocation);
    }
    j.spec.getInputsList().forEach(m -> cache.unpin(m.getCacheName()));
    TaskFinished f = done.setTaskId(j.id()).build();
    log.debug("task {} finished: {} (exit {}) {}", j.id(), f.getResult(), f.getExitCode(), f.getMessage());
    outbox.send(WorkerMessage.newBuilder().setTaskFinished(f).build());
    startWhatFits();
  }

  private void send(long taskId, TaskFinished.Builder done) {
    outbox.send(WorkerMessage.newBuilder().setTaskFinished(done.setTaskId(taskId)).build());
  }

  private static TaskFinished.Builder ended(TaskResult result, String message) {
    long now = System.currentTimeMillis();
    return TaskFinished.newBuilder().setResult(result).setMessage(message).setExitCode(-1)
        .setStartedAtMs(now).setFinishedAtMs(now);
  }
}

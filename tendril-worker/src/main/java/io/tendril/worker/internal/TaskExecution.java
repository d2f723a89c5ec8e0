package io.tendril.worker.internal;

import com.google.protobuf.ByteString;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.Measured;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of one command task, on a pool thread: makes its sandbox, links its inputs, runs {@code
 * /bin/sh -c command} there (or, for a line of plain words, the program itself: {@link
 * PlainCommand}), turns the way it ended into a result code, moves the declared outputs
 * into the cache when the command succeeded (both with {@link TaskFiles}), deletes the sandbox, and
 * builds the TaskFinished the manager receives. Function calls run as a {@link CallExecution}
 * instead.
 *
 * <p>Result codes: a kill on request is {@code CANCELLED}; the wall-time limit {@code
 * MAX_WALL_TIME}; memory or disk beyond the allocation (and cores, when the task asks for them to
 * be enforced), seen by the {@link ResourceMonitor} while it runs or disk left behind when it
 * exits, {@code RESOURCE_EXHAUSTION}, naming the resource in {@code exhausted_resource} and the
 * use and allocation in the message; an exit status of 129 to 192 (a shell's report of death by
 * a signal) {@code SIGNAL}; any other non-zero status {@code FAILURE}; a missing or refused output
 * after a zero status {@code OUTPUT_MISSING}; a sandbox or spawn failure {@code WORKER_ERROR}; a
 * sandbox or output that cannot be written for lack of space, or a failed command that ran out of
 * space (its output says so while the workspace is below its floor, or the workspace has nothing
 * left), {@code DISK_FULL} (judged by the {@link DiskWatch}, which then counts the disk as full).
 * Outputs are only collected after a zero status; otherwise the TaskFinished lists none. Every
 * command's TaskFinished carries what was measured of it, whatever its result.
 *
 * <p>Created and started by the {@link TaskScheduler} on the worker's loop, which may call {@link
 * #kill()} from there at any time. Its counterpart is the manager's handling of TaskFinished.
 */
final class TaskExecution implements Execution {
  /** Captured output is capped here whatever the task asks, so that TaskFinished fits a message. */
  static final int MAX_STDOUT_BYTES = Protocol.MAX_MESSAGE_BYTES / 2;

  private final RunTask spec;
  private final Resources allocation;
  private final WorkerCache cache;
  private final Path sandboxDir;
  private final long startedAtMs;
  private final CommandProcess process;
  private final Map<String, String> environment;
  private final DiskWatch disk;

  /**
   * Prepares a run of a task in {@code sandboxDir} with the resources it was given.
   *
   * @param spec the task
   * @param allocation its resources: memory and disk are enforced when given, cores when the task
   *     asks for it
   * @param cache the worker's cache
   * @param sandboxDir its sandbox, created by the run
   * @param startedAtMs when it was started, for TaskFinished
   * @param monitorInterval the time between samples of its process tree
   * @param disk judges whether a failure is the disk's
   * @param launcher starts the command
   */
  TaskExecution(RunTask spec, Resources allocation, WorkerCache cache, Path sandboxDir, long startedAtMs,
      Duration monitorInterval, DiskWatch disk, ProcessLauncher launcher) {
    this.spec = spec;
    this.disk = disk;
    this.allocation = allocation;
    this.cache = cache;
    this.sandboxDir = sandboxDir;
    this.startedAtMs = startedAtMs;
    Duration wall = spec.getMaxWallTimeMs() > 0 ? Duration.ofMillis(spec.getMaxWallTimeMs()) : null;
    Path outputFile = sandboxDir.resolveSibling(sandboxDir.getFileName() + ".out");
    ResourceMonitor.Limits limits = new ResourceMonitor.Limits(allocation.memoryMb(), allocation.diskMb(),
        spec.getEnforceCores() ? allocation.cores() : 0);
    this.environment = TaskEnvironment.build(sandboxDir, allocation, spec.getEnvMap());
    this.process = new CommandProcess(List.of("/bin/sh", "-c", spec.getCommand()), sandboxDir, environment,
        stdoutLimit(spec), wall,
        new ResourceMonitor.Settings(monitorInterval, List.of(sandboxDir, outputFile), limits), outputFile, launcher);
  }

  /** The bytes of output to keep: the task's limit, the default when it gives none, never above the cap. */
  static int stdoutLimit(RunTask spec) {
    long asked = spec.getStdoutLimit() > 0 ? spec.getStdoutLimit() : Protocol.DEFAULT_STDOUT_LIMIT;
    return (int) Math.min(asked, MAX_STDOUT_BYTES);
  }

  /** The wire form of what the monitor measured. */
  static Measured.Builder measured(ResourceMonitor.Usage u) {
    return Measured.newBuilder()
        .setWallTimeMs(u.wallMillis())
        .setCpuTimeMs(u.cpuMillis())
        .setPeakMemoryMb(u.peakMemoryMb())
        .setPeakMemoryKb((u.peakMemoryBytes() + 1023) / 1024)
        .setPeakDiskMb(u.peakDiskMb())
        .setPeakDiskKb((u.peakDiskBytes() + 1023) / 1024)
        .setMaxProcesses(u.maxProcesses())
        .setAvgCoresMilli(u.avgCoresMilli())
        .setPeakCoresMilli(u.peakCoresMilli())
        .setBytesRead(u.bytesRead())
        .setBytesWritten(u.bytesWritten());
  }

  /** Whether the command was started (it counts as a task run). */
  @Override
  public boolean spawned() {
    return process.started();
  }

  /** Kills the command's process tree, or keeps it from starting; the result is CANCELLED. */
  @Override
  public void kill() {
    process.kill();
  }

  /**
   * Runs the task to its end; never throws.
   *
   * @return the TaskFinished to send, with every field but the task id set
   */
  @Override
  public TaskFinished.Builder run() {
    TaskFinished.Builder done = TaskFinished.newBuilder().setStartedAtMs(startedAtMs);
    try (Sandbox box = new Sandbox(sandboxDir, cache.dir())) {
      try {
        TaskFiles.linkInputs(spec, box, cache);
      } catch (IOException e) {
        String what = "cannot prepare the sandbox";
        return done.setResult(disk.writeFailed("task " + spec.getTaskId() + ": " + what, e)
                ? TaskResult.TASK_RESULT_DISK_FULL : TaskResult.TASK_RESULT_WORKER_ERROR).setExitCode(-1)
            .setMessage(what + ": " + e.getMessage())
            .setFinishedAtMs(System.currentTimeMillis());
      } catch (RuntimeException e) {
        return done.setResult(TaskResult.TASK_RESULT_WORKER_ERROR).setExitCode(-1)
            .setMessage("cannot prepare the sandbox: " + e.getMessage())
            .setFinishedAtMs(System.currentTimeMillis());
      }
      CommandProcess.Outcome o;
      try {
        Optional<List<String>> plain = PlainCommand.argv(spec.getCommand(), environment, sandboxDir);
        if (plain.isPresent()) {
          process.startDirectly(plain.get(), sandboxDir.toRealPath());
        }
        o = process.run();
      } catch (IOException | RuntimeException e) {
        return done.setResult(TaskResult.TASK_RESULT_WORKER_ERROR).setExitCode(-1)
            .setMessage("cannot run the command: " + e.getMessage())
            .setFinishedAtMs(System.currentTimeMillis());
      }
      done.setExitCode(o.exitCode())
          .setStdout(ByteString.copyFrom(o.output()))
          .setStdoutTruncated(o.truncated())
          .setFinishedAtMs(System.currentTimeMillis())
          .setMeasured(measured(o.usage()));
      switch (o.end()) {
        case KILLED -> {
          return done.setResult(TaskResult.TASK_RESULT_CANCELLED).setMessage("killed at the manager's request");
        }
        case EXHAUSTED -> {
          return done.setResult(TaskResult.TASK_RESULT_RESOURCE_EXHAUSTION)
              .setExhaustedResource(o.exhaustion().resource()).setMessage(o.exhaustion().message());
        }
        case WALL_TIME -> {
          return done.setResult(TaskResult.TASK_RESULT_MAX_WALL_TIME)
              .setMessage("ran longer than its wall-time limit of " + spec.getMaxWallTimeMs() + " ms and was killed");
        }
        case SIGNALLED -> {
          return done.setResult(TaskResult.TASK_RESULT_SIGNAL)
              .setMessage("killed by signal " + CommandProcess.signalOf(o.exitCode()) + " (exit status " + o.exitCode() + ")");
        }
        default -> { }
      }
      if (o.exitCode() != 0) {
        if (disk.commandFailed("the command of task " + spec.getTaskId(), o.output())) {
          return done.setResult(TaskResult.TASK_RESULT_DISK_FULL)
              .setMessage("the command ran out of space (exited with status " + o.exitCode() + ")");
        }
        return done.setResult(TaskResult.TASK_RESULT_FAILURE).setMessage("exited with status " + o.exitCode());
      }
      List<String> problems;
      try {
        problems = TaskFiles.collectOutputs(spec, box, cache, done, disk);
      } catch (DiskFullException e) {
        return done.clearOutputs().setResult(TaskResult.TASK_RESULT_DISK_FULL).setMessage(e.getMessage());
      }
      if (!problems.isEmpty()) {
        return done.setResult(TaskResult.TASK_RESULT_OUTPUT_MISSING).setMessage(String.join("; ", problems));
      }
      return done.setResult(TaskResult.TASK_RESULT_SUCCESS);
    } catch (IOException e) {
      String what = "cannot create the sandbox " + sandboxDir;
      return done.setResult(disk.writeFailed("task " + spec.getTaskId() + ": " + what, e)
              ? TaskResult.TASK_RESULT_DISK_FULL : TaskResult.TASK_RESULT_WORKER_ERROR).setExitCode(-1)
          .setMessage(what + ": " + e.getMessage())
          .setFinishedAtMs(System.currentTimeMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return done.setResult(TaskResult.TASK_RESULT_CANCELLED).setMessage("the worker is stopping")
          .setFinishedAtMs(System.currentTimeMillis());
    }
  }
}

package io.tendril.worker.internal;

import com.google.protobuf.ByteString;
import io.tendril.protocol.codec.CodecException;
import io.tendril.protocol.codec.RemoteFailure;
import io.tendril.protocol.wire.CallResult;
import io.tendril.protocol.wire.FunctionCall;
import io.tendril.protocol.wire.LibraryReply;
import io.tendril.protocol.wire.LibraryRequest;
import io.tendril.protocol.wire.Measured;
import io.tendril.protocol.wire.OutputFile;
import io.tendril.protocol.wire.OutputSpec;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one function call (a RunTask with {@code call} set), on a pool thread: makes its
 * sandbox and links its inputs with {@link TaskFiles} when it reads files (the files of the library's
 * environment are not linked: the library has them), hands the call to the library of its
 * environment ({@link LibraryPool}) as a LibraryRequest, waits for the reply, and builds the
 * TaskFinished. No process is started per call.
 *
 * <p>A result of at most the call's inline limit comes back inside the reply and goes into the
 * TaskFinished: no file is written, nothing enters the cache, and a call that reads no files never
 * has a directory made for it. A larger result is written by the library into the sandbox (which
 * the library creates if the worker did not) and moved into the cache as the call's output.
 *
 * <p>Result codes: the library's SUCCESS is {@code SUCCESS} (or {@code OUTPUT_MISSING} when a
 * declared output is missing); EXCEPTION (the function threw) is {@code EXCEPTION}, with {@code
 * failure} holding the encoded {@link RemoteFailure} and the message {@code "<class>: <message>"};
 * ERROR (the function is not found, a value cannot be decoded or encoded, an input cannot be read)
 * is {@code FAILURE} with the library's message: both are the application's failures. A library
 * that cannot start or dies during the call is {@code WORKER_ERROR}, with its exit status and last
 * lines of standard error. A kill on request is {@code CANCELLED}; the wall-time limit, counted from
 * when the call is handed to the library, {@code MAX_WALL_TIME}. A sandbox, result or output that
 * cannot be written for lack of space is {@code DISK_FULL} (judged by the {@link DiskWatch}), for a
 * batch as soon as one of its calls hit it: the worker's fault, not the call's.
 *
 * <p>Killed and timed-out calls: a thread cannot be stopped safely inside a JVM (an interrupt is
 * only a request the function may ignore, and a function left running would hold its slot and its
 * memory), so the library running such a call is stopped (its process tree killed) and the calls
 * running beside it end {@code WORKER_ERROR}, which the manager requeues without spending a retry;
 * the next call for that classpath starts a new library.
 *
 * <p>The standard output of a call is empty: what a function prints goes to its library's log. A
 * call runs with the library's environment; the RunTask's {@code env} does not apply to it.
 */
final class CallExecution implements Execution {
  private static final Logger log = LoggerFactory.getLogger(CallExecution.class);

  /** How long to wait for a reply being delivered while the call is taken back. */
  private static final long DELIVERY_WAIT_SECONDS = 5;

  private final RunTask spec;
  private final WorkerCache cache;
  private final Path sandboxDir;
  private final long startedAtMs;
  private final LibraryPool libraries;
  private final DiskWatch disk;
  private final CompletableFuture<Void> killed = new CompletableFuture<>();
  private volatile boolean sent;

  /**
   * Prepares a run of a call in {@code sandboxDir}.
   *
   * @param spec the RunTask, with {@code call} set
   * @param cache the cache of its inputs and outputs
   * @param sandboxDir its sandbox
   * @param startedAtMs when it started, as reported in TaskStarted
   * @param libraries the libraries that run calls
   * @param disk judges whether a failure is the disk's
   */
  CallExecution(RunTask spec, WorkerCache cache, Path sandboxDir, long startedAtMs, LibraryPool libraries,
      DiskWatch disk) {
    this.spec = spec;
    this.disk = disk;
    this.cache = cache;
    this.sandboxDir = sandboxDir;
    this.startedAtMs = startedAtMs;
    this.libraries = libraries;
  }

  @Override
  public boolean spawned() {
    return sent;
  }

  @Override
  public void kill() {
    killed.complete(null);
  }

  @Override
  public TaskFinished.Builder run() {
    TaskFinished.Builder done = TaskFinished.newBuilder().setStartedAtMs(startedAtMs).setExitCode(-1);
    LibraryEnvironment environment = LibraryEnvironment.of(spec.getCall());
    Set<String> ofLibrary = Set.copyOf(environment.cacheNames());
    boolean readsFiles = spec.getInputsList().stream().anyMatch(i -> !ofLibrary.contains(i.getCacheName()));
    Sandbox box = null;
    try {
      if (readsFiles) {
        try {
          box = new Sandbox(sandboxDir, cache.dir());
        } catch (IOException e) {
          return written(done, "cannot create the sandbox " + sandboxDir, e);
        }
        try {
          TaskFiles.linkInputs(spec, box, cache, ofLibrary);
        } catch (IOException e) {
          return written(done, "cannot prepare the sandbox", e);
        } catch (RuntimeException e) {
          return end(done, TaskResult.TASK_RESULT_WORKER_ERROR, "cannot prepare the sandbox: " + e.getMessage());
        }
      }
      if (killed.isDone()) {
        return end(done, TaskResult.TASK_RESULT_CANCELLED, "killed at the manager's request before it started");
      }
      FunctionCall call = spec.getCall();
      LibraryRequest.Builder request = LibraryRequest.newBuilder()
          .setSandbox(sandboxDir.toAbsolutePath().normalize().toString())
          .setSandboxAbsent(box == null)
          .setTask(call.getTask())
          .setResultName(call.getResultName())
          .setInlineLimit(spec.getOutputsCount() == 1 || call.getBatchCount() > 0 ? call.getInlineLimit() : 0)
          .addAllBatch(call.getBatchList())
          .addAllAllowedPackages(call.getAllowedPackagesList());
      Optional<Library.Call> c;
      try {
        c = libraries.submit(environment, request, killed::isDone);
      } catch (LibraryFailedException e) {
        return end(done, TaskResult.TASK_RESULT_WORKER_ERROR, e.getMessage());
      }
      if (c.isEmpty()) {
        return end(done, TaskResult.TASK_RESULT_CANCELLED, "killed at the manager's request before it started");
      }
      sent = true;
      return await(c.get(), box, done);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return end(done, TaskResult.TASK_RESULT_CANCELLED, "the worker is stopping");
    } finally {
      if (box != null) {
        box.close();
      } else if (sent && !done.getHasInlineResult()) {
        PathTrees.deleteQuietly(sandboxDir); // made by the library for a result too large to travel inline
      }
    }
  }

  /** Waits for the reply, a kill or the wall-time limit, whichever comes first. */
  private TaskFinished.Builder await(Library.Call c, Sandbox box, TaskFinished.Builder done)
      throws InterruptedException {
    long sentAt = System.nanoTime();
    long limitMs = spec.getMaxWallTimeMs();
    CompletableFuture<Object> first = CompletableFuture.anyOf(c.reply(), killed);
    boolean overTime = false;
    try {
      if (limitMs > 0) {
        first.get(limitMs, TimeUnit.MILLISECONDS);
      } else {
        first.get();
      }
    } catch (TimeoutException e) {
      overTime = true;
    } catch (ExecutionException e) {
      // The reply failed: read below.
    } catch (InterruptedException e) {
      if (c.library().abandon(c.id())) {
        c.library().stop("the worker stopped while call " + c.id() + " (task " + spec.getTaskId() + ") ran in it",
            Duration.ZERO);
      }
      throw e;
    }
    if (!c.reply().isDone() && c.library().abandon(c.id())) {
      long wallMs = (System.nanoTime() - sentAt) / 1_000_000;
      done.setMeasured(Measured.newBuilder().setWallTimeMs(wallMs));
      String why = overTime ? "ran past its wall-time limit of " + limitMs + " ms" : "was killed at the manager's request";
      log.info("task {} {}; stopping {}, the only safe way to end a running function", spec.getTaskId(), why,
          c.library());
      c.library().stop("the call of task " + spec.getTaskId() + " in it " + why
          + " (a running function cannot be stopped safely)", Duration.ZERO);
      return overTime
          ? end(done, TaskResult.TASK_RESULT_MAX_WALL_TIME, "ran longer than its wall-time limit of " + limitMs
              + " ms; its library was stopped")
          : end(done, TaskResult.TASK_RESULT_CANCELLED, "killed at the manager's request");
    }
    LibraryReply reply;
    try {
      reply = c.reply().get(DELIVERY_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return end(done, TaskResult.TASK_RESULT_WORKER_ERROR, String.valueOf(e.getCause().getMessage()));
    } catch (TimeoutException e) {
      return end(done, TaskResult.TASK_RESULT_WORKER_ERROR, "the reply of " + c.library() + " was lost");
    }
    return outcome(reply, box, done);
  }

  /**
   * Turns the library's reply into the TaskFinished. A result that came back inline goes into the
   * TaskFinished itself, so that the manager forwards it to the calls that read it and returns it
   * without a file: its output is reported not present and nothing enters the cache.
   *
   * @param box the sandbox the worker made, or null if the call reads no files (the library then
   *     made it, only if it wrote the result there)
   */
  private TaskFinished.Builder outcome(LibraryReply reply, Sandbox box, TaskFinished.Builder done) {
    done.setMeasured(Measured.newBuilder()
        .setWallTimeMs(TimeUnit.NANOSECONDS.toMillis(reply.getWallTimeNs()))
        .setCpuTimeMs(TimeUnit.NANOSECONDS.toMillis(reply.getCpuTimeNs()))
        .setAllocatedBytes(reply.getAllocatedBytes())
        .setLibraryMemoryKb(reply.getLibraryMemoryKb()));
    switch (reply.getOutcome()) {
      case LIBRARY_OUTCOME_SUCCESS -> {
        done.setExitCode(0);
        if (spec.getCall().getBatchCount() > 0) {
          return batchOutcome(reply, box, done);
        }
        if (reply.getHasInlineResult()) {
          done.setInlineResult(reply.getInlineResult()).setHasInlineResult(true);
          for (OutputSpec out : spec.getOutputsList()) {
            done.addOutputs(OutputFile.newBuilder().setSandboxName(out.getSandboxName())
                .setCacheName(out.getCacheName()));
          }
          return end(done, TaskResult.TASK_RESULT_SUCCESS, "");
        }
        List<String> problems;
        try (Sandbox made = box != null ? null : Sandbox.adopt(sandboxDir, cache.dir())) {
          problems = TaskFiles.collectOutputs(spec, box != null ? box : made, cache, done, disk);
        } catch (DiskFullException e) {
          return end(done.clearOutputs(), TaskResult.TASK_RESULT_DISK_FULL, e.getMessage());
        } catch (IOException e) {
          if (disk.writeFailed("task " + spec.getTaskId() + ": the call's result was not written", e)) {
            return end(done, TaskResult.TASK_RESULT_DISK_FULL, "the call's result was not written: " + e.getMessage());
          }
          return end(done, TaskResult.TASK_RESULT_OUTPUT_MISSING, "the call's result was not written: "
              + e.getMessage());
        }
        return problems.isEmpty()
            ? end(done, TaskResult.TASK_RESULT_SUCCESS, "")
            : end(done, TaskResult.TASK_RESULT_OUTPUT_MISSING, String.join("; ", problems));
      }
      case LIBRARY_OUTCOME_EXCEPTION -> {
        done.setFailure(reply.getFailure());
        return end(done, TaskResult.TASK_RESULT_EXCEPTION, summary(reply.getFailure()));
      }
      case LIBRARY_OUTCOME_ERROR -> {
        if (disk.libraryFailed("task " + spec.getTaskId(), reply.getError())) {
          return end(done, TaskResult.TASK_RESULT_DISK_FULL, reply.getError());
        }
        return end(done, TaskResult.TASK_RESULT_FAILURE, reply.getError());
      }
      default -> {
        return end(done, TaskResult.TASK_RESULT_WORKER_ERROR,
            "the library answered with an unknown outcome " + reply.getOutcomeValue());
      }
    }
  }

  /**
   * The TaskFinished of a batch that ran: one CallResult per call, in order; each result that came
   * inline is reported so with its output not present, each written result is moved into the
   * cache, and a call that threw or could not run leaves its output not present. The task is a
   * success whatever its calls did: the manager reads each call's result.
   */
  private TaskFinished.Builder batchOutcome(LibraryReply reply, Sandbox box, TaskFinished.Builder done) {
    List<io.tendril.protocol.wire.BatchedCall> calls = spec.getCall().getBatchList();
    if (reply.getBatchCount() != calls.size()) {
      return end(done, TaskResult.TASK_RESULT_WORKER_ERROR, "the library answered " + reply.getBatchCount()
          + " of the batch's " + calls.size() + " calls");
    }
    java.util.Map<String, OutputSpec> outputs = new java.util.HashMap<>();
    for (OutputSpec out : spec.getOutputsList()) {
      outputs.put(out.getSandboxName(), out);
    }
    Sandbox made = null;
    try {
      for (int i = 0; i < calls.size(); i++) {
        LibraryReply r = reply.getBatch(i);
        OutputSpec out = outputs.get(calls.get(i).getResultName());
        CallResult.Builder c = CallResult.newBuilder().setWallTimeNs(r.getWallTimeNs());
        boolean stored = false;
        switch (r.getOutcome()) {
          case LIBRARY_OUTCOME_SUCCESS -> {
            c.setResult(TaskResult.TASK_RESULT_SUCCESS);
            if (r.getHasInlineResult()) {
              c.setInlineResult(r.getInlineResult()).setHasInlineResult(true);
            } else if (out != null) {
              if (box == null && made == null) {
                made = Sandbox.adopt(sandboxDir, cache.dir());
              }
              String problem = TaskFiles.collectOutput(spec, out, box != null ? box : made, cache, done, disk);
              stored = true;
              if (problem != null) {
                c.setResult(TaskResult.TASK_RESULT_OUTPUT_MISSING).setMessage(problem);
              }
            }
          }
          case LIBRARY_OUTCOME_EXCEPTION -> c.setResult(TaskResult.TASK_RESULT_EXCEPTION)
              .setFailure(r.getFailure()).setMessage(summary(r.getFailure()));
          default -> {
            if (disk.libraryFailed("task " + spec.getTaskId() + ", call " + (i + 1) + " of its batch", r.getError())) {
              TaskFiles.removeStored(done, cache);
              return end(done.clearOutputs().clearCallResults(), TaskResult.TASK_RESULT_DISK_FULL,
                  "call " + (i + 1) + " of the batch: " + r.getError());
            }
            c.setResult(TaskResult.TASK_RESULT_FAILURE).setMessage(r.getError());
          }
        }
        if (!stored && out != null) {
          done.addOutputs(OutputFile.newBuilder().setSandboxName(out.getSandboxName()).setCacheName(out.getCacheName()));
        }
        done.addCallResults(c);
      }
    } catch (DiskFullException e) {
      TaskFiles.removeStored(done, cache);
      return end(done.clearOutputs().clearCallResults(), TaskResult.TASK_RESULT_DISK_FULL, e.getMessage());
    } catch (IOException e) {
      if (disk.writeFailed("task " + spec.getTaskId() + ": the batch's results were not written", e)) {
        TaskFiles.removeStored(done, cache);
        return end(done.clearOutputs().clearCallResults(), TaskResult.TASK_RESULT_DISK_FULL,
            "the batch's results were not written: " + e.getMessage());
      }
      return end(done, TaskResult.TASK_RESULT_WORKER_ERROR, "the batch's results were not written: " + e.getMessage());
    } finally {
      if (made != null) {
        made.close();
      }
    }
    return end(done, TaskResult.TASK_RESULT_SUCCESS, "");
  }

  /** "{@code <exception class>: <message>}" of an encoded failure. */
  private static String summary(ByteString failure) {
    try {
      return RemoteFailure.decode(failure.toByteArray()).toString();
    } catch (CodecException e) {
      return "the function threw an exception whose description cannot be read: " + e.getMessage();
    }
  }

  /** The end of a call whose sandbox could not be written: the disk's fault, or the worker's. */
  private TaskFinished.Builder written(TaskFinished.Builder done, String what, IOException e) {
    boolean full = disk.writeFailed("task " + spec.getTaskId() + ": " + what, e);
    return end(done, full ? TaskResult.TASK_RESULT_DISK_FULL : TaskResult.TASK_RESULT_WORKER_ERROR,
        what + ": " + e.getMessage());
  }

  private static TaskFinished.Builder end(TaskFinished.Builder done, TaskResult result, String message) {
    return done.setResult(result).setMessage(message).setFinishedAtMs(System.currentTimeMillis());
  }
}

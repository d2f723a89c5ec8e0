package io.tendril.worker.library;

import com.google.protobuf.ByteString;
import io.tendril.protocol.codec.CodecException;
import io.tendril.protocol.wire.LibraryOutcome;
import io.tendril.protocol.wire.LibraryReply;
import io.tendril.protocol.wire.CallTask;
import io.tendril.protocol.wire.LibraryRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one LibraryRequest to its LibraryReply: evaluates the call's task (see {@link
 * CallEvaluator}), encodes the result with the value codec of the call's allowed packages, puts it
 * in the reply when it is at most the request's inline limit and otherwise writes it to {@code
 * sandbox/result_name} (creating the sandbox first when the worker did not), and measures the wall time and the slot thread's CPU time.
 *
 * <p>Outcomes: SUCCESS with the result's size; EXCEPTION with the encoded {@link
 * io.tendril.protocol.codec.RemoteFailure} of whatever the function (or a nested task's function)
 * threw; ERROR with a message naming the function and what the library could not do. Never
 * throws. Thread-safe: slot threads share one runner.
 */
final class CallRunner {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final long RESIDENT_REFRESH_MS = 100;
  private static volatile long resident;
  private static volatile long residentReadAt;

  private final CallContexts contexts;

  /** Creates the runner of a library whose functions and values come from {@code loader}. */
  CallRunner(ClassLoader loader) {
    this.contexts = new CallContexts(loader);
  }

  /**
   * Prepares what the first call would otherwise pay for (the standard codec, Fory's classes), so
   * that it is paid before the library announces itself and not inside a call's wall time.
   */
  void warmUp() {
    try {
      CallContexts.Context c = contexts.of(List.of());
      c.codec().decode(c.codec().encode(List.of(1, 2L, "three", 4.0)));
    } catch (CallError | RuntimeException e) {
      // Only an optimisation: the first call reports whatever is wrong.
    }
  }

  /**
   * Runs a call.
   *
   * @param request the call
   * @return its reply, with the call id, outcome and measurements set
   */
  LibraryReply run(LibraryRequest request) {
    if (request.getBatchCount() > 0) {
      return runBatch(request);
    }
    long wallStart = System.nanoTime();
    long cpuStart = cpuNow();
    long allocatedStart = allocatedNow();
    LibraryReply.Builder reply = LibraryReply.newBuilder().setCallId(request.getCallId());
    Path sandbox;
    CallContexts.Context context;
    try {
      sandbox = sandboxOf(request);
      context = contexts.of(request.getAllowedPackagesList());
    } catch (CallError e) {
      reply.setOutcome(LibraryOutcome.LIBRARY_OUTCOME_ERROR).setError(e.getMessage());
      return measured(reply, wallStart, cpuStart, allocatedStart);
    }
    runOne(reply, request.getTask(), request.getResultName(), sandbox, request.getSandboxAbsent(),
        request.getInlineLimit(), context);
    return measured(reply, wallStart, cpuStart, allocatedStart);
  }

  /**
   * Runs one call into its reply: the outcome, the result inline or written to {@code
   * sandbox/resultName}, or what went wrong. Never throws.
   */
  private static void runOne(LibraryReply.Builder reply, CallTask task, String resultName, Path sandbox,
      boolean sandboxAbsent, long inlineLimit, CallContexts.Context context) {
    try {
      Object result = new CallEvaluator(context, sandbox).evaluate(task);
      byte[] encoded = encode(context, task, result);
      if (encoded.length <= inlineLimit) {
        reply.setInlineResult(ByteString.copyFrom(encoded)).setHasInlineResult(true);
      } else {
        write(sandbox, sandboxAbsent, task, resultName, encoded);
      }
      reply.setOutcome(LibraryOutcome.LIBRARY_OUTCOME_SUCCESS).setResultSize(encoded.length);
    } catch (CallError e) {
      reply.setOutcome(LibraryOutcome.LIBRARY_OUTCOME_ERROR).setError(e.getMessage());
    } catch (FunctionThrew e) {
      reply.setOutcome(LibraryOutcome.LIBRARY_OUTCOME_EXCEPTION)
          .setFailure(ByteString.copyFrom(Failures.encode(e.getCause())));
    } catch (RuntimeException | Error e) {
      // A fault of the library's own code: report it on this call rather than leave the call hanging.
      reply.setOutcome(LibraryOutcome.LIBRARY_OUTCOME_ERROR)
          .setError("the library failed running function " + CallEvaluator.nameOf(task) + ": " + e);
    }
  }

  /** Sets what was measured of a call (or a batch): times, the thread's allocation, the process's memory. */
  private static LibraryReply measured(LibraryReply.Builder reply, long wallStart, long cpuStart, long allocatedStart) {
    return reply.setWallTimeNs(System.nanoTime() - wallStart).setCpuTimeNs(Math.max(0, cpuNow() - cpuStart))
        .setAllocatedBytes(Math.max(0, allocatedNow() - allocatedStart)).setLibraryMemoryKb(residentKb()).build();
  }

  /**
   * Runs the calls of a batch one after the other in the batch's sandbox, and answers with one
   * reply per call (its outcome, result and wall time; CPU time, allocation and memory are measured
   * once, for the batch); the batch itself succeeds. The sandbox and the codec are settled once for
   * the whole batch.
   */
  private LibraryReply runBatch(LibraryRequest request) {
    long wallStart = System.nanoTime();
    long cpuStart = cpuNow();
    long allocatedStart = allocatedNow();
    LibraryReply.Builder reply = LibraryReply.newBuilder().setCallId(request.getCallId())
        .setOutcome(LibraryOutcome.LIBRARY_OUTCOME_SUCCESS);
    Path sandbox = null;
    CallContexts.Context context = null;
    String problem = null;
    try {
      sandbox = sandboxOf(request);
      context = contexts.of(request.getAllowedPackagesList());
    } catch (CallError e) {
      problem = e.getMessage();
    }
    boolean absent = request.getSandboxAbsent();
    long limit = request.getInlineLimit();
    long callStart = wallStart;
    for (io.tendril.protocol.wire.BatchedCall c : request.getBatchList()) {
      LibraryReply.Builder one = LibraryReply.newBuilder();
      if (problem != null) {
        one.setOutcome(LibraryOutcome.LIBRARY_OUTCOME_ERROR).setError(problem);
      } else {
        runOne(one, c.getTask(), c.getResultName(), sandbox, absent, limit, context);
        // A result written to the sandbox made it: the calls after it find it there.
        absent = absent && !(one.getOutcome() == LibraryOutcome.LIBRARY_OUTCOME_SUCCESS && !one.getHasInlineResult());
      }
      long now = System.nanoTime();
      reply.addBatch(one.setWallTimeNs(now - callStart));
      callStart = now;
    }
    return measured(reply, wallStart, cpuStart, allocatedStart);
  }

  private static Path sandboxOf(LibraryRequest request) throws CallError {
    try {
      Path p = Path.of(request.getSandbox());
      if (!p.isAbsolute()) {
        throw new CallError("the call's sandbox '" + request.getSandbox() + "' is not an absolute path");
      }
      return p.normalize();
    } catch (InvalidPathException e) {
      throw new CallError("the call's sandbox '" + request.getSandbox() + "' is not a path: " + e.getMessage());
    }
  }

  private static byte[] encode(CallContexts.Context context, CallTask task, Object result)
      throws CallError {
    try {
      return context.codec().encode(result);
    } catch (CodecException e) {
      throw new CallError("the result of function " + CallEvaluator.nameOf(task)
          + " cannot be encoded: " + e.getMessage());
    }
  }

  private static void write(Path sandbox, boolean sandboxAbsent, CallTask task, String resultName, byte[] encoded)
      throws CallError {
    try {
      if (sandboxAbsent) {
        SandboxFiles.create(sandbox);
      }
      SandboxFiles.write(sandbox, resultName, encoded);
    } catch (IOException | IllegalArgumentException e) {
      throw new CallError("the result of function " + CallEvaluator.nameOf(task)
          + " cannot be written to '" + resultName + "': " + CallEvaluator.describe(e));
    }
  }

  /** Heap bytes this thread has allocated so far, or 0 where the JVM cannot tell. */
  private static long allocatedNow() {
    try {
      return THREADS instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()
          && t.isThreadAllocatedMemoryEnabled() ? t.getCurrentThreadAllocatedBytes() : 0;
    } catch (UnsupportedOperationException e) {
      return 0;
    }
  }

  /**
   * This process's resident memory in kilobytes (VmRSS of /proc/self/status), or 0 where unknown;
   * read at most every {@value #RESIDENT_REFRESH_MS} ms, as reading it costs more than a small call.
   */
  private static long residentKb() {
    long now = System.nanoTime();
    if (now - residentReadAt < RESIDENT_REFRESH_MS * 1_000_000L && residentReadAt != 0) {
      return resident;
    }
    resident = readResidentKb();
    residentReadAt = now;
    return resident;
  }

  private static long readResidentKb() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc is not mounted: unknown.
    }
    return 0;
  }

  private static long cpuNow() {
    try {
      return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    } catch (UnsupportedOperationException e) {
      return 0;
    }
  }
}

package io.tendril.worker.internal;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.OutputFile;
import io.tendril.protocol.wire.OutputSpec;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one task run, the same for a command ({@link TaskExecution}) and a function call
 * ({@link CallExecution}): its inputs are linked from the cache into the sandbox under the names it
 * asked for, and after a successful run each declared output is moved (or, when it is or holds a
 * link, copied) into the cache and listed in the TaskFinished. An output that cannot be stored
 * because the disk is full (as the {@link DiskWatch} judges) ends the collection with a {@link
 * DiskFullException}, and the outputs already stored by it are removed again: the task runs
 * elsewhere. Stateless; runs on the execution's pool thread.
 */
final class TaskFiles {
  private static final Logger log = LoggerFactory.getLogger(TaskFiles.class);

  private TaskFiles() {}

  /**
   * Links every input of a task into its sandbox.
   *
   * @param spec the task
   * @param box its sandbox
   * @param cache the cache holding the inputs
   * @throws IOException if a link cannot be made (a name used twice, a name through a link)
   */
  static void linkInputs(RunTask spec, Sandbox box, WorkerCache cache) throws IOException {
    linkInputs(spec, box, cache, Set.of());
  }

  /**
   * Links a task's inputs into its sandbox, except those whose cache names are given: a function
   * call's classpath entries, which its library reads from the cache and the call never sees.
   */
  static void linkInputs(RunTask spec, Sandbox box, WorkerCache cache, Set<String> except) throws IOException {
    for (Mount m : spec.getInputsList()) {
      if (!except.contains(m.getCacheName())) {
        box.link(cache.path(m.getCacheName()), m.getSandboxName());
      }
    }
  }

  /**
   * Moves each declared output of a task into the cache and adds it to the TaskFinished, present
   * or not.
   *
   * @param spec the task
   * @param box its sandbox
   * @param cache the cache
   * @param done the TaskFinished being built
   * @param disk judges whether a failed write is the disk's fault
   * @return what went wrong, one entry per missing or refused output; empty if all are present
   * @throws DiskFullException if an output could not be stored for lack of space; the outputs
   *     stored before it are removed from the cache
   */
  static List<String> collectOutputs(RunTask spec, Sandbox box, WorkerCache cache, TaskFinished.Builder done,
      DiskWatch disk) throws DiskFullException {
    List<String> problems = new ArrayList<>();
    for (OutputSpec out : spec.getOutputsList()) {
      String problem;
      try {
        problem = collectOutput(spec, out, box, cache, done, disk);
      } catch (DiskFullException e) {
        removeStored(done, cache);
        throw e;
      }
      if (problem != null) {
        problems.add(problem);
      }
    }
    return problems;
  }

  /** Removes from the cache the outputs a TaskFinished being built lists as stored. */
  static void removeStored(TaskFinished.Builder done, WorkerCache cache) {
    for (OutputFile f : done.getOutputsList()) {
      if (f.getPresent()) {
        cache.remove(f.getCacheName());
      }
    }
  }

  /**
   * Moves (or copies) one output into the cache and reports it in {@code done}, present or not.
   *
   * @return what went wrong, or null if it is present
   * @throws DiskFullException if it could not be stored for lack of space (it is then not listed)
   */
  static String collectOutput(RunTask spec, OutputSpec out, Sandbox box, WorkerCache cache,
      TaskFinished.Builder done, DiskWatch disk) throws DiskFullException {
    OutputFile.Builder f = OutputFile.newBuilder().setSandboxName(out.getSandboxName())
        .setCacheName(out.getCacheName());
    String problem = null;
    try {
      Optional<Sandbox.Output> found = box.output(out.getSandboxName());
      if (found.isEmpty()) {
        problem = "output '" + out.getSandboxName() + "' was not created";
      } else {
        CacheLevel level = CacheLevel.fromWire(out.getLevel());
        long size = found.get().copy()
            ? cache.copyIn(found.get().path(), out.getCacheName(), level)
            : cache.moveIn(found.get().path(), out.getCacheName(), level);
        f.setPresent(true).setSize(size);
      }
    } catch (IOException e) {
      String what = "cannot store output '" + out.getSandboxName() + "' in the cache";
      if (disk.writeFailed("task " + spec.getTaskId() + ": " + what, e)) {
        throw new DiskFullException(what + ": " + e.getMessage(), e);
      }
      log.warn("task {}: output {} refused: {}", spec.getTaskId(), out.getSandboxName(), e.getMessage());
      problem = e.getMessage();
    } catch (RuntimeException e) {
      log.warn("task {}: output {} refused: {}", spec.getTaskId(), out.getSandboxName(), e.getMessage());
      problem = e.getMessage();
    }
    done.addOutputs(f);
    return problem;
  }
}

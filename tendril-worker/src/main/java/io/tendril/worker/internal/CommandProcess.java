package io.tendril.worker.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command to its end: a child process with a given working directory and exactly the
 * given environment, standard input from /dev/null, standard output and error merged and captured
 * up to a limit, an optional wall-time limit, a {@link ResourceMonitor} measuring it and enforcing
 * its allocation, and a kill of the whole process tree on request, on the wall-time limit, on an
 * exceeded allocation, and of any process left over after the command exits.
 *
 * <p>A command whose output goes to a file is started by a {@link ProcessLauncher} (spawned
 * directly when the platform allows: one exec instead of the JVM's two, and the command's CPU
 * time read when it is reaped). Output goes either to a file given by the caller (the command
 * writes it directly, no thread of ours reads it while it runs; the first bytes are read back
 * afterwards and the file deleted) or, without such a file, through a pipe drained by an {@link
 * OutputCapture}. Tasks use a file: it costs no thread per task and no process can block on a full
 * pipe.
 *
 * <p>Blocking; {@link #run()} runs on a pool thread while {@link #kill()} may come from any
 * thread, before, during or after the run. The thread that runs it waits for the process in steps
 * and samples the tree between them, so monitoring costs no thread of its own and a slow sample
 * (a large sandbox to walk) delays no other command. Used for tasks ({@link TaskExecution}),
 * mini-tasks and tar; the process tree is a {@link ProcessTree}.
 */
final class CommandProcess {
  /** How the command ended. */
  enum End {
    /** It exited by itself with an exit status. */
    EXITED,
    /** It was killed by a signal it did not get from the worker (exit status 129 to 192). */
    SIGNALLED,
    /** It ran past its wall-time limit and was killed. */
    WALL_TIME,
    /** It used more memory, disk or cores than allocated and was killed (or left too much on disk). */
    EXHAUSTED,
    /** It was killed on request, or never started because a kill came first. */
    KILLED
  }

  /**
   * What happened.
   *
   * @param end how it ended
   * @param exitCode the exit status (128 + n for signal n, as a shell reports it), or -1 if none
   * @param output the captured output
   * @param truncated whether output beyond the limit was dropped
   * @param usage what the monitor measured
   * @param exhaustion for {@link End#EXHAUSTED}, the resource exceeded; otherwise null
   */
  record Outcome(End end, int exitCode, byte[] output, boolean truncated, ResourceMonitor.Usage usage,
      ResourceMonitor.Exhaustion exhaustion) {}

  /** Exit statuses above this (and up to 128 + 64) are read as death by a signal. */
  private static final int SIGNAL_BASE = 128;

  /** How long the output may stay open after the tree has exited before it is abandoned. */
  private static final long OUTPUT_LINGER_SECONDS = 5;

  private final List<String> argv;
  private final Path directory;
  private final Map<String, String> environment;
  private final int outputLimit;
  private final Duration wallTime;
  private final ResourceMonitor.Settings monitoring;
  private final Path outputFile;
  private final ProcessLauncher launcher;
  /**
   * What to start instead of {@link #argv}, which stays the fallback, and the {@code PWD} to give it.
   *
   * @param program the program's path and its arguments
   * @param physicalDirectory the working directory's physical path
   */
  private record Direct(List<String> program, Path physicalDirectory) {}

  /** Set by {@link #startDirectly}, or null to start {@link #argv}. */
  private volatile Direct direct;
  private boolean killed;
  private volatile boolean started;
  private ProcessTree tree;

  /**
   * Prepares a command; nothing runs until {@link #run()}.
   *
   * @param argv the program and its arguments
   * @param directory the working directory
   * @param environment the whole environment of the process
   * @param outputLimit bytes of output to keep
   * @param wallTime the wall-time limit, or null for none
   */
  CommandProcess(List<String> argv, Path directory, Map<String, String> environment, int outputLimit,
      Duration wallTime) {
    this(argv, directory, environment, outputLimit, wallTime, ResourceMonitor.Settings.measureOnly(), null);
  }

  /**
   * Prepares a command whose output goes to a file; nothing runs until {@link #run()}.
   *
   * @param argv the program and its arguments
   * @param directory the working directory
   * @param environment the whole environment of the process
   * @param outputLimit bytes of output to keep
   * @param wallTime the wall-time limit, or null for none
   * @param monitoring how the command is measured and what is enforced
   * @param outputFile where the output is written (replaced, and deleted after the run), or null
   *     to capture it through a pipe
   */
  CommandProcess(List<String> argv, Path directory, Map<String, String> environment, int outputLimit,
      Duration wallTime, ResourceMonitor.Settings monitoring, Path outputFile) {
    this(argv, directory, environment, outputLimit, wallTime, monitoring, outputFile, ProcessLauncher.JVM);
  }

  /**
   * Prepares a command whose output goes to a file and which the given launcher starts; nothing
   * runs until {@link #run()}.
   *
   * @param argv the program and its arguments
   * @param directory the working directory
   * @param environment the whole environment of the process
   * @param outputLimit bytes of output to keep
   * @param wallTime the wall-time limit, or null for none
   * @param monitoring how the command is measured and what is enforced
   * @param outputFile where the output is written (replaced, and deleted after the run)
   * @param launcher what starts it (used when {@code outputFile} is given)
   */
  CommandProcess(List<String> argv, Path directory, Map<String, String> environment, int outputLimit,
      Duration wallTime, ResourceMonitor.Settings monitoring, Path outputFile, ProcessLauncher launcher) {
    this.launcher = launcher;
    this.outputFile = outputFile;
    this.argv = List.copyOf(argv);
    this.directory = directory;
    this.environment = Map.copyOf(environment);
    this.outputLimit = outputLimit;
    this.wallTime = wallTime;
    this.monitoring = monitoring;
  }

  /**
   * Starts {@code program} (a path and its arguments) instead of the command given at
   * construction, with {@code PWD} set to {@code physicalDirectory}; if the kernel will not
   * execute it (a script without {@code #!}, say), the command given at construction runs after
   * all. Called before {@link #run()}; see {@link PlainCommand}.
   */
  void startDirectly(List<String> program, Path physicalDirectory) {
    this.direct = new Direct(List.copyOf(program), physicalDirectory);
  }

  /**
   * Runs the command and waits for it (and its tree) to end.
   *
   * @return what happened
   * @throws IOException if the process cannot be started
   * @throws InterruptedException if interrupted; the tree is killed first
   */
  Outcome run() throws IOException, InterruptedException {
    Direct program = direct;
    long start = System.nanoTime();
    Child p;
    ProcessTree t;
    InputStream pipe = null;
    synchronized (this) {
      if (killed) {
        return new Outcome(End.KILLED, -1, new byte[0], false, ResourceMonitor.Usage.NONE, null);
      }
      if (outputFile == null) {
        // Output through a pipe: always started by the JVM.
        Process jvm = start(program, (cmd, env) -> ProcessLauncher.jvmBuilder(cmd, directory, env).start());
        pipe = jvm.getInputStream();
        p = Child.of(jvm);
      } else {
        p = start(program, (cmd, env) -> launcher.start(cmd, directory, env, outputFile));
      }
      started = true;
      t = new ProcessTree(p.handle().orElse(null));
      tree = t;
    }
    ResourceMonitor monitor = new ResourceMonitor(t, monitoring);
    OutputCapture output = pipe == null ? null : new OutputCapture(pipe, outputLimit, "tendril-output-" + p.pid());
    boolean overTime = false;
    ResourceMonitor.Exhaustion exhausted = null;
    long wallNanos = wallTime == null ? Long.MAX_VALUE : wallTime.toNanos();
    try {
      while (true) {
        long elapsed = System.nanoTime() - start;
        long wait = Math.min(monitor.nextSampleNanos(), wallNanos) - elapsed;
        if (wait > 0 ? p.waitFor(wait) : !p.isAlive()) {
          break;
        }
        elapsed = System.nanoTime() - start;
        if (elapsed >= wallNanos) {
          overTime = true;
          t.kill();
          p.waitFor(TimeUnit.SECONDS.toNanos(5));
          break;
        }
        if (elapsed >= monitor.nextSampleNanos()) {
          exhausted = monitor.sample(elapsed);
          if (exhausted != null) {
            t.kill(Duration.ZERO);
            p.waitFor(TimeUnit.SECONDS.toNanos(5));
            break;
          }
        }
      }
      long wall = (System.nanoTime() - start) / 1_000_000;
      monitor.reaped(p.cpuMillis());
      ResourceMonitor.Exhaustion left = monitor.finish(System.nanoTime() - start);
      if (exhausted == null && !overTime) {
        exhausted = left;
      }
      t.kill(Duration.ofMillis(500)); // whatever the command left running in the background
      byte[] kept;
      boolean truncated;
      if (output != null) {
        output.finish(OUTPUT_LINGER_SECONDS, TimeUnit.SECONDS);
        kept = output.bytes();
        truncated = output.truncated();
      } else {
        kept = readHead(outputFile, outputLimit);
        truncated = Files.size(outputFile) > kept.length;
      }
      int exit = p.isAlive() ? -1 : p.exitValue();
      End end;
      synchronized (this) {
        if (killed) {
          end = End.KILLED;
        } else if (overTime) {
          end = End.WALL_TIME;
        } else if (exhausted != null) {
          end = End.EXHAUSTED;
        } else if (exit > SIGNAL_BASE && exit <= SIGNAL_BASE + 64) {
          end = End.SIGNALLED;
        } else {
          end = End.EXITED;
        }
      }
      return new Outcome(end, exit, kept, truncated, monitor.usage(wall), end == End.EXHAUSTED ? exhausted : null);
    } catch (InterruptedException e) {
      t.kill(Duration.ZERO);
      throw e;
    } finally {
      if (p.isAlive()) {
        reapLater(p);
      }
      if (outputFile != null) {
        Files.deleteIfExists(outputFile);
      }
    }
  }

  /**
   * Waits for a process left running (killed, but not yet gone, when the run was interrupted or
   * failed) on a thread of its own, so that one the worker spawned itself is reaped, not left a
   * zombie.
   */
  private static void reapLater(Child p) {
    Thread.ofPlatform().daemon().name("tendril-reap-" + p.pid()).start(() -> {
      while (true) {
        try {
          if (p.waitFor(TimeUnit.MINUTES.toNanos(1))) {
            return;
          }
        } catch (InterruptedException e) {
          // Nobody interrupts this thread but a JVM that is ending; keep waiting until then.
        }
      }
    });
  }

  /** Starts a program with an environment, one way or another. */
  private interface Starter<T> {
    T start(List<String> program, Map<String, String> env) throws IOException;
  }

  /**
   * Starts the plain program set by {@link #startDirectly} with its {@code PWD}, or, without one or
   * when the kernel will not execute it (a script without {@code #!}, say), {@link #argv}: the
   * shell decides then.
   */
  private <T> T start(Direct program, Starter<T> starter) throws IOException {
    if (program != null) {
      Map<String, String> env = new HashMap<>(environment);
      env.put("PWD", program.physicalDirectory().toString());
      try {
        return starter.start(program.program(), env);
      } catch (IOException e) {
        // Not executable by the kernel itself: the shell runs the command line below.
      }
    }
    return starter.start(argv, environment);
  }

  /** The first {@code limit} bytes of a file. */
  private static byte[] readHead(Path file, int limit) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(limit);
    }
  }

  /**
   * Kills the command's whole tree (SIGTERM, then SIGKILL after {@link ProcessTree#KILL_GRACE}),
   * or keeps it from starting. Returns at once; the run reports {@link End#KILLED}.
   */
  void kill() {
    ProcessTree t;
    synchronized (this) {
      if (killed) {
        return;
      }
      killed = true;
      t = tree;
    }
    if (t != null) {
      Thread.ofPlatform().daemon().name("tendril-kill").start(t::kill);
    }
  }

  /** Whether the process was started (a kill before {@link #run()} keeps it from starting). */
  boolean started() {
    return started;
  }

  /** The signal number of a shell-style exit status of a signalled command. */
  static int signalOf(int exitCode) {
    return exitCode - SIGNAL_BASE;
  }
}

package io.tendril.manager;

import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.FunctionCall;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A shell command with declared input and output files and resources, run on a worker in its own
 * sandbox. Build one with {@link #builder(String)}, hand it to {@link Manager#submit}, and read
 * its outcome once {@link Manager#await} returns it.
 *
 * <pre>{@code
 * CommandTask t = CommandTask.builder("gzip -c input.txt > output.gz")
 *     .input(manager.declareFile(Path.of("input.txt"), CacheLevel.WORKFLOW), "input.txt")
 *     .output("output.gz", manager.declareFile(Path.of("output.gz"), CacheLevel.WORKFLOW))
 *     .cores(1).memoryMb(100)
 *     .build();
 * manager.submit(t);
 * }</pre>
 *
 * <p>The specification is immutable. The outcome (result code, exit code, output, worker,
 * timings) is set by the manager once, before {@code await} hands the task back, and read-only
 * afterwards.
 */
public final class CommandTask {
  private final String command;
  private final Map<DeclaredFile, String> inputs;
  private final Map<String, DeclaredFile> outputs;
  private final Map<String, String> env;
  private final Resources resources;
  private final String category;
  private final double priority;
  private final WorkerChoice workerChoice;
  private final int maxRetries;
  private final Duration maxWallTime;
  private final String tag;
  /** For a function call: what the worker's library runs; null for a command. */
  private final FunctionCall call;
  /** Where the loop hands the finished task instead of the manager's completed queue, or null. */
  private final Consumer<CommandTask> onDone;

  private volatile long id = -1;
  private volatile TaskOutcome outcome;

  private CommandTask(Builder b) {
    this.command = b.command;
    this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.inputs));
    this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.outputs));
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.resources = new Resources(b.cores, b.memoryMb, b.diskMb, b.gpus);
    this.category = b.category;
    this.priority = b.priority;
    this.workerChoice = b.workerChoice;
    this.maxRetries = b.maxRetries;
    this.maxWallTime = b.maxWallTime;
    this.tag = b.tag;
    this.call = b.call;
    this.onDone = b.onDone;
  }

  /**
   * Starts building a task.
   *
   * @param command the command line, run by {@code /bin/sh -c} in the task's sandbox
   * @return a builder
   */
  public static Builder builder(String command) {
    return new Builder(command);
  }

  /** The command line. */
  public String command() {
    return command;
  }

  /** Input files and the names they get in the sandbox, in declaration order. */
  public Map<DeclaredFile, String> inputs() {
    return inputs;
  }

  /** Sandbox names of outputs and the files they become, in declaration order. */
  public Map<String, DeclaredFile> outputs() {
    return outputs;
  }

  /** Environment variables added for the command. */
  public Map<String, String> env() {
    return env;
  }

  /**
   * Declared resources; zero amounts are not declared. Declared amounts are given exactly and never
   * changed; the others come from the task's category ({@link Manager#category}), else a share of
   * the worker; a task with nothing from either takes a whole worker.
   */
  public Resources resources() {
    return resources;
  }

  /**
   * The category (default {@code "default"}): tasks of a category share its resource settings and
   * what it learns from their measurements ({@link Manager#category}).
   */
  public String category() {
    return category;
  }

  /** The priority: higher runs first; equal priorities run in submission order. */
  public double priority() {
    return priority;
  }

  /** How its worker is chosen among those with room. */
  public WorkerChoice workerChoice() {
    return workerChoice;
  }

  /** How many times an application failure is retried (default 0). */
  public int maxRetries() {
    return maxRetries;
  }

  /** The longest the command may run, if limited. */
  public Optional<Duration> maxWallTime() {
    return Optional.ofNullable(maxWallTime);
  }

  /** The tag, for {@link Manager#cancelByTag}, if any. */
  public Optional<String> tag() {
    return Optional.ofNullable(tag);
  }

  /** The id {@link Manager#submit} gave this task, or -1 before submission. */
  public long id() {
    return id;
  }

  void assignId(long newId) {
    if (id >= 0) {
      throw new IllegalStateException(
          "task " + id + " was already submitted; build a new CommandTask to run the command again");
    }
    id = newId;
  }

  void finish(TaskOutcome o) {
    outcome = o;
  }

  /** The function call this task runs in a library, or null for a command. */
  FunctionCall call() {
    return call;
  }

  /** Where the finished task goes instead of {@link Manager#await}, or null. */
  Consumer<CommandTask> onDone() {
    return onDone;
  }

  /** The encoded result of a function call that came inline with its completion, or null. */
  byte[] inlineResult() {
    return outcome().inlineResult();
  }

  /** How each call of a batch ended, in order; empty for a single call or a command. */
  java.util.List<io.tendril.protocol.wire.CallResult> callResults() {
    TaskOutcome o = outcome;
    return o == null ? java.util.List.of() : o.callResults();
  }

  /** The size of an output it left on its worker; 0 if not present or not finished. */
  long outputSize(DeclaredFile f) {
    TaskOutcome o = outcome;
    return o == null || f == null ? 0 : o.outputSizes().getOrDefault(f.cacheName(), 0L);
  }

  /** The bytes of the outputs it made (and of its inline result); 0 before it finished. */
  long outputBytes() {
    TaskOutcome o = outcome;
    return o == null ? 0 : o.outputBytes();
  }

  /** The encoded exception of a function call that threw; empty otherwise. */
  byte[] failure() {
    return outcome().failure();
  }

  /** Whether the task is done and its outcome can be read. */
  public boolean isDone() {
    return outcome != null;
  }

  private TaskOutcome outcome() {
    TaskOutcome o = outcome;
    if (o == null) {
      throw new IllegalStateException(
          "task " + id + " has not finished: read its outcome after Manager.await returns it");
    }
    return o;
  }

  /** How the task ended. */
  public ResultCode resultCode() {
    return outcome().resultCode();
  }

  /** The command's exit code (meaningful for {@link ResultCode#SUCCESS} and retries). */
  public int exitCode() {
    return outcome().exitCode();
  }

  /** Whether the command ran and exited 0 with every output in place. */
  public boolean succeeded() {
    TaskOutcome o = outcome();
    return o.resultCode() == ResultCode.SUCCESS && o.exitCode() == 0;
  }

  /** The captured standard output and error (merged), capped. */
  public String stdout() {
    return outcome().stdout();
  }

  /** Whether output beyond the cap was dropped. */
  public boolean stdoutTruncated() {
    return outcome().stdoutTruncated();
  }

  /** A message explaining a failure, or empty. */
  public String message() {
    return outcome().message();
  }

  /** The worker of the last attempt ({@code id@host}), or empty if it never ran. */
  public String worker() {
    return outcome().worker();
  }

  /** How many times the task was sent to a worker. */
  public int attempts() {
    return outcome().attempts();
  }

  /** When the last attempt passed each stage. */
  public Timings timings() {
    return outcome().timings();
  }

  /**
   * What the worker measured of the last attempt: wall and CPU time, peak memory and disk, cores,
   * processes, bytes read and written (see {@link MeasuredResources}); empty if no attempt reached
   * its end on a worker (cancelled before it ran, an input that could not be had).
   */
  public Optional<MeasuredResources> measured() {
    return Optional.ofNullable(outcome().measured());
  }

  /**
   * What the last attempt was given on its worker: the task's declared amounts, its category's
   * for the rest, and a share of the worker for what neither gave (docs/allocation.md); {@link
   * Resources#NONE} if no attempt was dispatched.
   */
  public Resources allocated() {
    return outcome().allocated();
  }

  /**
   * How many attempts exceeded their allocation and were retried with a larger one, by the
   * task's category (these spend none of {@link #maxRetries()}).
   */
  public int exhaustionRetries() {
    return outcome().exhaustionRetries();
  }

  @Override
  public String toString() {
    return "task " + id + " (" + command + ")";
  }

  /** Builds a {@link CommandTask}; every setter validates its argument and names it on error. */
  public static final class Builder {
    private final String command;
    private final Map<DeclaredFile, String> inputs = new LinkedHashMap<>();
    private final Map<String, DeclaredFile> outputs = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private double cores;
    private long memoryMb;
    private long diskMb;
    private int gpus;
    private String category = "default";
    private double priority;
    private WorkerChoice workerChoice = WorkerChoice.FILES;
    private int maxRetries;
    private Duration maxWallTime;
    private String tag;
    private FunctionCall call;
    private Consumer<CommandTask> onDone;

    private Builder(String command) {
      if (command == null || command.isBlank()) {
        throw new IllegalArgumentException("a command task needs a command line, e.g. \"echo hello\"");
      }
      this.command = command;
    }

    /** Places a file in the sandbox under a name (a relative path inside the sandbox). */
    public Builder input(DeclaredFile file, String sandboxName) {
      Objects.requireNonNull(file, "input file is null: declare it with manager.declareFile(...) first");
      requireSandboxName(sandboxName, "input");
      if (inputs.containsValue(sandboxName) || outputs.containsKey(sandboxName)) {
        throw new IllegalArgumentException("sandbox name '" + sandboxName + "' is used twice in this task");
      }
      inputs.put(file, sandboxName);
      return this;
    }

    /** Takes the file the command leaves under a sandbox name as an output. */
    public Builder output(String sandboxName, DeclaredFile file) {
      Objects.requireNonNull(file, "output file is null: declare it with manager.declareFile(...) or declareTemp()");
      requireSandboxName(sandboxName, "output");
      if (file.kind() != DeclaredFile.Kind.LOCAL && file.kind() != DeclaredFile.Kind.TEMP) {
        throw new IllegalArgumentException(
            "output '" + sandboxName + "' must be a local file (declareFile) or a temp (declareTemp), not a "
                + file.kind().name().toLowerCase() + " file");
      }
      if (inputs.containsValue(sandboxName) || outputs.containsKey(sandboxName)) {
        throw new IllegalArgumentException("sandbox name '" + sandboxName + "' is used twice in this task");
      }
      outputs.put(sandboxName, file);
      return this;
    }

    private static void requireSandboxName(String name, String what) {
      if (!Protocol.isSafeSandboxName(name)) {
        throw new IllegalArgumentException(
            what + " name '" + name + "' must be a relative path inside the sandbox (no '..', no leading '/')");
      }
    }

    /** Sets an environment variable for the command. */
    public Builder env(String name, String value) {
      if (name == null || name.isEmpty() || name.contains("=") || value == null) {
        throw new IllegalArgumentException("environment variable '" + name + "' needs a name without '=' and a value");
      }
      env.put(name, value);
      return this;
    }

    /** Cores the task needs (fractions allowed). */
    public Builder cores(double n) {
      if (!(n >= 0)) {
        throw new IllegalArgumentException("cores must be >= 0, got " + n);
      }
      cores = n;
      return this;
    }

    /** Memory the task needs, in MB. */
    public Builder memoryMb(long mb) {
      if (mb < 0) {
        throw new IllegalArgumentException("memoryMb must be >= 0, got " + mb);
      }
      memoryMb = mb;
      return this;
    }

    /** Disk the task needs, in MB. */
    public Builder diskMb(long mb) {
      if (mb < 0) {
        throw new IllegalArgumentException("diskMb must be >= 0, got " + mb);
      }
      diskMb = mb;
      return this;
    }

    /** GPUs the task needs. */
    public Builder gpus(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("gpus must be >= 0, got " + n);
      }
      gpus = n;
      return this;
    }

    /** The category the task belongs to (default {@code "default"}); see {@link Manager#category}. */
    public Builder category(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("category must be a non-empty name");
      }
      category = name;
      return this;
    }

    /** How the worker is chosen among those with room (default {@link WorkerChoice#FILES}). */
    public Builder workerChoice(WorkerChoice choice) {
      workerChoice = Objects.requireNonNull(choice, "workerChoice");
      return this;
    }

    /** Priority: higher runs first. */
    public Builder priority(double p) {
      if (Double.isNaN(p)) {
        throw new IllegalArgumentException("priority must be a number");
      }
      priority = p;
      return this;
    }

    /** How many times to retry after an application failure (non-zero exit, signal, missing output). */
    public Builder maxRetries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, got " + n);
      }
      maxRetries = n;
      return this;
    }

    /** The longest the command may run. */
    public Builder maxWallTime(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("maxWallTime must be a positive duration, got " + d);
      }
      maxWallTime = d;
      return this;
    }

    /** A tag, for {@link Manager#cancelByTag}. */
    public Builder tag(String t) {
      tag = Objects.requireNonNull(t, "tag");
      return this;
    }

    /** Makes the task a function call run in a library; the command is then only its label. */
    Builder call(FunctionCall c) {
      call = Objects.requireNonNull(c, "call");
      return this;
    }

    /** Hands the finished task to a listener (on the manager's loop) instead of {@link Manager#await}. */
    Builder onDone(Consumer<CommandTask> listener) {
      onDone = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The task. */
    public CommandTask build() {
      return new CommandTask(this);
    }
  }
}

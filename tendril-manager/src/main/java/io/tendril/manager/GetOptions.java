package io.tendril.manager;

import io.tendril.manager.resources.ResourcesMode;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * How {@link Manager#get(java.util.Map, Object, GetOptions)} runs a graph on the workers: the
 * resources of each function call, retries, whether results stay on the workers (lazy transfers),
 * the environment the functions run in (classpath, extra files, environment variables), the
 * classes values may have, the order calls run in, how their workers are chosen, and a progress
 * listener.
 *
 * <pre>{@code
 * Object total = manager.get(dsk, "total", GetOptions.defaults()
 *     .cores(1).memoryMb(512)
 *     .retries(2)
 *     .allowPackages("com.example.physics"));
 * }</pre>
 *
 * <p>A plain mutable settings object: each setter returns this. Not thread-safe; {@code get}
 * reads it once at its start.
 */
public final class GetOptions {
  /** Called as tasks finish; on the thread that called {@code get}. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Reports progress.
     *
     * @param done function calls finished so far
     * @param total function calls of this run
     */
    void update(int done, int total);
  }

  private Resources resources = new Resources(1, 0, 0, 0);
  private final Map<String, Resources> functionResources = new LinkedHashMap<>();
  private int retries;
  private boolean lazyTransfers = true;
  private List<Path> environment;
  private final List<Path> extraFiles = new ArrayList<>();
  private final Map<String, String> variables = new TreeMap<>();
  private PriorityMode priorityMode = PriorityMode.LARGEST_INPUT_FIRST;
  private WorkerChoice workerChoice = WorkerChoice.FILES;
  private final Set<String> allowedPackages = new LinkedHashSet<>();
  private Progress progress;
  private int inlineLimit = DEFAULT_INLINE_LIMIT;
  private ResourcesMode resourcesMode;
  private int batchCalls = DEFAULT_BATCH_CALLS;

  /** The most calls one task carries by default. */
  public static final int DEFAULT_BATCH_CALLS = 64;

  /** Results and literals up to this many encoded bytes travel inside messages by default. */
  public static final int DEFAULT_INLINE_LIMIT = 64 * 1024;

  private GetOptions() {}

  /**
   * The defaults: one core per call, no retries, lazy transfers on, the caller's classpath as the
   * environment, values of the codec's standard types only.
   */
  public static GetOptions defaults() {
    return new GetOptions();
  }

  /** Resources of every function call (cores, memory MB, disk MB, GPUs); default 1 core. */
  public GetOptions resources(double cores, long memoryMb, long diskMb, int gpus) {
    resources = checked(cores, memoryMb, diskMb, gpus);
    return this;
  }

  /** Cores of every function call (default 1). */
  public GetOptions cores(double cores) {
    resources = checked(cores, resources.memoryMb(), resources.diskMb(), resources.gpus());
    return this;
  }

  /** Memory of every function call, in MB (default 0: not declared). */
  public GetOptions memoryMb(long mb) {
    resources = checked(resources.cores(), mb, resources.diskMb(), resources.gpus());
    return this;
  }

  /**
   * Resources of the calls of one function, by its name as {@link io.tendril.graph.Fn#functionName()}
   * gives it (e.g. {@code "com.example.Ops::heavy"}); overrides {@link #resources} for them.
   */
  public GetOptions functionResources(String functionName, double cores, long memoryMb, long diskMb, int gpus) {
    functionResources.put(Objects.requireNonNull(functionName, "functionName"), checked(cores, memoryMb, diskMb, gpus));
    return this;
  }

  /**
   * The resources mode of the categories of this run's calls: each function's calls form the
   * category named after the function ({@link io.tendril.graph.Fn#functionName()}), and this sets
   * its mode as {@link Manager#category}{@code (name).mode(mode)} would before its first call is
   * submitted (default: leave each category's mode as it is, {@link ResourcesMode#FIXED} unless
   * configured). The categories record every call's measurements either way ({@link
   * Manager#categories()}). Calls run inside their library and report only wall and CPU time, no
   * memory or disk peaks, so an automatic mode has nothing to learn for memory or disk (those
   * come from the category's maximum, if any, else a share of the worker) and the cores it learns
   * never replace the cores a call declares (1 by default); nothing is enforced on a call, so no
   * call ends in resource exhaustion. See docs/allocation.md.
   */
  public GetOptions resourcesMode(ResourcesMode mode) {
    resourcesMode = Objects.requireNonNull(mode, "resources mode");
    return this;
  }

  /**
   * How many times a call that threw is run again before the run fails (default 0: an exception
   * fails the run at once). Losing a worker never spends a retry.
   */
  public GetOptions retries(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("retries must be >= 0, got " + n);
    }
    retries = n;
    return this;
  }

  /**
   * Whether results stay on the worker that computed them until a consumer elsewhere fetches
   * them from it (default true). With false every result is also brought back to the manager
   * as soon as it is made, so that it survives the loss of its worker without recomputation.
   */
  public GetOptions lazyTransfers(boolean lazy) {
    lazyTransfers = lazy;
    return this;
  }

  /**
   * The classpath the functions run with on the workers: jars and class directories, shipped
   * once to each worker and cached there while unchanged. Default: this JVM's own classpath.
   */
  public GetOptions environment(List<Path> classpath) {
    environment = List.copyOf(classpath);
    return this;
  }

  /**
   * Files or directories placed in the working directory of the libraries that run the calls
   * (which is the functions' current directory), under their own file names: configuration,
   * lookup tables, native libraries. Shipped once to each worker and cached there while unchanged,
   * like the classpath; a different set of files means a different library.
   */
  public GetOptions extraFiles(Path... files) {
    for (Path f : files) {
      Objects.requireNonNull(f, "extra file");
      if (f.getFileName() == null) {
        throw new IllegalArgumentException("extra file '" + f + "' has no file name to place it under");
      }
      extraFiles.add(f);
    }
    return this;
  }

  /**
   * An environment variable of the libraries that run the calls (added to the worker's base
   * environment); a different set of variables means a different library.
   */
  public GetOptions environmentVariable(String name, String value) {
    Objects.requireNonNull(value, "value of environment variable " + name);
    if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0
        || value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("environment variable '" + name + "' cannot be set: a name is not empty "
          + "and holds no '=' or NUL, a value holds no NUL");
    }
    variables.put(name, value);
    return this;
  }

  /** Environment variables of the libraries, as {@link #environmentVariable} one by one. */
  public GetOptions environmentVariables(Map<String, String> vars) {
    vars.forEach(this::environmentVariable);
    return this;
  }

  /** The order ready calls run in when they outnumber the room (default largest input first). */
  public GetOptions priority(PriorityMode mode) {
    priorityMode = Objects.requireNonNull(mode, "priority mode");
    return this;
  }

  /** How each call's worker is chosen among those with room (default {@link WorkerChoice#FILES}). */
  public GetOptions workerChoice(WorkerChoice choice) {
    workerChoice = Objects.requireNonNull(choice, "worker choice");
    return this;
  }

  /**
   * Packages whose classes may travel as arguments and results, beyond the codec's standard types
   * (numbers, strings, arrays, collections, records of those...).
   */
  public GetOptions allowPackages(String... packages) {
    for (String p : packages) {
      if (p == null || p.isBlank()) {
        throw new IllegalArgumentException("a package name must not be empty");
      }
      allowedPackages.add(p);
    }
    return this;
  }

  /**
   * Results (and literals of the graph) of at most this many encoded bytes ride inside the
   * messages: a call's small result comes back in its completion and the manager passes it to
   * the calls that read it and to the caller, with no file transfer (default 64 KiB; 0 for
   * never). Larger results stay files on the workers.
   */
  public GetOptions inlineLimit(int bytes) {
    if (bytes < 0 || bytes > Protocol.MAX_MESSAGE_BYTES / 4) {
      throw new IllegalArgumentException("inlineLimit must be between 0 and " + Protocol.MAX_MESSAGE_BYTES / 4
          + " bytes, got " + bytes);
    }
    inlineLimit = bytes;
    return this;
  }

  /**
   * The most calls of one function a single task may carry (default 64; 1 for one call per task).
   * When more calls are ready than the manager's window of tasks can hold, ready calls of the same
   * function share a task: the library runs them one after the other in one slot, and one
   * dispatch, one library request and one completion serve them all. Each call still has its own
   * result, its own failure and its own place in lineage. Runs with retries never batch (a retry
   * would run the calls that succeeded again).
   */
  public GetOptions batchCalls(int max) {
    if (max < 1 || max > 10_000) {
      throw new IllegalArgumentException("batchCalls must be between 1 and 10000, got " + max);
    }
    batchCalls = max;
    return this;
  }

  /** A listener told of progress as calls finish. */
  public GetOptions progress(Progress listener) {
    progress = Objects.requireNonNull(listener, "listener");
    return this;
  }

  Resources resourcesFor(String functionName) {
    return functionResources.getOrDefault(functionName, resources);
  }

  Optional<ResourcesMode> resourcesMode() {
    return Optional.ofNullable(resourcesMode);
  }

  int retries() {
    return retries;
  }

  boolean lazyTransfers() {
    return lazyTransfers;
  }

  Optional<List<Path>> environment() {
    return Optional.ofNullable(environment);
  }

  List<Path> extraFiles() {
    return Collections.unmodifiableList(extraFiles);
  }

  Map<String, String> environmentVariables() {
    return Collections.unmodifiableMap(variables);
  }

  PriorityMode priorityMode() {
    return priorityMode;
  }

  WorkerChoice workerChoice() {
    return workerChoice;
  }

  Set<String> allowedPackages() {
    return Collections.unmodifiableSet(allowedPackages);
  }

  int batchCalls() {
    return batchCalls;
  }

  int inlineLimit() {
    return inlineLimit;
  }

  Optional<Progress> progress() {
    return Optional.ofNullable(progress);
  }

  private static Resources checked(double cores, long memoryMb, long diskMb, int gpus) {
    if (!(cores > 0) || memoryMb < 0 || diskMb < 0 || gpus < 0) {
      throw new IllegalArgumentException("a function call needs cores > 0 and memory, disk and gpus >= 0; got cores "
          + cores + ", memory " + memoryMb + " MB, disk " + diskMb + " MB, gpus " + gpus);
    }
    return new Resources(cores, memoryMb, diskMb, gpus);
  }
}

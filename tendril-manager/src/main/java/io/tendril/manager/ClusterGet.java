package io.tendril.manager;

import com.google.protobuf.ByteString;
import io.tendril.graph.Fn;
import io.tendril.graph.Keys;
import io.tendril.graph.Task;
import io.tendril.graph.TaskFailedException;
import io.tendril.graph.internal.GraphPlan;
import io.tendril.graph.internal.NestedKeys;
import io.tendril.graph.json.Builtins;
import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import io.tendril.protocol.codec.CodecException;
import io.tendril.protocol.codec.FunctionDescriptors;
import io.tendril.protocol.codec.RemoteFailure;
import io.tendril.protocol.codec.ValueCodec;
import io.tendril.protocol.wire.BatchedCall;
import io.tendril.protocol.wire.CallList;
import io.tendril.protocol.wire.CallResult;
import io.tendril.protocol.wire.CallTask;
import io.tendril.protocol.wire.CallValue;
import io.tendril.protocol.wire.FunctionCall;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.TaskResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of a graph on the workers, for {@link Manager#get}: every task of the graph becomes a
 * function call run in a library on a worker, its result a temp file left on that worker, or, when
 * it is small (at most the inline limit), a value that came back in the call's completion and is
 * forwarded inside the calls that read it (as a buffer file only when a call's inline budget is
 * spent); a call
 * is submitted once the calls it reads have finished; only the requested keys' results are
 * fetched and decoded. Literals travel as small buffers, aliases share their target's file.
 *
 * <p>Pruning: when every reader of a result has finished and the result was not requested, the
 * result is undeclared and the workers delete it. A result lost with its worker while still needed
 * is recomputed by the manager from its producer (lineage), without the run noticing.
 *
 * <p>Calls whose inputs exist wait in a priority queue here and are submitted while fewer than the
 * manager's window are outstanding ({@link Manager#window}), so the manager holds only what it can
 * use and priorities order every ready call.
 *
 * <p>Runs on the caller's thread; completions arrive from the manager's loop through a queue.
 */
final class ClusterGet {
  /** The sandbox name of a call's result. */
  static final String RESULT = "result";

  /** The most bytes of inline values one call carries; beyond it, inputs travel as files. */
  static final int INLINE_BYTES_PER_CALL = Protocol.MAX_MESSAGE_BYTES / 4;

  private final Manager manager;
  private final GetOptions options;
  private final GraphPlan plan;
  private final ValueCodec codec;
  private final FunctionDescriptors functions;
  private final List<DeclaredFile> classpath;
  /** Extra files of the libraries, and their names in the libraries' working directories. */
  private final Map<DeclaredFile, String> extraFiles = new LinkedHashMap<>();
  /** Longest chain of inputs back to a leaf, by entry. */
  private final int[] depth;
  /** Bytes of each entry's result once known (inline or reported by its worker). */
  private final long[] size;
  private final java.util.Random random = new java.util.Random();
  private long readySeq;
  /** Calls whose inputs exist, not yet submitted: highest priority first, then in the order they became ready. */
  private final ReadyCalls pending = new ReadyCalls();

  /** No entries: what a leaf reads and what nothing reads, without copying an empty array. */
  private static final int[] NONE = new int[0];

  /** The fewest calls kept submitted while more are ready, whatever the manager's window. */
  private static final int MIN_WINDOW = 16;
  private final Map<Fn, ByteString> described = new IdentityHashMap<>();
  /** Entries' values and function names, filled in as first needed. */
  private final Object[] values;
  private final String[] functionName;
  private final BlockingQueue<CommandTask> finished = new LinkedBlockingQueue<>();
  private final Map<Long, int[]> entryOfTask = new HashMap<>();
  private final DeclaredFile[] file;
  private final boolean[] ownFile;
  private final boolean[] shared;
  private final int[] waiting;
  private final int[] readersLeft;
  private final boolean[] requested;
  /** Results known on this side (literals, and aliases of them), by entry. */
  private final Object[] local;
  private final boolean[] isLocal;
  /** Encoded results small enough to travel inside messages (call results and literals), by entry. */
  private final byte[][] inline;
  private final Set<DeclaredFile> created = new LinkedHashSet<>();
  /** Function names whose category got the run's resources mode. */
  private final Set<String> categoriesSet = new java.util.HashSet<>();
  private Path resultsDirectory;
  private int calls;
  private int callsDone;
  private int running;
  private long inlineBudget;

  ClusterGet(Manager manager, Environment environment, Map<?, ?> dsk, Object keys, GetOptions options) {
    this.manager = manager;
    this.options = options;
    this.plan = GraphPlan.compile(dsk, keys);
    this.codec = manager.codecs().of(callerLoader(), options.allowedPackages());
    this.functions = FunctionDescriptors.using(codec);
    List<Path> cp = options.environment().orElseGet(Environment::ownClasspath);
    this.classpath = environment.files(cp);
    List<DeclaredFile> extra = environment.files(options.extraFiles(), "extra file",
        "give files or directories that exist");
    for (int i = 0; i < extra.size(); i++) {
      String name = options.extraFiles().get(i).getFileName().toString();
      if (extraFiles.containsValue(name)) {
        throw new IllegalArgumentException("two extra files are named '" + name
            + "': each is placed in the libraries' directory under its own name");
      }
      extraFiles.put(extra.get(i), name);
    }
    int n = dsk.size();
    depth = new int[n];
    values = new Object[n];
    functionName = new String[n];
    size = new long[n];
    file = new DeclaredFile[n];
    ownFile = new boolean[n];
    shared = new boolean[n];
    waiting = new int[n];
    readersLeft = new int[n];
    requested = new boolean[n];
    local = new Object[n];
    isLocal = new boolean[n];
    inline = new byte[n][];
    NestedKeys.map(keys, k -> {
      requested[plan.idOf(k)] = true;
      return k;
    });
  }

  private static ClassLoader callerLoader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : ClusterGet.class.getClassLoader();
  }

  /** Runs the graph and returns the requested results in the requested nesting. */
  Object run() {
    boolean ok = false;
    try {
      int[] order = plan.order();
      for (int id : order) {
        readersLeft[id] = plan.consumers(id);
        waiting[id] = plan.dependencyCount(id);
        for (int dep : waiting[id] == 0 ? NONE : plan.dependencies(id)) {
          depth[id] = Math.max(depth[id], depth[dep] + 1);
        }
      }
      for (int id : order) {
        Object v = value(id);
        if (v instanceof Task || v instanceof List) {
          calls++;
        }
      }
      List<Integer> initiallyReady = new ArrayList<>();
      for (int id : order) {
        if (waiting[id] == 0) {
          initiallyReady.add(id);
        }
      }
      for (int id : initiallyReady) {
        start(id);
      }
      pump();
      while (running > 0) {
        CommandTask t = nextFinished();
        running--;
        int[] ids = entryOfTask.remove(t.id());
        if (t.resultCode() != ResultCode.SUCCESS) {
          throw failure(ids[0], t);
        }
        List<CallResult> results = t.callResults();
        List<DeclaredFile> cameInline = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
          int id = ids[i];
          CallResult c = results.isEmpty() ? null : results.get(i);
          if (c != null && c.getResult() != TaskResult.TASK_RESULT_SUCCESS) {
            throw failure(id, t, c);
          }
          callsDone++;
          inline[id] = c == null ? t.inlineResult() : c.getHasInlineResult() ? c.getInlineResult().toByteArray() : null;
          size[id] = inline[id] != null ? inline[id].length : t.outputSize(file[id]);
          if (inline[id] != null) {
            // The result came back in the completion and is on no worker: its file is not needed.
            // (Dropped below, in one turn of the manager's loop for the whole task; until then it
            // stays in created, so that a failure further in the batch still undeclares it.)
            cameInline.add(file[id]);
            file[id] = null;
          }
        }
        if (!cameInline.isEmpty()) {
          manager.dropInlineResults(cameInline);
          cameInline.forEach(created::remove);
        }
        for (int id : ids) {
          done(id);
        }
        options.progress().ifPresent(p -> p.update(callsDone, calls));
        pump();
      }
      Object[] results = new Object[file.length];
      for (int id = 0; id < file.length; id++) {
        if (requested[id]) {
          results[id] = decode(id);
        }
      }
      ok = true;
      return plan.fill(results);
    } finally {
      if (!ok) {
        for (long taskId : entryOfTask.keySet()) {
          manager.cancel(taskId);
        }
      }
      for (DeclaredFile f : created) {
        manager.undeclare(f);
      }
      if (resultsDirectory != null) {
        deleteTree(resultsDirectory);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: the run directory keeps what could not be deleted.
    }
  }

  private CommandTask nextFinished() {
    try {
      CommandTask t;
      while ((t = finished.poll(1, TimeUnit.SECONDS)) == null) {
        manager.requireOpen();
      }
      return t;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the graph's results", e);
    }
  }

  /**
   * Makes the results of ready entries available, and then of the entries that become ready in
   * turn: buffers and aliases at once, calls by submitting them. Iterative, so that a chain of a
   * million aliases is no deeper a recursion than one.
   */
  private void start(int first) {
    ArrayDeque<Integer> todo = new ArrayDeque<>();
    todo.push(first);
    while (!todo.isEmpty()) {
      int id = todo.pop();
      Object v = value(id);
      int target = plan.idOf(v);
      if (target >= 0 && target != id) {
        file[id] = file[target];
        size[id] = size[target];
        local[id] = local[target];
        isLocal[id] = isLocal[target];
        inline[id] = inline[target];
        shared[target] = true;
        finishedEntry(id, todo);
      } else if (v instanceof Task || v instanceof List) {
        long seq = ++readySeq;
        pending.add(id, priority(id, seq));
      } else {
        local[id] = v;
        isLocal[id] = true;
        if (plan.dependentCount(id) > 0) {
          byte[] encoded = encodeLiteral(plan.key(id), v);
          size[id] = encoded.length;
          if (encoded.length <= options.inlineLimit()) {
            inline[id] = encoded;
          } else {
            file[id] = manager.declareBuffer(encoded, CacheLevel.WORKFLOW);
            ownFile[id] = true;
            created.add(file[id]);
          }
        }
        finishedEntry(id, todo);
      }
    }
  }

  /** A call finished: start what waited only for it. */
  private void done(int id) {
    ArrayDeque<Integer> todo = new ArrayDeque<>();
    finishedEntry(id, todo);
    while (!todo.isEmpty()) {
      start(todo.pop());
    }
  }

  /** An entry's result exists: queue the entries that waited only for it, prune its inputs. */
  private void finishedEntry(int id, ArrayDeque<Integer> todo) {
    for (int d : plan.dependentCount(id) == 0 ? NONE : plan.dependents(id)) {
      if (--waiting[d] == 0) {
        todo.push(d);
      }
    }
    for (int dep : plan.dependencyCount(id) == 0 ? NONE : plan.dependencies(id)) {
      if (--readersLeft[dep] == 0 && !requested[dep] && ownFile[dep] && !shared[dep] && file[dep] != null) {
        // Deleted from the workers; the manager keeps its lineage until the run ends, in case a
        // result made from it is lost and must be made again.
        manager.prune(file[dep]);
      }
    }
  }

  /**
   * Submits ready calls, highest priority first, while fewer than the manager's window are
   * outstanding: the manager is fed as it goes (a 100,000-call wide graph starts at once, holds
   * only a window of tasks in the manager, and priorities order every ready call, not just the
   * window).
   */
  private void pump() {
    int window = Math.max(MIN_WINDOW, manager.window());
    while (running < window && !pending.isEmpty()) {
      double priority = pending.topPriority();
      // Calls beyond what the window can hold at once share tasks: each task then carries a
      // batch, run one call after the other in a library slot, saving a dispatch, a completion and
      // a library round trip per call. A lone call, or a run with retries, goes alone.
      int batch = Math.max(1, Math.min(options.batchCalls(), pending.size() / Math.max(1, window - running)));
      int[] group = new int[batch];
      group[0] = pending.poll();
      int n = 1;
      String fn = functionOf(group[0]);
      while (n < batch && !pending.isEmpty() && options.retries() == 0 && functionOf(pending.peek()).equals(fn)) {
        group[n++] = pending.poll();
      }
      submit(n == batch ? group : java.util.Arrays.copyOf(group, n), priority);
    }
  }

  /** The name of an entry's function ("list" for a list), worked out once per entry. */
  private String functionOf(int id) {
    String f = functionName[id];
    if (f == null) {
      f = value(id) instanceof Task t ? t.fn().functionName() : "list";
      functionName[id] = f;
    }
    return f;
  }

  /** An entry's value in the graph, looked up once per entry (a lookup hashes the key). */
  private Object value(int id) {
    Object v = values[id];
    if (v == null) {
      v = plan.value(id);
      values[id] = v;
    }
    return v;
  }

  /** Submits one call, or a batch of calls of one function, as one task. */
  private void submit(int[] group, double priority) {
    Map<DeclaredFile, String> inputs = new LinkedHashMap<>();
    inlineBudget = INLINE_BYTES_PER_CALL;
    boolean batch = group.length > 1;
    String function = functionOf(group[0]);
    FunctionCall.Builder call = FunctionCall.newBuilder()
        .addAllAllowedPackages(options.allowedPackages()).setInlineLimit(options.inlineLimit());
    if (options.resourcesMode().isPresent() && categoriesSet.add(function)) {
      manager.category(function).mode(options.resourcesMode().get());
    }
    Resources r = options.resourcesFor(function);
    int first = group[0];
    CommandTask.Builder b = CommandTask.builder(batch
            ? "call " + function + " for " + group.length + " keys from " + Keys.repr(plan.key(first))
            : "call " + function + " for " + Keys.repr(plan.key(first)))
        .cores(r.cores()).memoryMb(r.memoryMb()).diskMb(r.diskMb()).gpus(r.gpus())
        .category(function)
        .priority(priority)
        .workerChoice(options.workerChoice())
        .maxRetries(options.retries())
        .onDone(finished::add);
    int[] ids = group;
    for (int k = 0; k < group.length; k++) {
      int id = group[k];
      Object value = value(id);
      Task t = value instanceof Task task ? task
          : Task.ofFunction(Builtins.find("identity").orElseThrow(), List.of(value));
      CallTask encoded = encodeTask(id, t, inputs);
      DeclaredFile out = options.lazyTransfers()
          ? manager.declareCallResult()
          : manager.declareFile(resultsDirectory().resolve("r" + id), CacheLevel.WORKFLOW);
      file[id] = out;
      ownFile[id] = true;
      created.add(out);
      String resultName = batch ? RESULT + "/" + k : RESULT;
      if (batch) {
        call.addBatch(BatchedCall.newBuilder().setTask(encoded).setResultName(resultName));
      } else {
        call.setTask(encoded).setResultName(resultName);
      }
      b.output(resultName, out);
    }
    int i = 0;
    for (DeclaredFile env : classpath) {
      call.addClasspath(env.cacheName());
      b.input(env, "env/" + (i++));
    }
    for (Map.Entry<DeclaredFile, String> f : extraFiles.entrySet()) {
      call.addFiles(Mount.newBuilder().setCacheName(f.getKey().cacheName()).setSandboxName(f.getValue()));
      b.input(f.getKey(), "lib/" + (i++));
    }
    call.putAllEnv(options.environmentVariables());
    for (Map.Entry<DeclaredFile, String> in : inputs.entrySet()) {
      b.input(in.getKey(), in.getValue());
    }
    entryOfTask.put(manager.submit(b.call(call.build()).build()), ids);
    running++;
  }

  /**
   * The priority of a call that became ready, by the run's {@link PriorityMode}: higher runs first.
   *
   * @param seq the order in which it became ready
   */
  private double priority(int id, long seq) {
    return switch (options.priorityMode()) {
      case LARGEST_INPUT_FIRST -> {
        long bytes = 0;
        for (int dep : plan.dependencies(id)) {
          bytes += size[dep];
        }
        yield bytes;
      }
      case DEPTH_FIRST -> depth[id];
      case BREADTH_FIRST -> -depth[id];
      case FIFO -> -seq;
      case LIFO -> seq;
      case RANDOM -> random.nextDouble();
    };
  }

  /** Where results come back to with lazy transfers off, made on first use. */
  private Path resultsDirectory() {
    if (resultsDirectory == null) {
      try {
        resultsDirectory = Files.createTempDirectory(manager.runDirectory(), "get-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a directory for results in " + manager.runDirectory(), e);
      }
    }
    return resultsDirectory;
  }

  private CallTask encodeTask(int id, Task t, Map<DeclaredFile, String> inputs) {
    // An entry that reads no entry has no argument that is a key: no key lookup per argument.
    return encodeTask(id, t, inputs, plan.dependencyCount(id) > 0);
  }

  private CallTask encodeTask(int id, Task t, Map<DeclaredFile, String> inputs, boolean readsKeys) {
    CallTask.Builder b = CallTask.newBuilder().setFunction(describe(id, t.fn()));
    for (int i = 0; i < t.argCount(); i++) {
      b.addArgs(encodeValue(id, t.arg(i), inputs, readsKeys));
    }
    return b.build();
  }

  private CallValue encodeValue(int id, Object v, Map<DeclaredFile, String> inputs, boolean readsKeys) {
    if (v instanceof Task t) {
      return CallValue.newBuilder().setTask(encodeTask(id, t, inputs, readsKeys)).build();
    }
    if (v instanceof List<?> list) {
      CallList.Builder l = CallList.newBuilder();
      for (Object e : list) {
        l.addItems(encodeValue(id, e, inputs, readsKeys));
      }
      return CallValue.newBuilder().setList(l).build();
    }
    int dep = readsKeys ? plan.idOf(v) : -1;
    if (dep >= 0) {
      byte[] small = inline[dep];
      if (small != null && small.length <= inlineBudget) {
        inlineBudget -= small.length;
        return CallValue.newBuilder().setLiteral(ByteString.copyFrom(small)).build();
      }
      String name = inputs.computeIfAbsent(fileOf(dep), f -> "in/" + inputs.size());
      return CallValue.newBuilder().setInput(name).build();
    }
    return CallValue.newBuilder().setLiteral(ByteString.copyFrom(encodeLiteral(plan.key(id), v))).build();
  }

  /** The file of an entry's result, declaring a buffer for an inline literal that has none. */
  private DeclaredFile fileOf(int id) {
    if (file[id] == null) {
      file[id] = manager.declareBuffer(inline[id], CacheLevel.WORKFLOW);
      ownFile[id] = true;
      created.add(file[id]);
    }
    return file[id];
  }

  private ByteString describe(int id, Fn fn) {
    ByteString d = described.get(fn);
    if (d == null) {
      try {
        d = ByteString.copyFrom(FunctionDescriptors.encode(functions.describe(fn)));
      } catch (RuntimeException e) {
        throw new TaskFailedException(plan.key(id), "cannot send the function of key " + Keys.repr(plan.key(id))
            + " to the workers: " + e.getMessage(), e);
      }
      described.put(fn, d);
    }
    return d;
  }

  private byte[] encodeLiteral(Object key, Object v) {
    try {
      return codec.encode(v);
    } catch (CodecException e) {
      throw new TaskFailedException(key, "cannot send a value of key " + Keys.repr(key) + " to the workers: "
          + e.getMessage() + " (GetOptions.allowPackages lets more classes travel)", e);
    }
  }

  private Object decode(int id) {
    if (isLocal[id]) {
      return local[id];
    }
    byte[] bytes = inline[id] != null ? inline[id] : manager.fetchFile(file[id]);
    try {
      return codec.decode(bytes);
    } catch (CodecException e) {
      throw new TaskFailedException(plan.key(id), "cannot decode the result of key " + Keys.repr(plan.key(id))
          + ": " + e.getMessage(), e);
    }
  }

  /** The failure of one call of a batch. */
  private TaskFailedException failure(int id, CommandTask t, CallResult c) {
    return failure(id, t.worker(), c.getFailure().toByteArray(), c.getResult().name().replace("TASK_RESULT_", ""),
        c.getMessage());
  }

  /** The failure of a task (a single call, or a batch that did not run). */
  private TaskFailedException failure(int id, CommandTask t) {
    return failure(id, t.worker(), t.failure(), t.resultCode().toString(), t.message());
  }

  /**
   * A call's failure: its remote exception when there is one (encoded by RemoteFailure), else its
   * result code and message.
   */
  private TaskFailedException failure(int id, String worker, byte[] failure, String result, String message) {
    Object key = plan.key(id);
    if (failure.length > 0) {
      RemoteTaskException cause;
      try {
        cause = RemoteTaskException.of(RemoteFailure.decode(failure));
      } catch (CodecException e) {
        return new TaskFailedException(key, "key " + Keys.repr(key) + " failed and its exception could not be read: "
            + e.getMessage(), e);
      }
      return new TaskFailedException(key, "key " + Keys.repr(key) + " failed on worker " + worker + ": "
          + cause.getMessage(), cause);
    }
    return new TaskFailedException(key, "key " + Keys.repr(key) + " failed (" + result + ")"
        + (message.isEmpty() ? "" : ": " + message), null);
  }

}

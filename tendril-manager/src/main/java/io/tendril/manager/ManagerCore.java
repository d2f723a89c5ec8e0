package io.tendril.manager;

import io.tendril.manager.resources.CategorySpec;
import io.tendril.manager.resources.ResourceKind;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.HeartbeatAck;
import io.tendril.protocol.wire.Hello;
import io.tendril.protocol.wire.KillTask;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.OutputFile;
import io.tendril.protocol.wire.OutputSpec;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.Unlink;
import io.tendril.protocol.wire.Welcome;
import io.tendril.protocol.wire.WorkerMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.function.UnaryOperator;

/**
 * All scheduling state of a manager and the handlers that change it: tasks and their lifecycle,
 * connected workers, declared files and their replicas, and the scheduling pass. Everything here
 * runs on the manager's {@link EventLoop}; nothing is locked. {@link Manager} posts user calls,
 * {@link WorkerEndpoint} posts worker messages, {@link OutputRetriever} posts finished retrievals.
 *
 * <p>State (all loop-confined): {@code active} tasks by id (not yet returned); {@code ready}, a
 * priority queue of tasks whose inputs can all be had; {@code waitingOn}, tasks waiting for a temp
 * file to exist, by its cache name; {@code consumers}, active tasks by input cache name (to know
 * whether a lost temp is still needed); {@code workers} by id, with {@code withRoom} and {@code
 * idle} subsets for dispatch; {@code files} by cache name; {@code categories}, what each category
 * learned and the ready tasks it holds back at its maxConcurrent ({@link Categories}); whether a
 * worker's disk is full, on its entry, kept by {@link WorkerDisks}.
 */
final class ManagerCore {
  private static final byte[] NO_BYTES = new byte[0];
  final Knobs knobs = new Knobs();
  final TransactionLog log;
  final Categories categories;
  final Staging staging = new Staging(this);
  final TempReplicator replicator = new TempReplicator(this);
  private final WorkerDisks disks;
  private final String name;
  private final BlockingQueue<CommandTask> completed;
  private final OutputRetriever retriever;
  private final Map<Long, TaskEntry> active = new HashMap<>();
  private final PriorityQueue<TaskEntry> ready = new PriorityQueue<>();
  private final Map<String, List<TaskEntry>> waitingOn = new HashMap<>();
  private final Map<String, Set<TaskEntry>> consumers = new HashMap<>();
  final Map<String, WorkerEntry> workers = new LinkedHashMap<>();
  private final Set<WorkerEntry> withRoom = new LinkedHashSet<>();
  /** For {@link WorkerChoice#RANDOM}. */
  private final java.util.Random random = new java.util.Random();
  final Map<String, FileEntry> files = new HashMap<>();
  private final Map<WorkerEntry, String> managerAddresses = new HashMap<>();
  /** URLs whose last fetch failed, with the error: an input the user must fix. */
  private final Map<String, String> failedUrls = new HashMap<>();
  private long seq;
  /** Cores of the connected workers (at least one each), kept as workers come and go. */
  private double connectedCores;
  private final java.util.function.LongSupplier ids;
  /** Tokens for the transfers this manager orders; none without a password. */
  final io.tendril.protocol.auth.TransferTokens tokens;
  /** The SHA-256 fingerprint of the manager's TLS certificate, passed to workers fetching from it; empty without TLS. */
  final String tlsFingerprint;

  long tasksSubmitted;
  long tasksDone;
  long tasksRequeued;
  long workersJoined;
  long workersLost;
  long bytesReceivedByManager;
  long peerTransfers;
  /** Bytes of function-call results that came back inside completions. */
  long inlineBytesReceived;
  long peerBytes;
  long managerTransfers;
  long urlTransfers;
  long transferFailures;
  long tempsRecovered;
  /** Sends each worker's messages of one loop turn together; flushed after every turn. */
  final SendBatcher sends = new SendBatcher();
  volatile int hungry;
  /**
   * How many tasks a submitter that feeds the manager as it goes (a graph run) keeps outstanding:
   * the ready tasks hungry() asks for, plus one running and the prefetched ones per connected core.
   */
  volatile int window;

  ManagerCore(String name, TransactionLog log, BlockingQueue<CommandTask> completed,
      OutputRetriever retriever, java.util.function.LongSupplier ids, io.tendril.protocol.auth.TransferTokens tokens,
      String tlsFingerprint) {
    this.name = name;
    this.tokens = tokens;
    this.tlsFingerprint = tlsFingerprint;
    this.log = log;
    this.categories = new Categories(log);
    this.disks = new WorkerDisks(log);
    this.completed = completed;
    this.retriever = retriever;
    this.ids = ids;
    hungry = (int) knobs.get("hungry-minimum");
    window = hungry;
  }

  // ------------------------------------------------------------------ files

  FileEntry fileEntry(DeclaredFile d) {
    return files.computeIfAbsent(d.cacheName(), k -> new FileEntry(d));
  }

  void declare(DeclaredFile d) {
    fileEntry(d);
    log.event("cache", "event", "declare", "file", d.cacheName(), "kind", d.kind(), "level", d.cacheLevel());
  }

  void undeclare(DeclaredFile d) {
    FileEntry f = files.remove(d.cacheName());
    if (f == null) {
      return;
    }
    for (WorkerEntry w : f.replicas) {
      w.cached.remove(d.cacheName());
      w.send(ManagerMessage.newBuilder().setUnlink(Unlink.newBuilder().setCacheName(d.cacheName())).build());
    }
    replicator.forget(f);
    log.event("cache", "event", "undeclare", "file", d.cacheName());
  }

  /**
   * Forgets temps that were never made (call results that came back inline): entries with no
   * replica are removed; one that has replicas after all (a recovery stored it) is undeclared.
   */
  void dropUnmade(List<DeclaredFile> unmade) {
    for (DeclaredFile d : unmade) {
      FileEntry f = files.get(d.cacheName());
      if (f == null) {
        continue;
      }
      if (!f.replicas.isEmpty()) {
        undeclare(d);
      } else {
        files.remove(d.cacheName());
        replicator.forget(f);
      }
    }
  }

  /**
   * Deletes a temp from the workers that hold it but keeps its entry and producer, so that it can
   * be made again should a recovery need it (a lost result whose producer reads it). A file
   * without a producer is undeclared.
   */
  void prune(DeclaredFile d) {
    FileEntry f = files.get(d.cacheName());
    if (f == null) {
      return;
    }
    if (f.producer == null) {
      undeclare(d);
      return;
    }
    for (WorkerEntry w : f.replicas) {
      w.cached.remove(d.cacheName());
      w.send(ManagerMessage.newBuilder().setUnlink(Unlink.newBuilder().setCacheName(d.cacheName())).build());
    }
    f.replicas.clear();
    replicator.forget(f);
    log.event("cache", "event", "prune", "file", d.cacheName());
  }

  String managerAddressFor(WorkerEntry w) {
    return managerAddresses.get(w);
  }

  // ------------------------------------------------------------------ tasks

  void submit(CommandTask spec) {
    TaskEntry t = new TaskEntry(spec.id(), ++seq, spec, false);
    tasksSubmitted++;
    admit(t);
  }

  private void admit(TaskEntry t) {
    active.put(t.id, t);
    for (DeclaredFile out : t.spec.outputs().values()) {
      FileEntry f = fileEntry(out);
      if (out.kind() == DeclaredFile.Kind.TEMP) {
        f.producer = t;
        f.notMade = null;
      }
    }
    for (DeclaredFile in : t.spec.inputs().keySet()) {
      fileEntry(in);
      consumers.computeIfAbsent(in.cacheName(), k -> new LinkedHashSet<>()).add(t);
    }
    log.event("task", "id", t.id, "state", TaskState.SUBMITTED, "command", t.spec.command(),
        "category", t.spec.category(), "recovery", t.recovery ? Boolean.TRUE : null);
    readyOrWait(t);
  }

  private void readyOrWait(TaskEntry t) {
    List<FileEntry> missing = missingTemps(t);
    if (missing.isEmpty()) {
      setState(t, TaskState.READY);
      ready.add(t);
      return;
    }
    for (FileEntry f : missing) {
      if (f.notMade != null) {
        // Waiting would be forever: the temp's producer ended without making it.
        complete(t, ResultCode.INPUT_MISSING, 0, "", false, notMadeMessage(f));
        return;
      }
    }
    setState(t, TaskState.WAITING_INPUTS);
    for (FileEntry f : missing) {
      List<TaskEntry> waiters = waitingOn.computeIfAbsent(f.cacheName(), k -> new ArrayList<>());
      if (!waiters.contains(t)) {
        waiters.add(t);
      }
      if (f.producer != null && f.producer.state == TaskState.DONE) {
        recover(f);
      }
    }
  }

  private List<FileEntry> missingTemps(TaskEntry t) {
    List<FileEntry> missing = new ArrayList<>(0);
    for (DeclaredFile in : t.spec.inputs().keySet()) {
      if (in.kind() == DeclaredFile.Kind.TEMP) {
        FileEntry f = fileEntry(in);
        if (f.replicas.isEmpty()) {
          missing.add(f);
        }
      }
    }
    return missing;
  }

  private void setState(TaskEntry t, TaskState s) {
    t.state = s;
    log.event("task", "id", t.id, "state", s, "worker", t.worker == null ? null : t.worker.label());
  }

  void cancel(long id) {
    TaskEntry t = active.get(id);
    if (t != null && !t.recovery) {
      cancelEntry(t);
    }
  }

  void cancelByTag(String tag) {
    for (TaskEntry t : new ArrayList<>(active.values())) {
      if (!t.recovery && t.spec.tag().map(tag::equals).orElse(false)) {
        cancelEntry(t);
      }
    }
  }

  private void cancelEntry(TaskEntry t) {
    if (t.worker != null && (t.state == TaskState.DISPATCHED || t.state == TaskState.RUNNING)) {
      t.worker.send(ManagerMessage.newBuilder().setKillTask(KillTask.newBuilder().setTaskId(t.id)).build());
      t.worker.tasks.remove(t);
      release(t, t.worker);
    } else if (t.worker != null) {
      // Its outputs were coming back; what it held was given back when it finished.
      t.worker.retrieving.remove(t);
    }
    ready.remove(t);
    complete(t, ResultCode.CANCELLED, 0, "", false, "cancelled");
  }

  // ------------------------------------------------------------------ scheduling

  /** The scheduling pass: dispatches ready tasks, best-placed first, while workers have room. */
  void schedule() {
    updateHungry();
    if (ready.isEmpty() || withRoom.isEmpty()) {
      log.flush();
      return;
    }
    int scanLimit = (int) knobs.get("dispatch-scan-limit");
    List<TaskEntry> skipped = new ArrayList<>();
    while (!ready.isEmpty() && skipped.size() < scanLimit && !withRoom.isEmpty()) {
      TaskEntry t = ready.poll();
      if (t.state != TaskState.READY) {
        continue;
      }
      if (!missingTemps(t).isEmpty()) {
        readyOrWait(t);
        continue;
      }
      if (!categories.admitOrHold(t)) {
        continue; // back in the ready queue when a task of its category ends
      }
      t.request = categories.request(t);
      WorkerEntry w = chooseWorker(t);
      if (w == null || !staging.canStage(t, w)) {
        skipped.add(t);
        continue;
      }
      dispatch(t, w);
    }
    ready.addAll(skipped);
    updateHungry();
    log.flush();
  }

  private void updateHungry() {
    // Computed in double and bounded, so that a worker claiming absurd resources cannot overflow them.
    double want = Math.min(MAX_WANTED, Math.max(knobs.get("hungry-minimum"), connectedCores * knobs.get("hungry-factor")));
    hungry = (int) Math.max(0, want - ready.size());
    window = (int) Math.min(MAX_WANTED, want + Math.ceil(connectedCores
        * (1 + Math.max(knobs.get("worker-prefetch"), knobs.get("call-prefetch")))));
  }

  /** The most tasks hungry() and the window ever ask for. */
  private static final double MAX_WANTED = 1 << 24;

  /**
   * Sums the cores of the connected workers (at least one each) again from scratch, rather than
   * adding and subtracting as they come and go, which a huge number would spoil for good.
   */
  private void recountCores() {
    double sum = 0;
    for (WorkerEntry w : workers.values()) {
      sum += Math.max(1, w.total.cores());
    }
    connectedCores = sum;
  }

  /**
   * The worker holding the most bytes of the task's inputs among those with room for it; else any
   * with room; else, for throughput, a busy worker that may take one more task ahead of room.
   */
  private WorkerEntry chooseWorker(TaskEntry t) {
    WorkerChoice choice = t.spec.workerChoice();
    if (choice != WorkerChoice.FILES) {
      WorkerEntry w = choice == WorkerChoice.WORST_FIT ? worstFit(t) : randomFit(t);
      if (w != null) {
        return w;
      }
    }
    Map<WorkerEntry, Long> bytes = null;
    for (DeclaredFile in : choice == WorkerChoice.FILES ? t.spec.inputs().keySet() : Set.<DeclaredFile>of()) {
      FileEntry f = files.get(in.cacheName());
      if (f == null || f.replicas.isEmpty()) {
        continue;
      }
      if (bytes == null) {
        bytes = new HashMap<>();
      }
      for (WorkerEntry r : f.replicas) {
        bytes.merge(r, Math.max(1, f.size), Long::sum);
      }
    }
    for (boolean ahead : new boolean[] {false, true}) {
      WorkerEntry best = null;
      long bestBytes = -1;
      if (bytes != null) {
        for (Map.Entry<WorkerEntry, Long> e : bytes.entrySet()) {
          WorkerEntry w = e.getKey();
          if (e.getValue() > bestBytes && !w.gone && fits(t, w, ahead)) {
            best = w;
            bestBytes = e.getValue();
          }
        }
      }
      if (best != null) {
        return best;
      }
      for (WorkerEntry w : withRoom) {
        if (fits(t, w, ahead)) {
          return w;
        }
      }
    }
    return null;
  }

  private WorkerEntry worstFit(TaskEntry t) {
    return worstFit(t, withRoom);
  }

  /**
   * Among workers, the one with room for the task now that has the most free cores, then memory,
   * then disk; null if none has room.
   */
  static WorkerEntry worstFit(TaskEntry t, Iterable<WorkerEntry> workers) {
    WorkerEntry best = null;
    for (WorkerEntry w : workers) {
      if (!w.gone && fitsNow(t, w) && (best == null || roomier(w.free(), best.free()))) {
        best = w;
      }
    }
    return best;
  }

  private static boolean roomier(Resources a, Resources b) {
    if (a.cores() != b.cores()) {
      return a.cores() > b.cores();
    }
    if (a.memoryMb() != b.memoryMb()) {
      return a.memoryMb() > b.memoryMb();
    }
    return a.diskMb() > b.diskMb();
  }

  /** A worker with room for the task, each equally likely (reservoir sampling over those with room). */
  private WorkerEntry randomFit(TaskEntry t) {
    WorkerEntry chosen = null;
    int seen = 0;
    for (WorkerEntry w : withRoom) {
      if (!w.gone && fitsNow(t, w) && random.nextInt(++seen) == 0) {
        chosen = w;
      }
    }
    return chosen;
  }

  /**
   * Whether a worker has room for a task now: idle for a task requesting nothing, else free room;
   * and a disk with room if the task needs disk.
   */
  static boolean fitsNow(TaskEntry t, WorkerEntry w) {
    if (WorkerDisks.refuses(w, t)) {
      return false;
    }
    return t.request.request().isNone() ? w.idle() : allocation(t, w).fitsIn(w.free());
  }

  private boolean fits(TaskEntry t, WorkerEntry w, boolean ahead) {
    if (!ahead) {
      return fitsNow(t, w);
    }
    // A task requesting nothing wants a whole worker: never queue it behind another.
    return !t.request.request().isNone() && !WorkerDisks.refuses(w, t) && w.prefetched < prefetchLimit(t, w)
        && allocation(t, w).fitsIn(w.total);
  }

  /** How many tasks may wait on a worker ahead of room: function calls, short and cheap to queue, more. */
  private int prefetchLimit(TaskEntry t, WorkerEntry w) {
    double perCore = knobs.get(t.spec.call() != null ? "call-prefetch" : "worker-prefetch");
    return (int) Math.floor(perCore * Math.max(1, Math.floor(w.total.cores())));
  }

  /**
   * TaskVine's allocation rule applied to the task's request (what it declared, filled in by its
   * category): nothing requested takes the whole worker; otherwise the requested amounts, and for
   * each one left out the same share of the worker as the largest requested share, rounded up to
   * {@code 1/n} so that a whole number of such tasks fills the worker (unless the task declared
   * memory or disk itself; cores rounded up to whole cores), GPUs only when asked.
   */
  static Resources allocation(TaskEntry t, WorkerEntry w) {
    Resources d = t.request.request();
    Resources total = w.total;
    if (d.isNone()) {
      return total;
    }
    double share = 0;
    if (d.cores() > 0 && total.cores() > 0) {
      share = Math.max(share, d.cores() / total.cores());
    }
    if (d.memoryMb() > 0 && total.memoryMb() > 0) {
      share = Math.max(share, (double) d.memoryMb() / total.memoryMb());
    }
    if (d.diskMb() > 0 && total.diskMb() > 0) {
      share = Math.max(share, (double) d.diskMb() / total.diskMb());
    }
    if (d.gpus() > 0 && total.gpus() > 0) {
      share = Math.max(share, (double) d.gpus() / total.gpus());
    }
    share = Math.min(1, share);
    Resources own = t.spec.resources();
    if (share > 0 && share < 1 && own.memoryMb() <= 0 && own.diskMb() <= 0) {
      // Rounded up so that a whole number of such tasks fills the worker.
      share = 1.0 / Math.floor(1.0 / share + 1e-9);
    }
    double cores = d.cores() > 0 ? d.cores() : Math.max(1, Math.ceil(share * total.cores() - 1e-9));
    long memory = d.memoryMb() > 0 ? d.memoryMb() : (long) Math.floor(share * total.memoryMb());
    long disk = d.diskMb() > 0 ? d.diskMb() : (long) Math.floor(share * total.diskMb());
    return new Resources(Math.min(cores, Math.max(cores, 0)), memory, disk, d.gpus());
  }

  /** Gives back what a task held on a worker. */
  private void release(TaskEntry t, WorkerEntry w) {
    categories.ended(t, ready);
    w.committed = w.committed.minus(t.allocation);
    if (t.prefetched) {
      t.prefetched = false;
      w.prefetched--;
    } else if (w.prefetched > 0) {
      // The room this task leaves goes to a task queued ahead on the worker, which starts now.
      for (TaskEntry q : w.tasks) {
        if (q.prefetched) {
          q.prefetched = false;
          w.prefetched--;
          break;
        }
      }
    }
    if (w.tasks.isEmpty()) {
      w.committed = Resources.NONE;
    }
    updateRoom(w);
  }

  private void updateRoom(WorkerEntry w) {
    Resources free = w.free();
    int ahead = (int) Math.floor(Math.max(knobs.get("worker-prefetch"), knobs.get("call-prefetch"))
        * Math.max(1, Math.floor(w.total.cores())));
    if (!w.gone && (w.idle() || free.cores() > 1e-9 || w.prefetched < ahead)) {
      withRoom.add(w);
    } else {
      withRoom.remove(w);
    }
  }

  private void dispatch(TaskEntry t, WorkerEntry w) {
    Resources alloc = allocation(t, w);
    t.prefetched = !(t.request.request().isNone() ? w.idle() : alloc.fitsIn(w.free()));
    if (t.prefetched) {
      w.prefetched++;
    }
    w.committed = w.committed.plus(alloc);
    w.tasks.add(t);
    updateRoom(w);
    categories.started(t);
    t.worker = w;
    t.allocation = alloc;
    t.attempts++;
    t.dispatched = Instant.now();
    t.started = null;
    t.ended = null;
    t.finished = null;
    RunTask.Builder run = RunTask.newBuilder()
        .setTaskId(t.id);
    if (t.spec.call() != null) {
      // A recovery run exists to remake a lost file: its result must be stored, never inline.
      run.setCall(t.recovery ? t.spec.call().toBuilder().setInlineLimit(0).build() : t.spec.call());
    } else {
      run.setCommand(t.spec.command());
    }
    run
        .putAllEnv(t.spec.env())
        .setResources(alloc.toWire())
        .setCategory(t.spec.category())
        .setStdoutLimit((long) knobs.get("stdout-limit"));
    t.spec.maxWallTime().ifPresent(d -> run.setMaxWallTimeMs(d.toMillis()));
    for (Map.Entry<DeclaredFile, String> in : t.spec.inputs().entrySet()) {
      staging.stage(fileEntry(in.getKey()), w);
      run.addInputs(Mount.newBuilder().setCacheName(in.getKey().cacheName()).setSandboxName(in.getValue()));
    }
    for (Map.Entry<String, DeclaredFile> out : t.spec.outputs().entrySet()) {
      run.addOutputs(OutputSpec.newBuilder().setSandboxName(out.getKey())
          .setCacheName(out.getValue().cacheName()).setLevel(out.getValue().cacheLevel().toWire()));
    }
    w.send(ManagerMessage.newBuilder().setRunTask(run).build());
    t.state = TaskState.DISPATCHED;
    log.event("task", "id", t.id, "state", TaskState.DISPATCHED, "worker", w.label(), "attempt", t.attempts,
        "cores", alloc.cores(), "memory_mb", alloc.memoryMb(), "disk_mb", alloc.diskMb(), "gpus", alloc.gpus(),
        "step", t.request.step());
  }

  // ------------------------------------------------------------------ workers

  void onHello(Hello h, io.grpc.stub.StreamObserver<ManagerMessage> stream, String managerAddress,
      WorkerEndpoint.Connection connection) {
    if (h.getProtocolVersion() != Protocol.VERSION) {
      connection.refuse("this manager speaks protocol version " + Protocol.VERSION + ", the worker "
          + h.getProtocolVersion() + ": run a worker of the same Tendril version");
      return;
    }
    if (h.getWorkerId().isEmpty() || workers.containsKey(h.getWorkerId())) {
      connection.refuse("worker id '" + h.getWorkerId() + "' is empty or already connected: give each worker its own id");
      return;
    }
    if (!tlsFingerprint.isEmpty() && !validFingerprint(h.getTransferFingerprint())) {
      connection.refuse("this manager speaks TLS and worker '" + h.getWorkerId() + "' announced no valid certificate"
          + " fingerprint for its transfer server (got '" + h.getTransferFingerprint() + "'): run a worker of the"
          + " manager's Tendril version");
      return;
    }
    Resources total = Resources.fromWire(h.getResources());
    WorkerEntry w = new WorkerEntry(h.getWorkerId(), h.getHostname(), h.getTransferAddress(),
        tlsFingerprint.isEmpty() ? "" : h.getTransferFingerprint(), total, stream);
    w.dataAddress = h.getTransferDataAddress();
    w.batcher = sends;
    connection.attach(w);
    workers.put(w.id, w);
    recountCores();
    managerAddresses.put(w, managerAddress);
    workersJoined++;
    for (io.tendril.protocol.wire.CachedFile c : h.getCachedList()) {
      w.cached.put(c.getCacheName(), c.getSize());
      FileEntry f = files.get(c.getCacheName());
      if (f != null) {
        f.replicas.add(w);
        f.size = Math.max(f.size, c.getSize());
      }
    }
    updateRoom(w);
    replicator.workerJoined();
    w.send(ManagerMessage.newBuilder().setWelcome(Welcome.newBuilder()
        .setProtocolVersion(Protocol.VERSION)
        .setManagerName(name)
        .setHeartbeatIntervalMs((long) (knobs.get("keepalive-interval") * 1000))
        .setTransferAddress(managerAddress)).build());
    log.event("worker", "event", "connect", "worker", w.label(), "transfer_address", w.transferAddress,
        "cores", total.cores(), "memory_mb", total.memoryMb(), "disk_mb", total.diskMb(), "gpus", total.gpus(),
        "cached_files", h.getCachedCount());
    disks.onHello(w, h);
  }

  private static boolean validFingerprint(String s) {
    return s.matches("[0-9a-f]{64}");
  }

  void onMessage(WorkerEntry w, WorkerMessage m) {
    if (w.gone) {
      return;
    }
    w.lastHeardNanos = System.nanoTime();
    switch (m.getKindCase()) {
      case TASK_STARTED -> {
        TaskEntry t = active.get(m.getTaskStarted().getTaskId());
        if (t != null && t.worker == w && t.state == TaskState.DISPATCHED) {
          t.started = Instant.ofEpochMilli(m.getTaskStarted().getStartedAtMs());
          setState(t, TaskState.RUNNING);
        }
      }
      case TASK_FINISHED -> onTaskFinished(w, m.getTaskFinished());
      case DISK_STATUS -> disks.onStatus(w, m.getDiskStatus());
      case CACHE_UPDATE -> onCacheUpdate(w, m.getCacheUpdate());
      case CACHE_INVALID -> {
        String c = m.getCacheInvalid().getCacheName();
        w.cached.remove(c);
        FileEntry f = files.get(c);
        if (f != null) {
          f.replicas.remove(w);
          maybeRecover(f);
          replicator.lost(f);
        }
        log.event("cache", "event", "invalid", "worker", w.label(), "file", c, "reason", m.getCacheInvalid().getReason());
      }
      case HEARTBEAT -> w.send(ManagerMessage.newBuilder()
          .setHeartbeatAck(HeartbeatAck.newBuilder().setSentAtMs(m.getHeartbeat().getSentAtMs())).build());
      default -> log.event("worker", "event", "unexpected-message", "worker", w.label(), "kind", m.getKindCase().name());
    }
  }

  private void onCacheUpdate(WorkerEntry w, CacheUpdate u) {
    boolean failed = !u.getError().isEmpty();
    // A fetch that failed because this worker's disk is full is neither its source's fault nor its URL's.
    boolean sourceFault = failed && w.diskFull == null;
    Transfer t = staging.finish(u.getTransferId(), sourceFault);
    String kind = t == null ? "unknown" : t.sourceKind();
    if (failed) {
      transferFailures++;
      if (kind.equals("url") && sourceFault) {
        failedUrls.put(u.getCacheName(), u.getError());
      }
      log.event("transfer", "event", "fail", "id", u.getTransferId(), "file", u.getCacheName(), "to", w.label(),
          "source", t == null ? u.getSource() : t.source(), "source_kind", kind, "error", u.getError(),
          "replication", t != null && t.replication() ? Boolean.TRUE : null);
      return;
    }
    failedUrls.remove(u.getCacheName());
    w.cached.put(u.getCacheName(), u.getSize());
    FileEntry f = files.get(u.getCacheName());
    if (f != null) {
      f.replicas.add(w);
      f.size = Math.max(f.size, u.getSize());
    }
    switch (kind) {
      case "peer" -> {
        peerTransfers++;
        peerBytes += u.getSize();
      }
      case "manager" -> managerTransfers++;
      case "url" -> urlTransfers++;
      default -> { }
    }
    log.event("transfer", "event", "done", "id", u.getTransferId(), "file", u.getCacheName(), "to", w.label(),
        "source", t == null ? u.getSource() : t.source(), "source_kind", kind, "size", u.getSize(),
        "transfer_ms", u.getElapsedMs(), "replication", t != null && t.replication() ? Boolean.TRUE : null);
  }

  private void onTaskFinished(WorkerEntry w, TaskFinished f) {
    TaskEntry t = active.get(f.getTaskId());
    if (t == null || t.worker != w || (t.state != TaskState.DISPATCHED && t.state != TaskState.RUNNING)) {
      // A cancelled task's confirmation, a stale attempt, or a second answer for an attempt that
      // already ended (its outputs may be coming back): nothing to do.
      return;
    }
    inlineBytesReceived += f.getInlineResult().size();
    for (io.tendril.protocol.wire.CallResult c : f.getCallResultsList()) {
      inlineBytesReceived += c.getInlineResult().size();
    }
    w.tasks.remove(t);
    release(t, w);
    t.ended = Instant.ofEpochMilli(f.getFinishedAtMs() == 0 ? System.currentTimeMillis() : f.getFinishedAtMs());
    if (f.getStartedAtMs() > 0) {
      t.started = Instant.ofEpochMilli(f.getStartedAtMs());
    }
    t.finished = f;
    MeasuredResources m = MeasuredResources.of(f.getMeasured());
    log.event("task", "id", t.id, "event", "finished", "worker", w.label(), "result", f.getResult().name(),
        "exit_code", f.getExitCode(), "wall_time_ms", m.wallTime().toMillis(), "cpu_time_ms", m.cpuTime().toMillis(),
        "peak_memory_mb", m.peakMemoryMb(), "peak_disk_mb", m.peakDiskMb(),
        "avg_cores", m.averageCores(), "peak_cores", m.peakCores(),
        "max_processes", m.maxProcesses(), "bytes_read", m.bytesRead(), "bytes_written", m.bytesWritten(),
        "allocated_bytes", t.spec.call() == null ? null : m.allocatedBytes(),
        "library_memory_kb", t.spec.call() == null ? null : m.libraryMemoryKb(),
        "exhausted_resource", f.getExhaustedResource().isEmpty() ? null : f.getExhaustedResource(),
        "message", f.getMessage().isEmpty() ? null : f.getMessage());
    categories.learn(t, f);
    switch (f.getResult()) {
      case TASK_RESULT_SUCCESS -> onSuccess(t, w, f);
      case TASK_RESULT_FAILURE, TASK_RESULT_SIGNAL, TASK_RESULT_OUTPUT_MISSING, TASK_RESULT_MAX_WALL_TIME,
          TASK_RESULT_EXCEPTION -> onApplicationFailure(t, f);
      case TASK_RESULT_INPUT_MISSING -> onInputMissing(t, f);
      case TASK_RESULT_RESOURCE_EXHAUSTION -> onExhaustion(t, f);
      case TASK_RESULT_CANCELLED -> requeue(t, "the worker cancelled it");
      case TASK_RESULT_DISK_FULL -> onWorkerFault(t, WorkerDisks.blame(w, f.getMessage()));
      default -> onWorkerFault(t, f.getMessage().isEmpty() ? f.getResult().name() : f.getMessage());
    }
  }

  /**
   * An attempt was stopped for using more of a resource than it had. Under an automatic mode the
   * task goes back to ready with its category's larger request, spending no user retry; otherwise
   * (or when it declared that resource itself, already had its category's maximum, or no worker is
   * large enough for more) it ends {@code RESOURCE_EXHAUSTION} with the worker's message, which
   * names the resource and the measured peak, and the reason it is final.
   */
  private void onExhaustion(TaskEntry t, TaskFinished f) {
    ResourceKind kind = null;
    for (ResourceKind k : ResourceKind.values()) {
      if (k.label().equals(f.getExhaustedResource())) {
        kind = k;
      }
    }
    if (kind == null) {
      // Asked for more than the whole worker: nothing was measured and nothing can grow.
      complete(t, ResultCode.RESOURCE_EXHAUSTION, f.getExitCode(), stdout(f), f.getStdoutTruncated(), f.getMessage());
      return;
    }
    Categories.AfterExhaustion next = categories.afterExhaustion(t, kind, t.allocation, workers.values());
    double peak = kind.amountIn(MeasuredResources.of(f.getMeasured()).peak());
    log.event("task", "id", t.id, "event", "exhausted", "category", t.spec.category(), "resource", kind.label(),
        "peak", number(peak), "allocated", number(kind.amountIn(t.allocation)), "step", t.request.step(),
        "retry", next.retry() != null,
        "next_cores", next.retry() == null ? null : next.retry().request().cores(),
        "next_memory_mb", next.retry() == null ? null : next.retry().request().memoryMb(),
        "next_disk_mb", next.retry() == null ? null : next.retry().request().diskMb(),
        "next_gpus", next.retry() == null ? null : next.retry().request().gpus(),
        "reason", next.reason());
    if (next.retry() == null) {
      complete(t, ResultCode.RESOURCE_EXHAUSTION, f.getExitCode(), stdout(f), f.getStdoutTruncated(),
          f.getMessage() + "; final, as " + next.reason());
      return;
    }
    t.retry = next.retry();
    t.exhaustionRetries++;
    t.worker = null;
    readyOrWait(t);
  }

  /** A whole amount as a long, else the double, for the log. */
  private static Object number(double v) {
    return v == Math.rint(v) ? (Object) (long) v : (Object) v;
  }

  private void onSuccess(TaskEntry t, WorkerEntry w, TaskFinished f) {
    List<OutputRetriever.Request> retrievals = new ArrayList<>();
    for (OutputFile o : f.getOutputsList()) {
      FileEntry fe = files.get(o.getCacheName());
      if (fe == null || !o.getPresent()) {
        continue;
      }
      w.cached.put(o.getCacheName(), o.getSize());
      fe.replicas.add(w);
      fe.size = o.getSize();
      if (fe.file.kind() == DeclaredFile.Kind.TEMP) {
        fe.recovering = false;
        wake(fe);
        replicator.produced(fe);
      } else if (fe.file.path().isPresent() && !t.recovery) {
        retrievals.add(new OutputRetriever.Request(t.id, w.transferAddress, w.transferFingerprint, o.getCacheName(),
            fe.file.path().get(), o.getSize(), knobs.transferTimeoutMillis(o.getSize())));
      }
      log.event("cache", "event", "output", "worker", w.label(), "file", o.getCacheName(), "size", o.getSize());
    }
    if (retrievals.isEmpty()) {
      complete(t, ResultCode.SUCCESS, f.getExitCode(), stdout(f), f.getStdoutTruncated(), f.getMessage());
      return;
    }
    setState(t, TaskState.RETRIEVING);
    t.pendingRetrievals = retrievals.size();
    t.retrievalFailed = false;
    t.worker = w;
    w.retrieving.add(t); // tied to the worker while its outputs come back, holding no resources
    for (OutputRetriever.Request r : retrievals) {
      retriever.retrieve(r);
    }
  }

  /** The size of each output present on the worker, by cache name. */
  private static Map<String, Long> outputSizes(TaskFinished f) {
    if (f == null || f.getOutputsCount() == 0) {
      return Map.of();
    }
    Map<String, Long> sizes = new HashMap<>();
    for (OutputFile o : f.getOutputsList()) {
      if (o.getPresent()) {
        sizes.put(o.getCacheName(), o.getSize());
      }
    }
    return sizes;
  }

  /** The bytes of what a task made: its outputs present on the worker, and its inline result. */
  private static long outputBytes(TaskFinished f) {
    if (f == null) {
      return 0;
    }
    long n = f.getInlineResult().size();
    for (OutputFile o : f.getOutputsList()) {
      if (o.getPresent()) {
        n += o.getSize();
      }
    }
    return n;
  }

  /** {@link Manager#fetchFile} brought a file's contents from a worker. */
  void onFetched(String cacheName, String address, long bytes) {
    bytesReceivedByManager += bytes;
    log.event("transfer", "event", "done", "file", cacheName, "to", "manager", "source", address,
        "source_kind", "fetch", "size", bytes);
  }

  /** An output came back (or failed to); completes the task when the last one is in. */
  void onRetrieved(OutputRetriever.Request r, long bytes, String error) {
    TaskEntry t = active.get(r.taskId());
    if (t == null || t.state != TaskState.RETRIEVING) {
      return;
    }
    if (error == null) {
      bytesReceivedByManager += bytes;
      log.event("transfer", "event", "done", "file", r.cacheName(), "to", "manager", "source", r.address(),
          "source_kind", "retrieve", "size", bytes);
    } else {
      t.retrievalFailed = true;
      t.retrievalError = error;
      log.event("transfer", "event", "fail", "file", r.cacheName(), "to", "manager", "source", r.address(),
          "source_kind", "retrieve", "error", error);
    }
    if (--t.pendingRetrievals > 0) {
      return;
    }
    if (t.worker != null) {
      t.worker.retrieving.remove(t);
    }
    TaskFinished f = t.finished;
    if (t.retrievalFailed) {
      if (t.worker == null || t.worker.gone) {
        requeue(t, "its worker was lost while outputs came back");
        return;
      }
      // Most often the worker died a moment before the manager could tell: its outputs are gone,
      // so the task runs again, as after any worker-side failure, up to forsake-after times.
      t.workerFailures++;
      if (t.workerFailures >= knobs.get("forsake-after")) {
        complete(t, ResultCode.OUTPUT_TRANSFER_ERROR, f.getExitCode(), stdout(f), f.getStdoutTruncated(),
            "could not bring an output back (" + t.workerFailures + " times; last from " + t.worker.label() + "): "
                + t.retrievalError);
      } else {
        requeue(t, "could not bring an output back from " + t.worker.label() + ": " + t.retrievalError);
      }
      return;
    }
    complete(t, ResultCode.SUCCESS, f.getExitCode(), stdout(f), f.getStdoutTruncated(), f.getMessage());
  }

  private void onApplicationFailure(TaskEntry t, TaskFinished f) {
    if (t.applicationFailures < t.spec.maxRetries()) {
      t.applicationFailures++;
      log.event("task", "id", t.id, "event", "retry", "attempt", t.attempts, "reason", f.getResult().name());
      t.worker = null;
      readyOrWait(t);
      return;
    }
    ResultCode code = switch (f.getResult()) {
      case TASK_RESULT_SIGNAL -> ResultCode.SIGNAL;
      case TASK_RESULT_OUTPUT_MISSING -> ResultCode.OUTPUT_MISSING;
      case TASK_RESULT_MAX_WALL_TIME -> ResultCode.MAX_WALL_TIME;
      case TASK_RESULT_EXCEPTION -> ResultCode.EXCEPTION;
      // A command that ran and exited non-zero, or a function call the library could not run.
      default -> t.spec.call() != null ? ResultCode.EXCEPTION : ResultCode.SUCCESS;
    };
    if (t.applicationFailures > 0) {
      code = ResultCode.MAX_RETRIES;
    }
    complete(t, code, f.getExitCode(), stdout(f), f.getStdoutTruncated(), f.getMessage(), f.getFailure().toByteArray());
  }

  private void onInputMissing(TaskEntry t, TaskFinished f) {
    // The user's fault when a local file is gone or a URL cannot be fetched; otherwise a transfer
    // between Tendril's own parts failed, which is retried elsewhere without spending a retry.
    for (DeclaredFile in : t.spec.inputs().keySet()) {
      if (in.kind() == DeclaredFile.Kind.LOCAL && in.path().isPresent()
          && !java.nio.file.Files.exists(in.path().get())) {
        complete(t, ResultCode.INPUT_MISSING, 0, stdout(f), false, "input " + in.path().get() + " does not exist");
        return;
      }
    }
    for (DeclaredFile in : t.spec.inputs().keySet()) {
      String urlError = failedUrls.get(in.cacheName());
      if (in.kind() == DeclaredFile.Kind.URL && urlError != null) {
        complete(t, ResultCode.INPUT_MISSING, 0, stdout(f), false,
            "cannot fetch " + in.url().orElse(in.cacheName()) + ": " + urlError);
        return;
      }
    }
    onWorkerFault(t, "input missing on the worker: " + f.getMessage());
  }

  private void onWorkerFault(TaskEntry t, String reason) {
    t.workerFailures++;
    if (t.workerFailures >= knobs.get("forsake-after")) {
      complete(t, ResultCode.FORSAKEN, 0, "", false,
          "workers failed to run it " + t.workerFailures + " times; last: " + reason);
      return;
    }
    requeue(t, reason);
  }

  private void requeue(TaskEntry t, String reason) {
    tasksRequeued++;
    t.worker = null;
    t.allocation = Resources.NONE;
    log.event("task", "id", t.id, "event", "requeue", "reason", reason);
    readyOrWait(t);
  }

  private static String stdout(TaskFinished f) {
    return f.getStdout().toString(StandardCharsets.UTF_8);
  }

  private void complete(TaskEntry t, ResultCode code, int exitCode, String out, boolean truncated, String message) {
    complete(t, code, exitCode, out, truncated, message, NO_BYTES);
  }

  private void complete(TaskEntry t, ResultCode code, int exitCode, String out, boolean truncated, String message,
      byte[] failure) {
    if (t.state == TaskState.DONE) {
      return;
    }
    active.remove(t.id);
    ready.remove(t);
    categories.done(t);
    for (DeclaredFile in : t.spec.inputs().keySet()) {
      Set<TaskEntry> c = consumers.get(in.cacheName());
      if (c != null) {
        c.remove(t);
        if (c.isEmpty()) {
          consumers.remove(in.cacheName());
        }
      }
      List<TaskEntry> w = waitingOn.get(in.cacheName());
      if (w != null) {
        w.remove(t);
      }
      if (in.cacheLevel() == io.tendril.protocol.CacheLevel.TASK && t.worker != null && !t.worker.gone
          && (c == null || c.isEmpty())) {
        unlink(t.worker, in.cacheName());
      }
    }
    String worker = t.worker == null ? "" : t.worker.label();
    t.state = TaskState.DONE;
    Instant now = Instant.now();
    log.event("task", "id", t.id, "state", TaskState.DONE, "result", code, "exit_code", exitCode,
        "worker", worker.isEmpty() ? null : worker, "attempts", t.attempts, "message", message == null || message.isEmpty() ? null : message);
    settleTemps(t, code, exitCode, message);
    if (t.recovery) {
      return;
    }
    tasksDone++;
    t.spec.finish(new TaskOutcome(code, exitCode, out, truncated, message == null ? "" : message, worker,
        t.attempts, new Timings(t.submitted, t.dispatched, t.started, t.ended, now), failure,
        code == ResultCode.SUCCESS && t.finished != null && t.finished.getHasInlineResult()
            ? t.finished.getInlineResult().toByteArray() : null,
        outputBytes(t.finished),
        t.finished != null && t.finished.hasMeasured() ? MeasuredResources.of(t.finished.getMeasured()) : null,
        t.allocation, t.exhaustionRetries, outputSizes(t.finished),
        code == ResultCode.SUCCESS && t.finished != null ? t.finished.getCallResultsList() : List.of()));
    if (t.spec.onDone() != null) {
      t.spec.onDone().accept(t.spec);
    } else {
      completed.add(t.spec);
    }
  }

  private void unlink(WorkerEntry w, String cacheName) {
    w.cached.remove(cacheName);
    FileEntry f = files.get(cacheName);
    if (f != null) {
      f.replicas.remove(w);
    }
    w.send(ManagerMessage.newBuilder().setUnlink(Unlink.newBuilder().setCacheName(cacheName)).build());
  }

  // ------------------------------------------------------------------ temps and recovery

  /**
   * A task is done: each temp it was to make that exists nowhere is settled, so that no task waits
   * for it forever. After a failure (of the first run or of a recovery) the temp will not be made:
   * the tasks waiting for it end {@code INPUT_MISSING}, saying why. After a success that left no
   * replica (the worker reported no such output, or lost it at once), it is made again if a task
   * still needs it.
   */
  private void settleTemps(TaskEntry t, ResultCode code, int exitCode, String message) {
    for (DeclaredFile out : t.spec.outputs().values()) {
      if (out.kind() != DeclaredFile.Kind.TEMP) {
        continue;
      }
      FileEntry f = files.get(out.cacheName());
      if (f == null || f.producer != t || !f.replicas.isEmpty()) {
        continue;
      }
      f.recovering = false;
      if (code == ResultCode.SUCCESS && exitCode == 0) {
        maybeRecover(f);
        continue;
      }
      f.notMade = "task " + t.id + (t.recovery ? " (remaking it)" : "") + " ended " + code
          + (code == ResultCode.SUCCESS ? " with exit code " + exitCode : "")
          + (message == null || message.isEmpty() ? "" : ": " + message);
      List<TaskEntry> waiters = waitingOn.remove(f.cacheName());
      if (waiters != null) {
        for (TaskEntry w : waiters) {
          if (w.state == TaskState.WAITING_INPUTS) {
            complete(w, ResultCode.INPUT_MISSING, 0, "", false, notMadeMessage(f));
          }
        }
      }
    }
  }

  private static String notMadeMessage(FileEntry f) {
    return "input " + f.cacheName() + " will not be made: its producer " + f.notMade;
  }

  private void wake(FileEntry f) {
    List<TaskEntry> waiters = waitingOn.remove(f.cacheName());
    if (waiters == null) {
      return;
    }
    for (TaskEntry t : waiters) {
      if (t.state != TaskState.WAITING_INPUTS) {
        continue;
      }
      if (missingTemps(t).isEmpty()) {
        setState(t, TaskState.READY);
        ready.add(t);
      } else {
        // Another input may have been lost while it waited for this one: wait on what is missing
        // now (and have it remade), or it would wait on a file that no longer wakes it.
        readyOrWait(t);
      }
    }
  }

  private void maybeRecover(FileEntry f) {
    if (f.file.kind() == DeclaredFile.Kind.TEMP && f.replicas.isEmpty()) {
      Set<TaskEntry> c = consumers.get(f.cacheName());
      if (c != null && !c.isEmpty()) {
        recover(f);
      }
    }
  }

  /** Re-runs the producer of a lost temp that a pending task still needs. */
  private void recover(FileEntry f) {
    if (f.recovering || f.notMade != null || f.producer == null || f.producer.state != TaskState.DONE) {
      return;
    }
    f.recovering = true;
    tempsRecovered++;
    TaskEntry again = new TaskEntry(ids.getAsLong(), ++seq, f.producer.spec, true);
    log.event("cache", "event", "recover", "file", f.cacheName(), "producer", f.producer.id, "recovery_task", again.id);
    for (DeclaredFile out : again.spec.outputs().values()) {
      if (out.kind() == DeclaredFile.Kind.TEMP) {
        FileEntry o = fileEntry(out);
        o.producer = again;
      }
    }
    admit(again);
  }

  void onDisconnect(WorkerEntry w, String reason) {
    if (workers.get(w.id) != w) {
      // Disconnected before; a worker of the same id may have connected since, and is not this one.
      w.gone = true;
      return;
    }
    w.gone = true;
    workers.remove(w.id);
    recountCores();
    withRoom.remove(w);
    managerAddresses.remove(w);
    workersLost++;
    log.event("worker", "event", "disconnect", "worker", w.label(), "reason", reason, "tasks", w.tasks.size());
    staging.dropDestination(w);
    for (TaskEntry t : w.tasks) {
      categories.ended(t, ready);
    }
    retriever.cancelFrom(w.transferAddress);
    List<TaskEntry> lost = new ArrayList<>(w.tasks);
    lost.addAll(w.retrieving);
    w.tasks.clear();
    w.retrieving.clear();
    for (TaskEntry t : lost) {
      // Only attempts still tied to this worker; one that moved on is another worker's now.
      if (t.state != TaskState.DONE && t.worker == w) {
        requeue(t, "worker " + w.label() + " was lost");
      }
    }
    for (String c : w.cached.keySet()) {
      FileEntry f = files.get(c);
      if (f != null) {
        f.replicas.remove(w);
        maybeRecover(f);
        replicator.lost(f);
      }
    }
    // Tasks that were ready may now lack a temp that lived only there.
    for (TaskEntry t : new ArrayList<>(ready)) {
      if (!missingTemps(t).isEmpty()) {
        ready.remove(t);
        readyOrWait(t);
      }
    }
  }

  /** Periodic work: silent workers, blocklist expiry, log flush. */
  void tick(java.util.function.Consumer<WorkerEntry> disconnect) {
    long timeoutNanos = (long) (knobs.get("keepalive-timeout") * 1e9);
    long now = System.nanoTime();
    for (WorkerEntry w : new ArrayList<>(workers.values())) {
      if (now - w.lastHeardNanos > timeoutNanos) {
        disconnect.accept(w);
        onDisconnect(w, "silent for more than " + (long) knobs.get("keepalive-timeout") + " s");
      }
    }
    staging.expire();
    log.flush();
  }

  // ------------------------------------------------------------------ queries

  /** Where a worker's copy of a file is served, and the fingerprint to pin there (empty without TLS). */
  record Replica(String address, String fingerprint) {}

  Replica replica(String cacheName) {
    FileEntry f = files.get(cacheName);
    if (f == null) {
      return null;
    }
    for (WorkerEntry w : f.replicas) {
      if (!w.gone) {
        return new Replica(w.transferAddress, w.transferFingerprint);
      }
    }
    return null;
  }

  /** Changes (or, with a null change, reads) a category's spec; see {@link Categories#configure}. */
  CategorySpec configureCategory(String name, UnaryOperator<CategorySpec.Builder> change) {
    return categories.configure(name, change, ready);
  }

  List<CategorySummary> categorySummaries() {
    return categories.summaries(active.values());
  }

  /** The connected workers, in the order they joined. */
  List<WorkerSummary> workerSummaries() {
    long now = System.nanoTime();
    List<WorkerSummary> out = new ArrayList<>(workers.size());
    for (WorkerEntry w : workers.values()) {
      out.add(w.summary(now));
    }
    return out;
  }

  ManagerStats stats(long bytesSentByManager) {
    int waiting = 0;
    int readyCount = 0;
    int running = 0;
    int retrieving = 0;
    for (TaskEntry t : active.values()) {
      switch (t.state) {
        case WAITING_INPUTS -> waiting++;
        case READY, SUBMITTED -> readyCount++;
        case DISPATCHED, RUNNING -> running++;
        case RETRIEVING -> retrieving++;
        default -> { }
      }
    }
    return new ManagerStats(tasksSubmitted, waiting, readyCount, running, retrieving, tasksDone, tasksRequeued,
        workers.size(), workersJoined, workersLost, bytesSentByManager, bytesReceivedByManager, peerTransfers,
        peerBytes, managerTransfers, urlTransfers, transferFailures, tempsRecovered, inlineBytesReceived,
        WorkerDisks.count(workers.values()));
  }
}

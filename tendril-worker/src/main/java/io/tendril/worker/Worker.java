package io.tendril.worker;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.CachedFile;
import io.tendril.protocol.wire.FetchFile;
import io.tendril.protocol.wire.Heartbeat;
import io.tendril.protocol.wire.Hello;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Measured;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.OutputFile;
import io.tendril.protocol.wire.OutputSpec;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.TaskStarted;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Tendril worker: connects to a manager, offers its cores, memory, disk and GPUs, and obeys it —
 * brings files into its cache (from peers, the manager, URLs, mini-tasks, archives), runs command
 * tasks in sandboxes, and serves its cached files to peers and to the manager.
 *
 * <p>One thread (the worker's loop) owns all state: gRPC callbacks and finished blocking work post
 * events to it, and only it sends on the control stream. Fetches and commands run on a pool. The
 * counterpart of the manager's {@code WorkerEndpoint} and {@code ManagerCore}; the message flow is
 * in docs/protocol.md.
 *
 * <p>The worker keeps trying to reach its manager for the connect timeout, at start and after
 * losing it; it exits when told to, when idle for the idle timeout, or when it cannot reach the
 * manager in time.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerOptions options;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tendril-worker-loop"));
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> daemon(r, "tendril-worker-job"));
  private final CompletableFuture<String> terminated = new CompletableFuture<>();
  private final AtomicLong tasksRun = new AtomicLong();
  private final AtomicLong bytesFetched = new AtomicLong();

  private Path workspace;
  private Path sandboxes;
  private WorkerCache cache;
  private Fetcher fetcher;
  private WorkerTransferService transfers;
  private Server transferServer;
  private String transferAddress;
  private Resources total;
  private ManagedChannel channel;

  // Loop-confined state.
  private StreamObserver<WorkerMessage> toManager;
  private int generation;
  private boolean welcomed;
  private int attempts;
  private long connectDeadlineNanos;
  private long lastActivityNanos = System.nanoTime();
  private ScheduledFuture<?> heartbeat;
  private final Map<Long, Job> jobs = new HashMap<>();
  private final ArrayDeque<Job> queued = new ArrayDeque<>();
  private final Map<String, List<String>> fetching = new HashMap<>();
  /** Mini-task and untar fetches waiting for a file they are made from, by that file's name. */
  private final Map<String, List<FetchFile>> deferred = new HashMap<>();
  private Resources inUse = Resources.NONE;
  private boolean exitOk = true;

  /** A task from RunTask until its TaskFinished. */
  private static final class Job {
    final RunTask spec;
    final Resources allocation;
    boolean started;
    TaskProcess process;
    boolean cancelled;

    Job(RunTask spec, Resources allocation) {
      this.spec = spec;
      this.allocation = allocation;
    }
  }

  /**
   * Creates a worker; nothing happens until {@link #start()}.
   *
   * @param options where the manager is and what to offer
   */
  public Worker(WorkerOptions options) {
    this.options = options;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Prepares the workspace, starts the transfer server and begins connecting to the manager.
   *
   * @return this worker
   * @throws UncheckedIOException if the workspace cannot be used or the transfer server cannot listen
   */
  public Worker start() {
    try {
      workspace = options.workspace() != null
          ? Files.createDirectories(options.workspace()).toAbsolutePath()
          : Files.createTempDirectory("tendril-worker-");
      sandboxes = Files.createDirectories(workspace.resolve("sandbox"));
      io.tendril.protocol.transfer.EntryReceiver.deleteRecursively(sandboxes);
      Files.createDirectories(sandboxes);
      Path scratch = Files.createDirectories(workspace.resolve("scratch"));
      cache = new WorkerCache(workspace.resolve("cache"));
      fetcher = new Fetcher(cache, scratch, options.workerId());
      total = Detection.resources(options, workspace);
      transfers = new WorkerTransferService(cache);
      InetAddress local = localAddressTowards(options.managerHost(), options.managerPort());
      String bindHost = options.transferHost() != null ? options.transferHost()
          : local.isLoopbackAddress() ? local.getHostAddress() : "0.0.0.0";
      transferServer = NettyServerBuilder.forAddress(new InetSocketAddress(bindHost, 0))
          .addService(transfers).maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES).build().start();
      String advertised = options.transferHost() != null ? options.transferHost() : local.getHostAddress();
      transferAddress = (advertised.contains(":") ? "[" + advertised + "]" : advertised) + ":" + transferServer.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the worker in " + workspace, e);
    }
    connectDeadlineNanos = System.nanoTime() + options.connectTimeout().toNanos();
    loop.execute(this::connect);
    loop.scheduleWithFixedDelay(this::checkIdle, 1, 1, TimeUnit.SECONDS);
    log.info("worker {} with {} serving files at {}, workspace {}", options.workerId(), total, transferAddress, workspace);
    return this;
  }

  private static InetAddress localAddressTowards(String host, int port) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(host, port));
      InetAddress a = s.getLocalAddress();
      if (a != null && !a.isAnyLocalAddress()) {
        return a;
      }
    } catch (IOException | RuntimeException e) {
      // Fall back below.
    }
    try {
      return InetAddress.getLocalHost();
    } catch (IOException e) {
      return InetAddress.getLoopbackAddress();
    }
  }

  /** Where peers and the manager fetch this worker's files: {@code host:port}. */
  public String transferAddress() {
    return transferAddress;
  }

  /** The workspace directory (cache and sandboxes). */
  public Path workspace() {
    return workspace;
  }

  /** The resources this worker offers. */
  public Resources resources() {
    return total;
  }

  /** Commands this worker has run. */
  public long tasksRun() {
    return tasksRun.get();
  }

  /** Bytes this worker served to peers and the manager. */
  public long bytesServed() {
    return transfers == null ? 0 : transfers.bytesServed.get();
  }

  /** Bytes this worker fetched into its cache. */
  public long bytesFetched() {
    return bytesFetched.get();
  }

  /**
   * Waits for the worker to exit.
   *
   * @param timeout how long to wait
   * @return true if it exited
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    try {
      terminated.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  /** Why the worker exited, once it has. */
  public java.util.Optional<String> exitReason() {
    return java.util.Optional.ofNullable(terminated.getNow(null));
  }

  /** Whether the worker exited normally (told to, or idle) rather than refused or unable to connect. */
  public boolean exitedCleanly() {
    return exitOk;
  }

  /**
   * Starts the worker and blocks until it exits.
   *
   * @return 0 after a normal exit, 1 if the manager refused it or could not be reached
   */
  public int run() throws InterruptedException {
    start();
    try {
      terminated.get();
    } catch (java.util.concurrent.ExecutionException e) {
      return 1;
    }
    return exitOk ? 0 : 1;
  }

  // ------------------------------------------------------------------ connection

  private void connect() {
    if (terminated.isDone()) {
      return;
    }
    if (System.nanoTime() > connectDeadlineNanos) {
      terminate("could not reach the manager at " + options.managerHost() + ":" + options.managerPort()
          + " within " + options.connectTimeout().toSeconds() + " s", false);
      return;
    }
    if (channel == null) {
      channel = NettyChannelBuilder.forAddress(options.managerHost(), options.managerPort())
          .usePlaintext().maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES).build();
    }
    int gen = ++generation;
    welcomed = false;
    toManager = WorkerServiceGrpc.newStub(channel).connect(new Inbound(gen));
    List<CachedFile> cached = new ArrayList<>();
    cache.entries().forEach((name, e) -> cached.add(CachedFile.newBuilder().setCacheName(name)
        .setSize(e.size()).setLevel(e.level().toWire()).build()));
    send(WorkerMessage.newBuilder().setHello(Hello.newBuilder()
        .setProtocolVersion(Protocol.VERSION)
        .setWorkerId(options.workerId())
        .setHostname(hostname())
        .setResources(total.toWire())
        .setTransferAddress(transferAddress)
        .addAllCached(cached)
        .setWorkspace(workspace.toString())).build());
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Receives the manager's messages for one connection attempt and posts them to the loop. */
  private final class Inbound implements StreamObserver<ManagerMessage> {
    private final int gen;

    Inbound(int gen) {
      this.gen = gen;
    }

    @Override
    public void onNext(ManagerMessage m) {
      loop.execute(() -> {
        if (gen == generation) {
          handle(m);
        }
      });
    }

    @Override
    public void onError(Throwable t) {
      loop.execute(() -> lost(gen, Status.fromThrowable(t).toString()));
    }

    @Override
    public void onCompleted() {
      loop.execute(() -> lost(gen, "the manager closed the connection"));
    }
  }

  private void lost(int gen, String reason) {
    if (gen != generation || terminated.isDone()) {
      return;
    }
    if (welcomed) {
      log.warn("lost the manager: {}; trying to reconnect for {} s", reason, options.connectTimeout().toSeconds());
      forgetManager();
      connectDeadlineNanos = System.nanoTime() + options.connectTimeout().toNanos();
      attempts = 0;
    }
    welcomed = false;
    long delayMs = Math.min(5000, 100L << Math.min(6, attempts++));
    loop.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
  }

  /** A new manager connection starts clean: running tasks and task/workflow files go. */
  private void forgetManager() {
    for (Job j : jobs.values()) {
      j.cancelled = true;
      if (j.process != null) {
        j.process.kill();
      }
    }
    jobs.clear();
    queued.clear();
    fetching.clear();
    deferred.clear();
    inUse = Resources.NONE;
    cache.removeLevels(List.of(CacheLevel.TASK, CacheLevel.WORKFLOW));
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
  }

  private void send(WorkerMessage m) {
    try {
      toManager.onNext(m);
    } catch (RuntimeException e) {
      log.debug("cannot send to the manager: {}", e.toString());
    }
  }

  // ------------------------------------------------------------------ messages

  private void handle(ManagerMessage m) {
    lastActivityNanos = System.nanoTime();
    switch (m.getKindCase()) {
      case WELCOME -> {
        welcomed = true;
        attempts = 0;
        long interval = Math.max(100, m.getWelcome().getHeartbeatIntervalMs());
        heartbeat = loop.scheduleWithFixedDelay(this::sendHeartbeat, interval, interval, TimeUnit.MILLISECONDS);
        log.info("connected to manager {} at {}:{}", m.getWelcome().getManagerName(), options.managerHost(), options.managerPort());
      }
      case REFUSE -> terminate("the manager refused this worker: " + m.getRefuse().getReason(), false);
      case FETCH_FILE -> fetch(m.getFetchFile());
      case RUN_TASK -> runTask(m.getRunTask());
      case KILL_TASK -> kill(m.getKillTask().getTaskId());
      case UNLINK -> {
        try {
          cache.remove(m.getUnlink().getCacheName());
        } catch (IOException | IllegalArgumentException e) {
          log.warn("cannot unlink {}: {}", m.getUnlink().getCacheName(), e.toString());
        }
      }
      case SHUTDOWN -> terminate("the manager asked this worker to leave: " + m.getShutdown().getReason(), true);
      default -> { }
    }
  }

  private void sendHeartbeat() {
    send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setSentAtMs(System.currentTimeMillis())
        .setInUse(inUse.toWire())
        .setCacheBytes(cache.bytes())
        .setDiskFreeMb(workspace.toFile().getUsableSpace() / (1024 * 1024))).build());
  }

  private void fetch(FetchFile f) {
    String name = f.getCacheName();
    if (!Protocol.isValidCacheName(name)) {
      send(cacheUpdate(f, 0, "invalid cache name '" + name + "'", 0));
      return;
    }
    if (cache.has(name)) {
      send(cacheUpdate(f, cache.get(name).size(), null, 0));
      return;
    }
    List<String> waiting = fetching.get(name);
    if (waiting != null) {
      waiting.add(f.getTransferId());
      return;
    }
    for (String dep : madeFrom(f)) {
      if (cache.has(dep)) {
        continue;
      }
      if (fetching.containsKey(dep)) {
        deferred.computeIfAbsent(dep, k -> new ArrayList<>()).add(f);
      } else {
        send(cacheUpdate(f, 0, "needs " + dep + ", which is neither cached nor being fetched", 0));
      }
      return;
    }
    fetching.put(name, new ArrayList<>(List.of(f.getTransferId())));
    long start = System.nanoTime();
    pool.execute(() -> {
      long size = 0;
      String error = null;
      try {
        size = fetcher.fetch(f);
        bytesFetched.addAndGet(size);
      } catch (Exception e) {
        error = e.getMessage() == null ? e.toString() : e.getMessage();
      }
      long s = size;
      String err = error;
      loop.execute(() -> fetched(f, s, err, (System.nanoTime() - start) / 1_000_000));
    });
  }

  private boolean isDeferred(String cacheName) {
    for (List<FetchFile> waiting : deferred.values()) {
      for (FetchFile f : waiting) {
        if (f.getCacheName().equals(cacheName)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The cached files a mini-task or untar is made from. */
  private static List<String> madeFrom(FetchFile f) {
    List<String> deps = new ArrayList<>();
    if (f.hasMiniTask()) {
      for (Mount m : f.getMiniTask().getInputsList()) {
        deps.add(m.getCacheName());
      }
    } else if (f.hasUntar()) {
      deps.add(f.getUntar().getArchiveCacheName());
    }
    return deps;
  }

  private static CacheUpdate.Builder cacheUpdateBuilder(FetchFile f, long size, String error, long elapsedMs) {
    String source = switch (f.getSourceCase()) {
      case TRANSFER_ADDRESS -> f.getTransferAddress();
      case URL -> f.getUrl();
      case MINI_TASK -> "mini-task";
      case UNTAR -> "untar";
      default -> "";
    };
    CacheUpdate.Builder b = CacheUpdate.newBuilder().setCacheName(f.getCacheName()).setSize(size)
        .setTransferId(f.getTransferId()).setElapsedMs(elapsedMs).setSource(source);
    if (error != null) {
      b.setError(error);
    }
    return b;
  }

  private static WorkerMessage cacheUpdate(FetchFile f, long size, String error, long elapsedMs) {
    return WorkerMessage.newBuilder().setCacheUpdate(cacheUpdateBuilder(f, size, error, elapsedMs)).build();
  }

  private void fetched(FetchFile f, long size, String error, long elapsedMs) {
    List<String> ids = fetching.remove(f.getCacheName());
    if (ids == null) {
      return; // forgotten with its manager
    }
    for (String id : ids) {
      send(WorkerMessage.newBuilder().setCacheUpdate(cacheUpdateBuilder(f, size, error, elapsedMs).setTransferId(id)).build());
    }
    List<FetchFile> next = deferred.remove(f.getCacheName());
    if (next != null) {
      for (FetchFile d : next) {
        if (error == null) {
          fetch(d);
        } else {
          fetching.put(d.getCacheName(), new ArrayList<>(List.of(d.getTransferId())));
          fetched(d, 0, "needs " + f.getCacheName() + ", which could not be fetched: " + error, 0);
        }
      }
    }
    for (Job j : new ArrayList<>(jobs.values())) {
      if (j.started || !needs(j, f.getCacheName())) {
        continue;
      }
      if (error != null) {
        finish(j, TaskFinished.newBuilder().setResult(TaskResult.TASK_RESULT_INPUT_MISSING)
            .setMessage("input " + f.getCacheName() + " could not be fetched: " + error));
      } else {
        tryStart(j);
      }
    }
  }

  private static boolean needs(Job j, String cacheName) {
    for (Mount m : j.spec.getInputsList()) {
      if (m.getCacheName().equals(cacheName)) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ tasks

  private void runTask(RunTask t) {
    Resources alloc = Resources.fromWire(t.getResources());
    if (alloc.isNone()) {
      alloc = total;
    }
    Job j = new Job(t, alloc);
    if (jobs.containsKey(t.getTaskId())) {
      return;
    }
    jobs.put(t.getTaskId(), j);
    String problem = validate(t);
    if (problem != null) {
      finish(j, TaskFinished.newBuilder().setResult(TaskResult.TASK_RESULT_WORKER_ERROR).setMessage("refused: " + problem));
      return;
    }
    for (Mount m : t.getInputsList()) {
      if (!cache.has(m.getCacheName()) && !fetching.containsKey(m.getCacheName()) && !isDeferred(m.getCacheName())) {
        finish(j, TaskFinished.newBuilder().setResult(TaskResult.TASK_RESULT_INPUT_MISSING)
            .setMessage("input " + m.getCacheName() + " is neither cached nor being fetched"));
        return;
      }
    }
    tryStart(j);
  }

  private static String validate(RunTask t) {
    for (Mount m : t.getInputsList()) {
      if (!Protocol.isValidCacheName(m.getCacheName())) {
        return "invalid cache name '" + m.getCacheName() + "'";
      }
      if (!Protocol.isSafeSandboxName(m.getSandboxName())) {
        return "input name '" + m.getSandboxName() + "' would leave the sandbox";
      }
    }
    for (OutputSpec o : t.getOutputsList()) {
      if (!Protocol.isValidCacheName(o.getCacheName())) {
        return "invalid cache name '" + o.getCacheName() + "'";
      }
      if (!Protocol.isSafeSandboxName(o.getSandboxName())) {
        return "output name '" + o.getSandboxName() + "' would leave the sandbox";
      }
    }
    return null;
  }

  private void tryStart(Job j) {
    if (j.started || !jobs.containsKey(j.spec.getTaskId())) {
      return;
    }
    for (Mount m : j.spec.getInputsList()) {
      if (!cache.has(m.getCacheName())) {
        return; // still being fetched
      }
    }
    if (!inUse.plus(j.allocation).fitsIn(total)) {
      if (!queued.contains(j)) {
        queued.add(j);
      }
      return;
    }
    queued.remove(j);
    j.started = true;
    inUse = inUse.plus(j.allocation);
    long startedAt = System.currentTimeMillis();
    send(WorkerMessage.newBuilder().setTaskStarted(TaskStarted.newBuilder()
        .setTaskId(j.spec.getTaskId()).setStartedAtMs(startedAt)).build());
    Map<String, Path> inputs = new HashMap<>();
    for (Mount m : j.spec.getInputsList()) {
      inputs.put(m.getSandboxName(), cache.path(m.getCacheName()));
    }
    Sandbox box;
    try {
      box = new Sandbox(sandboxes.resolve("t" + j.spec.getTaskId()));
      for (Map.Entry<String, Path> in : inputs.entrySet()) {
        box.link(in.getValue(), in.getKey());
      }
    } catch (IOException | RuntimeException e) {
      finish(j, TaskFinished.newBuilder().setResult(TaskResult.TASK_RESULT_WORKER_ERROR)
          .setMessage("cannot prepare the sandbox: " + e.getMessage()).setStartedAtMs(startedAt));
      return;
    }
    Duration wall = j.spec.getMaxWallTimeMs() > 0 ? Duration.ofMillis(j.spec.getMaxWallTimeMs()) : null;
    long limit = j.spec.getStdoutLimit() > 0 ? j.spec.getStdoutLimit() : Protocol.DEFAULT_STDOUT_LIMIT;
    TaskProcess process = new TaskProcess(j.spec.getCommand(), box, j.spec.getEnvMap(), limit, wall);
    j.process = process;
    pool.execute(() -> {
      TaskFinished.Builder done = execute(j, box, process);
      done.setStartedAtMs(startedAt).setFinishedAtMs(System.currentTimeMillis());
      loop.execute(() -> finish(j, done));
    });
  }

  /** Runs the command and collects its outputs (on a pool thread). */
  private TaskFinished.Builder execute(Job j, Sandbox box, TaskProcess process) {
    try (box) {
      TaskProcess.Outcome o = process.run();
      tasksRun.incrementAndGet();
      TaskFinished.Builder b = TaskFinished.newBuilder()
          .setExitCode(o.exitCode())
          .setStdout(ByteString.copyFrom(o.output()))
          .setStdoutTruncated(o.truncated())
          .setMeasured(Measured.newBuilder().setWallTimeMs(o.wallMillis()).setCpuTimeMs(o.cpuMillis()));
      switch (o.end()) {
        case WALL_TIME -> {
          return b.setResult(TaskResult.TASK_RESULT_MAX_WALL_TIME)
              .setMessage("ran longer than " + j.spec.getMaxWallTimeMs() + " ms");
        }
        case KILLED -> {
          return b.setResult(TaskResult.TASK_RESULT_CANCELLED);
        }
        case SIGNALLED -> {
          return b.setResult(TaskResult.TASK_RESULT_SIGNAL).setMessage("killed by signal " + (o.exitCode() - 128));
        }
        default -> { }
      }
      if (o.exitCode() != 0) {
        return b.setResult(TaskResult.TASK_RESULT_FAILURE);
      }
      boolean allPresent = true;
      for (OutputSpec spec : j.spec.getOutputsList()) {
        Path out = box.output(spec.getSandboxName());
        if (out == null) {
          allPresent = false;
          b.addOutputs(OutputFile.newBuilder().setSandboxName(spec.getSandboxName()).setCacheName(spec.getCacheName()).setPresent(false));
          continue;
        }
        long size = cache.moveIn(out, spec.getCacheName(), CacheLevel.fromWire(spec.getLevel()));
        b.addOutputs(OutputFile.newBuilder().setSandboxName(spec.getSandboxName()).setCacheName(spec.getCacheName())
            .setPresent(true).setSize(size));
      }
      if (!allPresent) {
        return b.setResult(TaskResult.TASK_RESULT_OUTPUT_MISSING).setMessage("a declared output was not produced");
      }
      return b.setResult(TaskResult.TASK_RESULT_SUCCESS);
    } catch (IOException | RuntimeException e) {
      return TaskFinished.newBuilder().setResult(TaskResult.TASK_RESULT_WORKER_ERROR)
          .setMessage("the worker could not run the task: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return TaskFinished.newBuilder().setResult(TaskResult.TASK_RESULT_CANCELLED);
    }
  }

  private void finish(Job j, TaskFinished.Builder done) {
    if (jobs.remove(j.spec.getTaskId()) == null) {
      return;
    }
    queued.remove(j);
    if (j.started) {
      inUse = inUse.minus(j.allocation);
    }
    lastActivityNanos = System.nanoTime();
    if (!j.cancelled || done.getResult() == TaskResult.TASK_RESULT_CANCELLED) {
      send(WorkerMessage.newBuilder().setTaskFinished(done.setTaskId(j.spec.getTaskId())).build());
    }
    for (Job q : new ArrayList<>(queued)) {
      tryStart(q);
    }
  }

  private void kill(long taskId) {
    Job j = jobs.get(taskId);
    if (j == null) {
      return;
    }
    if (!j.started) {
      finish(j, TaskFinished.newBuilder().setResult(TaskResult.TASK_RESULT_CANCELLED));
    } else if (j.process != null) {
      j.process.kill();
    }
  }

  private void checkIdle() {
    if (welcomed && jobs.isEmpty() && fetching.isEmpty()
        && System.nanoTime() - lastActivityNanos > options.idleTimeout().toNanos()) {
      terminate("idle for " + options.idleTimeout().toSeconds() + " s", true);
    }
  }

  // ------------------------------------------------------------------ exit

  private void terminate(String reason, boolean ok) {
    if (terminated.isDone()) {
      return;
    }
    exitOk = ok;
    if (ok) {
      log.info("worker {} exits: {}", options.workerId(), reason);
    } else {
      log.error("worker {} exits: {}", options.workerId(), reason);
    }
    for (Job j : jobs.values()) {
      j.cancelled = true;
      if (j.process != null) {
        j.process.kill();
      }
    }
    jobs.clear();
    if (toManager != null) {
      try {
        toManager.onCompleted();
      } catch (RuntimeException e) {
        // Already closed.
      }
    }
    if (cache != null) {
      cache.removeLevels(List.of(CacheLevel.TASK, CacheLevel.WORKFLOW, CacheLevel.WORKER));
    }
    shutdownResources();
    terminated.complete(reason);
    loop.shutdown();
  }

  private void shutdownResources() {
    if (transferServer != null) {
      transferServer.shutdownNow();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (fetcher != null) {
      fetcher.close();
    }
    pool.shutdownNow();
  }

  /** Leaves the manager and exits, cleaning the cache of everything but forever-level files. */
  @Override
  public void close() {
    if (!terminated.isDone()) {
      try {
        loop.submit(() -> terminate("closed", true)).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        shutdownResources();
        terminated.complete("closed");
      }
    }
    loop.shutdownNow();
  }
}

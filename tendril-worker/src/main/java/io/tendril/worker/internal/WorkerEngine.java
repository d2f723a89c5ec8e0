package io.tendril.worker.internal;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import io.tendril.protocol.auth.TransferTokens;
import io.tendril.protocol.tls.TlsIdentity;
import io.tendril.protocol.wire.Heartbeat;
import io.tendril.protocol.wire.Hello;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Refuse;
import io.tendril.protocol.wire.Welcome;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.worker.WorkerExit;
import io.tendril.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation behind {@link io.tendril.worker.Worker}; not an API (it is public only so
 * that the public facade can reach it). Owns the worker's parts and its lifecycle: prepares the
 * workspace and the cache, starts the transfer server, connects to the manager through the {@link
 * ControlChannel}, dispatches each ManagerMessage to the {@link FetchCoordinator} or the {@link
 * TaskScheduler}, sends heartbeats, watches the idle timeout and the manager's silence, and on exit
 * stops everything and cleans the workspace.
 *
 * <p>Threads: one {@link EventLoop} owns all state; a cached pool runs blocking work (fetches,
 * commands, function calls, file moves) and posts results back; a timer thread samples process trees and watches
 * transfers. Its counterpart on the other side of the wire is the manager's worker endpoint and
 * core; the message flow is docs/protocol.md.
 *
 * <p>Function calls run in library processes of the {@link LibraryPool}, one per classpath, in
 * {@code workspace/libraries}; they are stopped when the worker stops.
 *
 * <p>With TLS ({@link WorkerOptions#tls()}), a self-signed pair is made at start for the transfer
 * server, and its fingerprint goes out in Hello; the control channel and the fetcher speak TLS.
 *
 * <p>Heartbeats, the idle timeout and the manager's silence are watched by {@link Liveness}.
 * Losing the manager kills the running tasks, cancels the fetches and removes task- and
 * workflow-level files; the worker then reconnects and announces the files it kept.
 *
 * <p>The {@link DiskWatch} reads the workspace's usable space every second; whether the disk is
 * full goes out in Hello and, at each change, as a DiskStatus.
 */
public final class WorkerEngine {
  private static final Logger log = LoggerFactory.getLogger(WorkerEngine.class);

  /** How often the loop checks the idle timeout, the connect deadline and the manager's silence. */
  static final long TICK_MILLIS = 100;

  private final WorkerOptions options;
  private final EventLoop loop;
  private final ExecutorService pool;
  private final ScheduledThreadPoolExecutor timers;
  private final Outbox outbox;
  private final CompletableFuture<WorkerExit> exit = new CompletableFuture<>();
  private final AtomicLong bytesFetched = new AtomicLong();
  private final AtomicLong tasksRun = new AtomicLong();
  private boolean started;

  private volatile Path workspace;
  private volatile Resources total;
  private volatile String transferAddress;
  private volatile String transferDataAddress = "";
  /** The fingerprint of the transfer server's certificate; empty without TLS. */
  private volatile String transferFingerprint = "";
  private volatile TransferServer transferServer;
  private volatile boolean connected;
  private boolean ownsWorkspace;
  private String hostname;
  private WorkerCache cache;
  private Path sandboxes;
  private LibraryPool libraries;
  private Fetcher fetcher;
  private FetchCoordinator fetches;
  private TaskScheduler tasks;
  private ProcessLauncher launcher;
  private ControlChannel control;
  private Liveness liveness;
  private volatile DiskWatch disk;
  private boolean terminating; // loop-confined

  /**
   * Creates the engine of one worker; nothing runs until {@link #start()}.
   *
   * @param options the worker's options
   */
  public WorkerEngine(WorkerOptions options) {
    this.options = options;
    String id = options.workerId();
    this.loop = new EventLoop("tendril-worker-" + id);
    this.outbox = new Outbox(loop::post);
    this.pool = Executors.newCachedThreadPool(WorkerThreads.factory("tendril-worker-" + id + "-job"));
    this.timers = new ScheduledThreadPoolExecutor(1, WorkerThreads.factory("tendril-worker-" + id + "-timer"));
    this.timers.setRemoveOnCancelPolicy(true);
  }

  /**
   * Prepares the workspace, starts the transfer server and begins connecting.
   *
   * @throws IllegalStateException if started or closed before
   * @throws UncheckedIOException if the workspace or the transfer server cannot be set up
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("worker " + options.workerId() + " was started or closed before");
    }
    started = true;
    try {
      prepare();
    } catch (IOException | RuntimeException e) {
      String message = "worker " + options.workerId() + " cannot start: " + e.getClass().getSimpleName() + " "
          + e.getMessage();
      log.error(message);
      stopParts();
      loop.shutdown();
      if (ownsWorkspace && workspace != null) {
        PathTrees.deleteQuietly(workspace);
      }
      exit.complete(new WorkerExit(WorkerExit.Reason.FAILED, message));
      throw e instanceof IOException io ? new UncheckedIOException(message, io)
          : e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    log.info("worker {} offers {}; files served at {}{}; workspace {}", options.workerId(), total, transferAddress,
        transferFingerprint.isEmpty() ? "" : " over TLS (certificate " + transferFingerprint + ")", workspace);
    loop.post(control::start);
    loop.every(this::tick, TICK_MILLIS);
    loop.every(disk::check, DiskWatch.CHECK_MILLIS);
  }

  private void prepare() throws IOException {
    Optional<Path> given = options.workspace();
    if (given.isPresent()) {
      workspace = Files.createDirectories(given.get()).toAbsolutePath().normalize();
    } else {
      workspace = Files.createTempDirectory("tendril-worker-").toAbsolutePath();
      ownsWorkspace = true;
    }
    disk = new DiskWatch(options.workerId(), workspace, options.diskFloorMb(), options.diskSpace(), loop::post,
        s -> outbox.send(WorkerMessage.newBuilder().setDiskStatus(s).build()));
    disk.check(); // before the loop runs: the state Hello carries
    cache = WorkerCache.open(workspace.resolve("cache"));
    sandboxes = workspace.resolve("sandbox");
    PathTrees.delete(sandboxes);
    Files.createDirectories(sandboxes);
    total = ResourceDetector.detect(options, workspace);
    Path libraryDir = workspace.resolve("libraries");
    PathTrees.delete(libraryDir);
    Files.createDirectories(libraryDir);
    long heapMb = options.libraryHeapMb().orElse(total.memoryMb());
    libraries = new LibraryPool(libraryDir, cache, (int) Math.max(1, Math.ceil(total.cores())),
        LibraryCommand.ofThisJvm(heapMb));
    hostname = NetworkAddresses.hostname();
    String host = options.transferHost().orElseGet(() -> NetworkAddresses.localAddressTowards(
        options.managerHost(), options.managerPort()).getHostAddress());
    TlsIdentity identity = null;
    if (options.tls().isPresent()) {
      // The transfer server's own pair, made for this process; peers pin it by the fingerprint in Hello.
      identity = TlsIdentity.selfSigned("tendril worker " + options.workerId(), List.of(host, hostname));
      transferFingerprint = identity.fingerprint();
    }
    transferServer = new TransferServer(cache, options.workerId(), new InetSocketAddress(host, options.transferPort()),
        options.transferConcurrency(), TransferTokens.of(options.password().orElse(null)), identity,
        options.transferDataPort() < 0 ? null : new InetSocketAddress(host, options.transferDataPort()));
    transferAddress = NetworkAddresses.hostPort(host, transferServer.port());
    transferDataAddress = transferServer.dataPort() < 0 ? "" : NetworkAddresses.hostPort(host, transferServer.dataPort());
    fetcher = new Fetcher(cache, sandboxes, timers, options.workerId(), identity != null);
    fetches = new FetchCoordinator(cache, fetcher, pool, loop, outbox, bytesFetched, (n, e) -> tasks.onFetched(n, e),
        disk);
    launcher = ProcessLauncher.create(options.directSpawn());
    tasks = new TaskScheduler(total, cache, sandboxes, pool, options.monitorInterval(), loop, outbox, tasksRun, fetches::isPending,
        libraries, disk, launcher);
    control = new ControlChannel(options.managerHost(), options.managerPort(), options.connectTimeout(), loop, outbox,
        new ControlListener(), options.password().orElse(null), options.tls().orElse(null));
    liveness = new Liveness(options.idleTimeout(), loop, this::sendHeartbeat);
  }

  /**
   * Starts if needed and waits for the exit; an interrupt closes the worker.
   *
   * @return the exit; {@link WorkerExit.Reason#FAILED} if the worker could not start
   */
  public WorkerExit run() {
    synchronized (this) {
      if (!started) {
        try {
          start();
        } catch (RuntimeException e) {
          return exit.getNow(new WorkerExit(WorkerExit.Reason.FAILED, String.valueOf(e.getMessage())));
        }
      }
    }
    try {
      return exit.get();
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      return exit.getNow(new WorkerExit(WorkerExit.Reason.CLOSED, "interrupted"));
    } catch (ExecutionException e) {
      return new WorkerExit(WorkerExit.Reason.FAILED, String.valueOf(e.getCause()));
    }
  }

  /**
   * Waits for the exit.
   *
   * @param timeout how long at most
   * @return true if the worker has exited
   * @throws InterruptedException if interrupted
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    try {
      exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /**
   * Reports why the worker exited.
   *
   * @return the exit, or empty while the worker runs or before it starts
   */
  public Optional<WorkerExit> exit() {
    return Optional.ofNullable(exit.getNow(null));
  }

  /**
   * Tells whether the manager has welcomed the current connection.
   *
   * @return true between Welcome and the loss of the connection
   */
  public boolean isConnected() {
    return connected;
  }

  /**
   * Tells whether the worker counts its workspace's disk as full (it then takes no task that
   * needs disk).
   *
   * @return true while full; false before start
   */
  public boolean diskFull() {
    DiskWatch d = disk;
    return d != null && d.fullSeen();
  }

  /**
   * Gives the options the worker was created with.
   *
   * @return the options
   */
  public WorkerOptions options() {
    return options;
  }

  /**
   * Gives the resources the worker offers, given or detected.
   *
   * @return the resources, or null before start
   */
  public Resources resources() {
    return total;
  }

  /**
   * Gives the address of the transfer server, as announced in Hello.
   *
   * @return {@code host:port}, or null before start
   */
  public String transferAddress() {
    return transferAddress;
  }

  /** host:port of the transfer data port, or empty when there is none. */
  public String transferDataAddress() {
    return transferDataAddress;
  }

  /**
   * Gives the workspace directory.
   *
   * @return the absolute directory, or null before start
   */
  public Path workspace() {
    return workspace;
  }

  /**
   * Counts the data bytes the transfer server has sent.
   *
   * @return the count since start
   */
  public long bytesServed() {
    TransferServer t = transferServer;
    return t == null ? 0 : t.bytesServed();
  }

  /**
   * Counts the data bytes fetches received from transfer servers and URLs.
   *
   * @return the count since start
   */
  public long bytesFetched() {
    return bytesFetched.get();
  }

  /**
   * Counts the task commands started.
   *
   * @return the count since start
   */
  public long tasksRun() {
    return tasksRun.get();
  }

  /** Stops the worker and waits up to 30 seconds for it to finish cleaning up; idempotent. */
  public void close() {
    synchronized (this) {
      if (!started) {
        started = true;
        exit.complete(new WorkerExit(WorkerExit.Reason.CLOSED, "closed before it started"));
        return;
      }
    }
    if (exit.isDone()) {
      return;
    }
    if (loop.inLoop()) {
      terminate(WorkerExit.Reason.CLOSED, "closed");
      return;
    }
    loop.post(() -> terminate(WorkerExit.Reason.CLOSED, "closed"));
    try {
      exit.get(30, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("worker {} did not finish closing in 30 s", options.workerId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ on the loop

  private WorkerMessage hello() {
    return WorkerMessage.newBuilder().setHello(Hello.newBuilder()
        .setProtocolVersion(Protocol.VERSION)
        .setWorkerId(options.workerId())
        .setHostname(hostname)
        .setResources(total.toWire())
        .setTransferAddress(transferAddress)
        .setTransferFingerprint(transferFingerprint)
        .setTransferDataAddress(transferDataAddress)
        .addAllCached(cache.listing())
        .setWorkspace(workspace.toString())
        .setDiskStatus(disk.status())).build();
  }

  private void onMessage(ManagerMessage m) {
    liveness.heard();
    switch (m.getKindCase()) {
      case WELCOME -> onWelcome(m.getWelcome());
      case REFUSE -> refused(m.getRefuse());
      case HEARTBEAT_ACK -> { }
      default -> {
        if (!control.established()) {
          log.warn("ignoring {} sent before Welcome", m.getKindCase());
          return;
        }
        dispatch(m);
      }
    }
  }

  /** Ends the worker on a Refuse; a refusal about the password is an authentication failure. */
  private void refused(Refuse r) {
    String manager = "the manager at " + options.managerHost() + ":" + options.managerPort();
    switch (r.getCode()) {
      case REFUSE_CODE_AUTH_FAILED -> terminate(WorkerExit.Reason.AUTHENTICATION_FAILED,
          "authentication with " + manager + " failed: " + r.getReason());
      case REFUSE_CODE_PASSWORD_REQUIRED -> terminate(WorkerExit.Reason.AUTHENTICATION_FAILED,
          manager + " requires a password and worker " + options.workerId()
              + " has none: start it with --password FILE, FILE holding the manager's password");
      case REFUSE_CODE_NO_PASSWORD -> terminate(WorkerExit.Reason.AUTHENTICATION_FAILED,
          "worker " + options.workerId() + " has a password but " + manager
              + " expects none: start the worker without --password, or the manager with the same password");
      default -> terminate(WorkerExit.Reason.REFUSED,
          manager + " refused worker " + options.workerId() + ": " + r.getReason());
    }
  }

  private void dispatch(ManagerMessage m) {
    switch (m.getKindCase()) {
      case FETCH_FILE -> {
        liveness.activity();
        fetches.onFetchFile(m.getFetchFile());
      }
      case RUN_TASK -> {
        liveness.activity();
        tasks.onRunTask(m.getRunTask());
      }
      case KILL_TASK -> tasks.kill(m.getKillTask().getTaskId());
      case UNLINK -> unlink(m.getUnlink().getCacheName());
      case SHUTDOWN -> terminate(WorkerExit.Reason.SHUTDOWN, "the manager asked worker " + options.workerId()
          + " to leave" + (m.getShutdown().getReason().isEmpty() ? "" : ": " + m.getShutdown().getReason()));
      default -> log.debug("ignoring a manager message of kind {}", m.getKindCase());
    }
  }

  private void onWelcome(Welcome w) {
    if (control.established()) {
      log.warn("ignoring a second Welcome");
      return;
    }
    if (w.getProtocolVersion() != Protocol.VERSION) {
      terminate(WorkerExit.Reason.REFUSED, "the manager speaks protocol version " + w.getProtocolVersion()
          + " and this worker " + Protocol.VERSION + ": run a worker of the manager's Tendril version");
      return;
    }
    control.welcomed();
    connected = true;
    long heartbeatMillis = w.getHeartbeatIntervalMs() > 0 ? w.getHeartbeatIntervalMs()
        : options.heartbeatInterval().toMillis();
    liveness.connected(heartbeatMillis);
    log.info("worker {} connected to manager '{}' at {}:{}; heartbeat every {} ms", options.workerId(),
        w.getManagerName(), options.managerHost(), options.managerPort(), heartbeatMillis);
  }

  private void unlink(String cacheName) {
    if (!Protocol.isValidCacheName(cacheName)) {
      log.warn("ignoring Unlink of an invalid cache name '{}'", cacheName);
      return;
    }
    fetches.onUnlink(cacheName);
    libraries.retire(cacheName);
    if (!cache.remove(cacheName)) {
      log.debug("Unlink of {}, which is not cached", cacheName);
    }
  }

  private void sendHeartbeat() {
    outbox.send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setSentAtMs(System.currentTimeMillis())
        .setInUse(tasks.inUse().toWire())
        .setCacheBytes(cache.bytes())
        .setDiskFreeMb(Math.max(0, disk.freeMb()))).build());
  }

  private void tick() {
    if (terminating) {
      return;
    }
    control.checkDeadline();
    if (terminating || !control.established()) {
      return;
    }
    switch (liveness.check(tasks.count() > 0 || fetches.count() > 0)) {
      case IDLE -> terminate(WorkerExit.Reason.IDLE, "worker " + options.workerId() + " had no task for "
          + Durations.human(options.idleTimeout()));
      case SILENT -> control.drop("the manager was silent for " + Durations.human(liveness.silenceLimit()));
      default -> { }
    }
  }

  private void lost() {
    connected = false;
    liveness.disconnected();
    tasks.killAll();
    fetches.cancelAll();
    cache.removeLevels(EnumSet.of(CacheLevel.TASK, CacheLevel.WORKFLOW));
    libraries.retireUnless(cache::has);
  }

  private void terminate(WorkerExit.Reason reason, String message) {
    if (terminating) {
      return;
    }
    terminating = true;
    connected = false;
    if (reason.isError()) {
      log.error("worker {} exits: {}", options.workerId(), message);
    } else {
      log.info("worker {} exits: {}", options.workerId(), message);
    }
    liveness.disconnected();
    tasks.killAll();
    fetches.cancelAll();
    control.close();
    stopParts();
    cache.closeAndClean();
    PathTrees.deleteQuietly(sandboxes);
    if (ownsWorkspace && !cache.holdsForever()) {
      PathTrees.deleteQuietly(workspace);
    }
    exit.complete(new WorkerExit(reason, message));
    loop.shutdown();
  }

  /** Stops the servers and threads (also after a failed start). */
  private void stopParts() {
    if (transferServer != null) {
      transferServer.close();
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(ProcessTree.KILL_GRACE.toMillis() + 3000, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
        pool.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (fetcher != null) {
      fetcher.close();
    }
    if (libraries != null) {
      libraries.close();
    }
    timers.shutdownNow();
  }

  /** Connects the control channel's events to the engine, on the loop. */
  private final class ControlListener implements ControlChannel.Listener {
    @Override
    public WorkerMessage hello() {
      return WorkerEngine.this.hello();
    }

    @Override
    public void onMessage(ManagerMessage m) {
      WorkerEngine.this.onMessage(m);
    }

    @Override
    public void onLost(String reason) {
      lost();
    }

    @Override
    public void onUnreachable(String reason) {
      terminate(WorkerExit.Reason.MANAGER_UNREACHABLE, reason);
    }

    @Override
    public void onAuthenticationFailed(String reason) {
      terminate(WorkerExit.Reason.AUTHENTICATION_FAILED, reason);
    }

    @Override
    public void onTlsFailed(String reason) {
      terminate(WorkerExit.Reason.TLS_FAILED, reason);
    }
  }
}

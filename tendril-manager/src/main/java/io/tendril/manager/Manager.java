package io.tendril.manager;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.tendril.graph.Scheduler;
import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.auth.TransferTokens;
import io.tendril.protocol.tls.TlsIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Tendril manager: a library inside your program that hands tasks to the workers that connect
 * to it, keeps data on the workers, moves it between them, and recovers from workers that come
 * and go. It listens as soon as it is created.
 *
 * <pre>{@code
 * try (Manager m = new Manager(ManagerOptions.builder().port(9123).build())) {
 *   DeclaredFile in = m.declareFile(Path.of("input.txt"), CacheLevel.WORKFLOW);
 *   DeclaredFile out = m.declareFile(Path.of("output.txt"), CacheLevel.WORKFLOW);
 *   m.submit(CommandTask.builder("wc -l input.txt > output.txt").input(in, "input.txt")
 *       .output("output.txt", out).build());
 *   while (!m.isEmpty()) {
 *     m.await(Duration.ofSeconds(5)).ifPresent(t -> System.out.println(t.resultCode() + " " + t.exitCode()));
 *   }
 * }
 * }</pre>
 *
 * <p>Every public method is safe to call from any thread. All scheduling state lives on one event
 * loop thread; calls post events to it. A task's failure is data on the task ({@link
 * CommandTask#resultCode()}), never an exception; misuse (an undeclared file, a task submitted
 * twice) is an exception saying what to do.
 */
public final class Manager implements AutoCloseable, Scheduler {
  private static final org.slf4j.Logger slf4j = org.slf4j.LoggerFactory.getLogger(Manager.class);
  private final ManagerOptions options;
  private final Path runDirectory;
  private final TransactionLog log;
  private final EventLoop loop;
  private final ManagerCore core;
  private final ManagerTransferService transfers;
  private final OutputRetriever retriever;
  private final Server server;
  private final LinkedBlockingQueue<CommandTask> completed = new LinkedBlockingQueue<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong outstanding = new AtomicLong();
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final Environment environment = new Environment(this);
  private final CallerCodecs codecs = new CallerCodecs();
  private final Instant startedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

  /**
   * Starts a manager and listens at once.
   *
   * @param options where to listen, the name, the run directory, the password and TLS (with TLS, the
   *     certificate and its fingerprint are written to the run directory: tls-certificate.pem, tls-fingerprint)
   * @throws UncheckedIOException if the port cannot be bound or the run directory written
   */
  public Manager(ManagerOptions options) {
    this.options = options;
    try {
      this.runDirectory = options.runDirectory() != null
          ? Files.createDirectories(options.runDirectory())
          : Files.createTempDirectory("tendril-run-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run directory " + options.runDirectory(), e);
    }
    TlsIdentity tls = options.tls().orElse(null);
    if (tls != null) {
      try {
        tls.writePublicParts(runDirectory);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the TLS fingerprint to the run directory " + runDirectory, e);
      }
    }
    this.log = new TransactionLog(runDirectory);
    TransferTokens tokens = TransferTokens.of(options.password().orElse(null));
    this.transfers = new ManagerTransferService(10, tokens);
    this.retriever = new OutputRetriever(tokens);
    this.core = new ManagerCore(options.name(), log, completed, retriever, ids::incrementAndGet, tokens,
        tls == null ? "" : tls.fingerprint());
    this.loop = new EventLoop("tendril-manager-loop", () -> {
      core.schedule();
      core.replicator.pass(); // after the tasks' transfers: replication is background work
      core.sends.flush();
    }, () -> core.tick(w -> {
      try {
        w.stream.onError(io.grpc.Status.DEADLINE_EXCEEDED
            .withDescription("no heartbeat within the keepalive timeout").asRuntimeException());
      } catch (RuntimeException e) {
        // Already closed.
      }
    }), 1000);
    retriever.bind(loop, core::onRetrieved);
    try {
      WorkerEndpoint endpoint = new WorkerEndpoint(loop, core, options.port(), options.password().orElse(null),
          this::snapshot);
      ServerCredentials creds = tls == null ? InsecureServerCredentials.create() : tls.serverCredentials();
      this.server = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.port()), creds)
          .addService(ServerInterceptors.intercept(endpoint, new WorkerEndpoint.LocalAddressInterceptor()))
          .addService(transfers)
          .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
          .flowControlWindow(Protocol.TRANSFER_WINDOW_BYTES)
          .permitKeepAliveTime(1, TimeUnit.SECONDS)
          .build()
          .start();
    } catch (IOException e) {
      loop.stop();
      log.close();
      throw new UncheckedIOException("cannot listen on " + options.host() + ":" + options.port()
          + " (is another manager using it? use port 0 for any free port)", e);
    }
    if (tls != null) {
      slf4j.info("manager '{}' speaks TLS on port {}; its certificate's SHA-256 fingerprint is {} ({}), in {}",
          options.name(), port(), tls.fingerprint(), tls.generated() ? "self-signed for this run" : "loaded",
          runDirectory.resolve("tls-fingerprint"));
    }
    loop.post(() -> log.event("manager", "event", "start", "name", options.name(), "port", port(),
        "run_directory", runDirectory.toString(), "password", options.password().isPresent(),
        "tls_fingerprint", tls == null ? "" : tls.fingerprint()));
  }

  /**
   * The SHA-256 fingerprint of the certificate the manager serves TLS with: what workers pin with
   * {@code --ssl-fingerprint}. Also in {@code tls-fingerprint} in the run directory.
   *
   * @return 64 lower-case hex digits, or empty without TLS
   */
  public Optional<String> tlsFingerprint() {
    return options.tls().map(TlsIdentity::fingerprint);
  }

  /** The port the manager listens on. */
  public int port() {
    return server.getPort();
  }

  /** The manager's name. */
  public String name() {
    return options.name();
  }

  /** The run directory, holding {@code transactions.jsonl}. */
  public Path runDirectory() {
    return runDirectory;
  }

  /** The transaction log file. */
  public Path transactionLog() {
    return log.file();
  }

  /**
   * Runs a task graph on the workers and returns the requested keys' results, as the local
   * schedulers do: each task of the graph becomes a function call in a library on a worker, its
   * result stays on that worker until a consumer needs it, and only the requested results come
   * back. Uses {@link GetOptions#defaults()}.
   *
   * @param dsk the graph: keys to literals, keys or {@link io.tendril.graph.Task}s
   * @param keys one key or nested lists of keys
   * @return the results, in the nesting of {@code keys}
   * @throws io.tendril.graph.TaskFailedException if a task threw (its cause is a {@link
   *     RemoteTaskException}) or could not be sent or run
   * @throws io.tendril.graph.GraphException if the graph has a cycle or lacks a key
   */
  @Override
  public Object get(Map<?, ?> dsk, Object keys) {
    return get(dsk, keys, GetOptions.defaults());
  }

  /**
   * Runs a task graph on the workers with options; see {@link #get(Map, Object)}.
   *
   * @param dsk the graph
   * @param keys one key or nested lists of keys
   * @param options resources, retries, transfers, environment, allowed classes, progress
   * @return the results, in the nesting of {@code keys}
   */
  public Object get(Map<?, ?> dsk, Object keys, GetOptions options) {
    requireOpen();
    return new ClusterGet(this, environment, dsk, keys, options).run();
  }

  /** The codecs of graph runs, shared across runs. */
  CallerCodecs codecs() {
    return codecs;
  }

  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the manager is closed");
    }
  }

  /**
   * Submits a task; it runs when a worker with room can have its inputs.
   *
   * @param task the task (each CommandTask object is submitted once)
   * @return the task's id
   * @throws IllegalArgumentException if an input or output was not declared at this manager
   */
  public long submit(CommandTask task) {
    requireOpen();
    for (DeclaredFile f : task.inputs().keySet()) {
      requireDeclared(f, "input");
    }
    for (DeclaredFile f : task.outputs().values()) {
      requireDeclared(f, "output");
    }
    long id = ids.incrementAndGet();
    task.assignId(id);
    outstanding.incrementAndGet();
    loop.post(() -> core.submit(task));
    return id;
  }

  private void requireDeclared(DeclaredFile f, String role) {
    if (!f.isCallResult() && !declared.contains(f.cacheName())) {
      throw new IllegalArgumentException(role + " " + f + " was not declared at this manager (or was undeclared): "
          + "declare it with declareFile, declareBuffer, declareUrl, declareTemp, ... first");
    }
  }

  /**
   * Waits for the next finished task.
   *
   * @param timeout how long to wait at most
   * @return the finished task, or empty if none finished in time
   */
  public Optional<CommandTask> await(Duration timeout) {
    try {
      CommandTask t = completed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (t != null) {
        outstanding.decrementAndGet();
      }
      return Optional.ofNullable(t);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Whether every submitted task was returned by {@link #await}. */
  public boolean isEmpty() {
    return outstanding.get() == 0;
  }

  /** How many more tasks the manager can usefully take now (for submit loops that keep it fed). */
  public int hungry() {
    return core.hungry;
  }

  /**
   * How many tasks a graph run keeps submitted and not yet finished: enough to fill every connected
   * core, its prefetch, and the ready queue hungry() asks for. Cheap (a volatile read).
   */
  int window() {
    return core.window;
  }

  /** Cancels a task; it finishes {@link ResultCode#CANCELLED}. Unknown or finished ids are ignored. */
  public void cancel(long id) {
    loop.post(() -> core.cancel(id));
  }

  /** Cancels every unfinished task with this tag. */
  public void cancelByTag(String tag) {
    loop.post(() -> core.cancelByTag(tag));
  }

  // ------------------------------------------------------------------ files

  private DeclaredFile register(DeclaredFile f, byte[] buffer) {
    requireOpen();
    if (f.kind() == DeclaredFile.Kind.LOCAL || f.kind() == DeclaredFile.Kind.BUFFER) {
      transfers.publish(f, buffer);
    }
    declared.add(f.cacheName());
    loop.post(() -> core.declare(f));
    return f;
  }

  private static void requireLevel(CacheLevel level) {
    if (level == null) {
      throw new IllegalArgumentException("cache level is null: use CacheLevel.TASK, WORKFLOW, WORKER or FOREVER");
    }
  }

  /**
   * Declares a file or directory on the manager's disk, as an input (sent to workers) or as an
   * output (where a task's result is written). Its cache name comes from its path, size and
   * modification time, so a changed file is a new file to the workers.
   */
  public DeclaredFile declareFile(Path path, CacheLevel level) {
    Path abs = path.toAbsolutePath().normalize();
    String stamp = "absent";
    try {
      if (Files.exists(abs)) {
        stamp = (Files.isDirectory(abs) ? 0 : Files.size(abs)) + ":" + Files.getLastModifiedTime(abs).toMillis();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + abs, e);
    }
    return declareFile(abs, level, stamp);
  }

  /** Declares a file or directory whose identity the caller stamped (see {@link Environment}). */
  DeclaredFile declareFile(Path path, CacheLevel level, String stamp) {
    requireLevel(level);
    Path abs = path.toAbsolutePath().normalize();
    long size = -1;
    try {
      if (Files.exists(abs)) {
        size = Files.isDirectory(abs) ? 0 : Files.size(abs);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + abs, e);
    }
    String name = CacheNames.of("file", abs.toString(), stamp);
    return register(new DeclaredFile(DeclaredFile.Kind.LOCAL, name, level, abs, null, size, null, null, null), null);
  }

  /** Declares bytes held by the manager; named by their content. */
  public DeclaredFile declareBuffer(byte[] bytes, CacheLevel level) {
    requireLevel(level);
    byte[] copy = bytes.clone();
    String name = CacheNames.of("buffer", copy);
    return register(new DeclaredFile(DeclaredFile.Kind.BUFFER, name, level, null, null, copy.length, null, null, null), copy);
  }

  /** Declares a URL that each worker fetches itself (http, https, file), or gets from a peer. */
  public DeclaredFile declareUrl(String url, CacheLevel level) {
    requireLevel(level);
    java.net.URI uri;
    try {
      uri = java.net.URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid URL: " + url, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!Set.of("http", "https", "file").contains(scheme)) {
      throw new IllegalArgumentException("URL " + url + " must be http, https or file");
    }
    return register(new DeclaredFile(DeclaredFile.Kind.URL, CacheNames.of("url", url), level, null, url, -1, null, null, null), null);
  }

  /** Declares a temp: an output that stays on the worker that made it until a task needs it. */
  public DeclaredFile declareTemp() {
    return register(new DeclaredFile(DeclaredFile.Kind.TEMP, CacheNames.temp(), CacheLevel.WORKFLOW, null, null, -1, null, null, null), null);
  }

  /**
   * Declares the temp of a graph call's result without a turn of the loop: the task that makes it
   * enters it in the file table when submitted. Unlogged, as a graph run declares one per call and
   * most come back inline and are dropped with {@link #dropInlineResults}.
   */
  DeclaredFile declareCallResult() {
    requireOpen();
    // Not added to the declared names (a concurrent set, costly at tens of thousands of calls a
    // second): only the run that made it holds the handle, and it undeclares it when done.
    return DeclaredFile.callResult(CacheNames.temp());
  }

  /**
   * Forgets the temps of call results that came back inline, so were made on no worker: one turn of
   * the loop for a whole batch, rather than an {@link #undeclare} each.
   */
  void dropInlineResults(java.util.List<DeclaredFile> files) {
    loop.post(() -> core.dropUnmade(files));
  }

  /** Declares a file made on the worker by running a command; {@code name} is the output it leaves in its sandbox. */
  public DeclaredFile declareMiniTask(CommandTask task, String name) {
    if (!Protocol.isSafeSandboxName(name)) {
      throw new IllegalArgumentException("mini-task output '" + name + "' must be a relative path inside the sandbox");
    }
    StringBuilder origin = new StringBuilder(task.command()).append('\0').append(name);
    for (Map.Entry<DeclaredFile, String> in : task.inputs().entrySet()) {
      requireDeclared(in.getKey(), "mini-task input");
      origin.append('\0').append(in.getKey().cacheName()).append('=').append(in.getValue());
    }
    return register(new DeclaredFile(DeclaredFile.Kind.MINI_TASK, CacheNames.of("mini", origin.toString()),
        CacheLevel.WORKFLOW, null, null, -1, task, name, null), null);
  }

  /** Declares the directory a tar archive unpacks to, made on the worker. */
  public DeclaredFile declareUntar(DeclaredFile archive) {
    requireDeclared(archive, "archive");
    return register(new DeclaredFile(DeclaredFile.Kind.UNTAR, CacheNames.of("untar", archive.cacheName()),
        archive.cacheLevel(), null, null, -1, null, null, archive), null);
  }

  /**
   * The contents of a declared file: read locally for local files and buffers, fetched from a
   * worker holding it otherwise.
   *
   * @throws IllegalStateException if no worker holds it
   */
  public byte[] fetchFile(DeclaredFile file) {
    requireDeclared(file, "file");
    byte[] buffer = transfers.buffer(file.cacheName());
    if (buffer != null) {
      return buffer.clone();
    }
    try {
      if (file.kind() == DeclaredFile.Kind.LOCAL && file.path().isPresent() && Files.isRegularFile(file.path().get())) {
        return Files.readAllBytes(file.path().get());
      }
      ManagerCore.Replica replica = loop.call(() -> core.replica(file.cacheName()));
      if (replica == null) {
        throw new IllegalStateException(file + " is on no connected worker");
      }
      String address = replica.address();
      Path tmp = Files.createTempFile("tendril-fetch-", ".bin");
      try {
        retriever.fetchTo(address, replica.fingerprint(), file.cacheName(), tmp, -1, 0);
        byte[] bytes = Files.readAllBytes(tmp);
        loop.post(() -> core.onFetched(file.cacheName(), address, bytes.length));
        return bytes;
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch " + file, e);
    }
  }

  /** Forgets a file: workers delete their replicas and it may not be used by new tasks. */
  public void undeclare(DeclaredFile file) {
    declared.remove(file.cacheName());
    transfers.withdraw(file);
    loop.post(() -> core.undeclare(file));
  }

  /**
   * Deletes a temp from the workers while keeping its lineage: should a result made from it be lost
   * later, the manager makes it again by re-running its producer. It stays declared until {@link
   * #undeclare}. For graph runs, which prune results no pending call reads.
   */
  void prune(DeclaredFile file) {
    loop.post(() -> core.prune(file));
  }

  /**
   * Sets a knob; the table of knobs, defaults and units is in docs/manager.md.
   *
   * @throws IllegalArgumentException for an unknown knob or a bad value
   */
  public void tune(String name, double value) {
    loop.call(() -> {
      core.knobs.set(name, value);
      log.event("manager", "event", "tune", "knob", name, "value", value);
      return null;
    });
  }

  /**
   * The category named {@code name}, to configure: its mode, maximum, minimum, first guess and
   * how many of its tasks may run at once. Tasks belong to {@code "default"} unless they name
   * another; a function call of {@link #get} belongs to its function's category. A category that
   * was never configured is {@link io.tendril.manager.resources.ResourcesMode#FIXED} with nothing
   * declared: its tasks get what they declare.
   *
   * @param name the category's name, not blank
   * @return a handle whose setters apply at once, from any thread
   */
  public Category category(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a category needs a non-empty name, e.g. \"default\"");
    }
    return new Category(name, (n, change) -> {
      requireOpen();
      return loop.call(() -> core.configureCategory(n, change));
    });
  }

  /**
   * A snapshot of every category configured or named by a task: settings, tasks done, running and
   * waiting, the largest peaks measured, and the first allocation in effect.
   */
  public java.util.List<CategorySummary> categories() {
    return loop.call(core::categorySummaries);
  }

  /** A snapshot of the manager's counters. */
  public ManagerStats stats() {
    return loop.call(() -> core.stats(transfers.bytesSent.get()));
  }

  /**
   * A snapshot of the whole manager: its counters, categories and connected workers. What {@code
   * tendril status HOST:PORT} prints, and what a {@link StatusClient} receives from afar.
   */
  public ManagerStatus status() {
    return loop.call(this::snapshot);
  }

  /** {@link #status()}, on the loop. */
  private ManagerStatus snapshot() {
    return new ManagerStatus(options.name(), startedAt, Instant.now(), core.stats(transfers.bytesSent.get()),
        core.categorySummaries(), core.workerSummaries());
  }

  /** Stops listening, tells connected workers to leave, and closes the log. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.call(() -> {
      for (WorkerEntry w : core.workers.values()) {
        w.send(io.tendril.protocol.wire.ManagerMessage.newBuilder()
            .setShutdown(io.tendril.protocol.wire.Shutdown.newBuilder().setReason("the manager is closing")).build());
        w.flush(); // the goodbye goes out before the stream ends, not with the end of the loop's turn
        try {
          w.stream.onCompleted();
        } catch (RuntimeException e) {
          // Already gone.
        }
      }
      log.event("manager", "event", "stop");
      return null;
    });
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    loop.stop();
    retriever.close();
    transfers.close();
    log.close();
  }
}

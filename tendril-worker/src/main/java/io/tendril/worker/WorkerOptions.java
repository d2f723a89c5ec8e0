package io.tendril.worker;

import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.tls.ServerTrust;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * How a {@link Worker} starts: which manager it serves, what it offers, where it keeps its files
 * and how long it waits. Immutable; built with {@link #builder(String, int)}, whose setters check
 * each value and name the offending field in their {@link IllegalArgumentException}.
 *
 * <p>Owned by whoever starts a worker: the {@code tendril worker} command, tests, or a program
 * embedding workers. Its counterpart on the manager's side is the {@code Hello} the worker sends:
 * the resources and addresses chosen here are what the manager learns about this worker.
 *
 * <p>Command-line mapping of {@code tendril worker HOST:PORT [flags]}:
 *
 * <table>
 *   <caption>Flags of {@code tendril worker} and the option each sets</caption>
 *   <tr><th>flag</th><th>option</th><th>default</th></tr>
 *   <tr><td>{@code HOST:PORT}</td><td>{@link #builder(String, int)}</td><td>required</td></tr>
 *   <tr><td>{@code --cores N}</td><td>{@link Builder#cores(double)}</td>
 *       <td>{@link Runtime#availableProcessors()}</td></tr>
 *   <tr><td>{@code --memory MB}</td><td>{@link Builder#memoryMb(long)}</td>
 *       <td>MemTotal of /proc/meminfo</td></tr>
 *   <tr><td>{@code --disk MB}</td><td>{@link Builder#diskMb(long)}</td>
 *       <td>free space of the workspace's file system</td></tr>
 *   <tr><td>{@code --gpus N}</td><td>{@link Builder#gpus(int)}</td>
 *       <td>lines of {@code nvidia-smi --query-gpu=name --format=csv,noheader}, or 0</td></tr>
 *   <tr><td>{@code --disk-floor MB}</td><td>{@link Builder#diskFloorMb(long)}</td>
 *       <td>{@link #DEFAULT_DISK_FLOOR_MB}</td></tr>
 *   <tr><td>{@code --workspace DIR}</td><td>{@link Builder#workspace(Path)}</td>
 *       <td>a new temporary directory, deleted on exit unless it holds forever-level files</td></tr>
 *   <tr><td>{@code --idle-timeout SECONDS}</td><td>{@link Builder#idleTimeout(Duration)}</td>
 *       <td>{@link #DEFAULT_IDLE_TIMEOUT}</td></tr>
 *   <tr><td>{@code --connect-timeout SECONDS}</td><td>{@link Builder#connectTimeout(Duration)}</td>
 *       <td>{@link #DEFAULT_CONNECT_TIMEOUT}</td></tr>
 *   <tr><td>{@code --no-direct-spawn}</td><td>{@link Builder#directSpawn(boolean)} false</td>
 *       <td>commands are spawned directly where the JDK and platform allow</td></tr>
 *   <tr><td>{@code --id ID}</td><td>{@link Builder#workerId(String)}</td><td>{@code w-} and 8 random hex digits</td></tr>
 *   <tr><td>{@code --password FILE}</td><td>{@link Builder#password(Path)}</td><td>none</td></tr>
 *   <tr><td>{@code --ssl --ssl-fingerprint SHA256}</td><td>{@link Builder#tls(ServerTrust)} with
 *       {@link ServerTrust#pinned(String)}</td><td>plaintext</td></tr>
 *   <tr><td>{@code --ssl --ssl-ca FILE}</td><td>{@link Builder#tls(ServerTrust)} with
 *       {@link ServerTrust#certificates(Path)}</td><td>plaintext</td></tr>
 * </table>
 *
 * <p>Options without a flag keep their defaults on the command line: {@link
 * Builder#transferHost(String)} (the local address this machine uses to reach the manager), {@link
 * Builder#transferPort(int)} (0, any free port), {@link Builder#heartbeatInterval(Duration)},
 * {@link Builder#transferConcurrency(int)}, {@link Builder#libraryHeapMb(long)} (the worker's
 * memory), {@link Builder#monitorInterval(Duration)} and {@link Builder#diskSpace(DiskSpace)} ({@link
 * DiskSpace#fileSystem()}).
 */
public final class WorkerOptions {
  /** A worker that has had no task and no fetch for this long exits: 15 minutes. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(15);

  /** How long a worker keeps trying to reach its manager, at start and after losing it: 15 minutes. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMinutes(15);

  /** The heartbeat interval used when the manager's Welcome does not give one: 5 seconds. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

  /** How many files the transfer server sends at once; further requests wait their turn: 10. */
  public static final int DEFAULT_TRANSFER_CONCURRENCY = 10;

  /** The time between two samples of a running command's processes: 250 milliseconds. */
  public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofMillis(250);

  /** The shortest time between two samples of a running command: 10 milliseconds. */
  public static final Duration MIN_MONITOR_INTERVAL = Duration.ofMillis(10);

  /**
   * With less usable space than this in its workspace, a worker's disk counts as full: 64 MB,
   * room for the small files (captured output, sandboxes) of tasks that need no disk.
   */
  public static final long DEFAULT_DISK_FLOOR_MB = 64;

  private final String managerHost;
  private final int managerPort;
  private final Double cores;
  private final Long memoryMb;
  private final Long diskMb;
  private final Integer gpus;
  private final Path workspace;
  private final Duration idleTimeout;
  private final Duration connectTimeout;
  private final Duration heartbeatInterval;
  private final String transferHost;
  private final int transferPort;
  private final int transferDataPort;
  private final int transferConcurrency;
  private final Long libraryHeapMb;
  private final Duration monitorInterval;
  private final long diskFloorMb;
  private final boolean directSpawn;
  private final DiskSpace diskSpace;
  private final String workerId;
  private final SharedSecret password;
  private final ServerTrust tls;

  private WorkerOptions(Builder b) {
    managerHost = b.managerHost;
    managerPort = b.managerPort;
    cores = b.cores;
    memoryMb = b.memoryMb;
    diskMb = b.diskMb;
    gpus = b.gpus;
    workspace = b.workspace;
    idleTimeout = b.idleTimeout;
    connectTimeout = b.connectTimeout;
    heartbeatInterval = b.heartbeatInterval;
    transferHost = b.transferHost;
    transferPort = b.transferPort;
    transferDataPort = b.transferDataPort;
    transferConcurrency = b.transferConcurrency;
    libraryHeapMb = b.libraryHeapMb;
    monitorInterval = b.monitorInterval;
    diskFloorMb = b.diskFloorMb;
    directSpawn = b.directSpawn;
    diskSpace = b.diskSpace;
    password = b.password;
    tls = b.tls;
    workerId = b.workerId != null ? b.workerId : "w-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Starts options for a worker of the manager listening at {@code managerHost:managerPort}.
   *
   * @param managerHost the manager's host name or address, not blank
   * @param managerPort the manager's port, 1 to 65535
   * @return a builder with every other option at its default
   * @throws IllegalArgumentException if the host is blank or the port out of range
   */
  public static Builder builder(String managerHost, int managerPort) {
    return new Builder(managerHost, managerPort);
  }

  /**
   * The manager's host name or address.
   *
   * @return the host, never blank
   */
  public String managerHost() {
    return managerHost;
  }

  /**
   * The manager's port.
   *
   * @return a port from 1 to 65535
   */
  public int managerPort() {
    return managerPort;
  }

  /**
   * The cores to offer, when given.
   *
   * @return the cores, or empty to detect them
   */
  public OptionalDouble cores() {
    return cores == null ? OptionalDouble.empty() : OptionalDouble.of(cores);
  }

  /**
   * The memory to offer in megabytes, when given.
   *
   * @return the memory, or empty to detect it
   */
  public OptionalLong memoryMb() {
    return memoryMb == null ? OptionalLong.empty() : OptionalLong.of(memoryMb);
  }

  /**
   * The disk to offer in megabytes, when given.
   *
   * @return the disk, or empty to detect it
   */
  public OptionalLong diskMb() {
    return diskMb == null ? OptionalLong.empty() : OptionalLong.of(diskMb);
  }

  /**
   * The GPUs to offer, when given.
   *
   * @return the GPUs, or empty to detect them
   */
  public OptionalInt gpus() {
    return gpus == null ? OptionalInt.empty() : OptionalInt.of(gpus);
  }

  /**
   * The workspace directory holding the cache and the sandboxes, when given.
   *
   * @return the directory, or empty for a new temporary directory
   */
  public Optional<Path> workspace() {
    return Optional.ofNullable(workspace);
  }

  /**
   * How long the worker stays without tasks or fetches before it exits.
   *
   * @return a positive duration
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * How long the worker keeps trying to reach its manager, at start and after losing it.
   *
   * @return a positive duration
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The heartbeat interval used when the manager's Welcome does not set one.
   *
   * @return a positive duration
   */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /**
   * The host the transfer server listens on and announces to the manager and peers, when given.
   *
   * @return the host, or empty for the local address used to reach the manager
   */
  public Optional<String> transferHost() {
    return Optional.ofNullable(transferHost);
  }

  /**
   * The port of the transfer server.
   *
   * @return a port, or 0 for any free port
   */
  public int transferPort() {
    return transferPort;
  }

  /**
   * The port of the transfer data port, where peers fetch files with their bytes sent raw
   * (docs/protocol.md, "Transfer data port"): 0 for any free port, -1 for none (peers then fetch
   * over the transfer server's gRPC stream).
   *
   * @return -1 to 65535
   */
  public int transferDataPort() {
    return transferDataPort;
  }

  /**
   * How many files the transfer server sends at once; further requests wait in arrival order
   * until a sender is free or their caller gives up.
   *
   * @return at least 1
   */
  public int transferConcurrency() {
    return transferConcurrency;
  }

  /**
   * The maximum heap ({@code -Xmx}) of each library process, the JVM that runs function calls,
   * when given. By default it is the worker's memory (given or detected): the manager allocates
   * that memory to tasks, and the calls of a library are such tasks. Several libraries (one per
   * distinct classpath) may run at once, each with this limit.
   *
   * @return the heap in megabytes, or empty for the worker's memory
   */
  public OptionalLong libraryHeapMb() {
    return libraryHeapMb == null ? OptionalLong.empty() : OptionalLong.of(libraryHeapMb);
  }

  /**
   * The time between two samples of a running command: its processes' memory, CPU time and I/O
   * are read from /proc, and its sandbox's size every few samples; memory and disk beyond the
   * task's allocation stop it at the next sample. The first sample comes 20 ms after the start,
   * the next ones at doubling gaps up to this interval. Shorter intervals catch fast growth
   * sooner and measure short commands better, at the cost of more reads of /proc.
   *
   * @return at least {@link #MIN_MONITOR_INTERVAL}
   */
  public Duration monitorInterval() {
    return monitorInterval;
  }

  /**
   * The usable space below which the workspace's disk counts as full. A worker whose disk is full
   * tells the manager and takes no task that needs disk (one with outputs, or with an input it
   * does not hold) until the space is back above the floor; a write that fails for lack of space
   * makes the disk full too, for at least a few seconds (docs/manager.md).
   *
   * @return megabytes, 0 or more (0: only failed writes make the disk full)
   */
  public long diskFloorMb() {
    return diskFloorMb;
  }

  /**
   * Whether the worker spawns commands directly, with the C library's {@code posix_spawn}: one
   * exec each and no copy of the worker, where the JVM's own launch execs a helper first; the
   * worker then reaps them itself and reads each one's CPU time and largest resident set. It
   * needs JDK 22 or later on Linux (x86-64 or AArch64, glibc); elsewhere, or when turned off, the
   * JVM starts them.
   *
   * @return true unless turned off
   */
  public boolean directSpawn() {
    return directSpawn;
  }

  /**
   * How the worker reads the usable space of its workspace.
   *
   * @return the probe; {@link DiskSpace#fileSystem()} unless one was given
   */
  public DiskSpace diskSpace() {
    return diskSpace;
  }

  /**
   * This worker's id, which must be unique among the workers of one manager.
   *
   * @return the id, never blank
   */
  public String workerId() {
    return workerId;
  }

  /**
   * The password this worker proves it knows to its manager, and that guards its transfer server
   * (docs/security.md).
   *
   * @return the secret, or empty when the worker has none (its manager must have none either)
   */
  public Optional<SharedSecret> password() {
    return Optional.ofNullable(password);
  }

  /**
   * How this worker trusts its manager over TLS (docs/security.md). With it, the worker speaks TLS
   * to the manager, serves its files over TLS with a self-signed certificate made at start (whose
   * fingerprint it announces in Hello), and fetches from peers only over TLS, pinning the
   * fingerprint the manager passes for each source.
   *
   * @return the trust, or empty for plaintext (the manager must not speak TLS either)
   */
  public Optional<ServerTrust> tls() {
    return Optional.ofNullable(tls);
  }

  /**
   * Describes the options for logs.
   *
   * @return the manager, the id and every option, with "detect" for resources to detect
   */
  @Override
  public String toString() {
    return "WorkerOptions[manager=" + managerHost + ":" + managerPort + ", id=" + workerId
        + ", cores=" + (cores == null ? "detect" : cores)
        + ", memoryMb=" + (memoryMb == null ? "detect" : memoryMb)
        + ", diskMb=" + (diskMb == null ? "detect" : diskMb)
        + ", gpus=" + (gpus == null ? "detect" : gpus)
        + ", workspace=" + (workspace == null ? "temporary" : workspace)
        + ", idleTimeout=" + idleTimeout + ", connectTimeout=" + connectTimeout
        + ", libraryHeapMb=" + (libraryHeapMb == null ? "memory" : libraryHeapMb)
        + ", monitorInterval=" + monitorInterval
        + ", diskFloorMb=" + diskFloorMb
        + ", directSpawn=" + directSpawn
        + ", password=" + (password == null ? "none" : "set")
        + ", tls=" + (tls == null ? "off" : tls) + "]";
  }

  /** Collects {@link WorkerOptions}; every setter checks its value and returns this builder. */
  public static final class Builder {
    private final String managerHost;
    private final int managerPort;
    private Double cores;
    private Long memoryMb;
    private Long diskMb;
    private Integer gpus;
    private Path workspace;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private String transferHost;
    private int transferPort;
    private int transferDataPort;
    private int transferConcurrency = DEFAULT_TRANSFER_CONCURRENCY;
    private Long libraryHeapMb;
    private Duration monitorInterval = DEFAULT_MONITOR_INTERVAL;
    private long diskFloorMb = DEFAULT_DISK_FLOOR_MB;
    private boolean directSpawn = true;
    private DiskSpace diskSpace = DiskSpace.fileSystem();
    private String workerId;
    private SharedSecret password;
    private ServerTrust tls;

    private Builder(String managerHost, int managerPort) {
      if (managerHost == null || managerHost.isBlank()) {
        throw new IllegalArgumentException("managerHost must not be blank");
      }
      if (managerPort < 1 || managerPort > 65535) {
        throw new IllegalArgumentException("managerPort must be 1 to 65535, got " + managerPort);
      }
      this.managerHost = managerHost.strip();
      this.managerPort = managerPort;
    }

    /**
     * Sets the cores to offer instead of detecting them.
     *
     * @param n more than 0; fractions are allowed
     * @return this builder
     * @throws IllegalArgumentException if n is not a positive finite number
     */
    public Builder cores(double n) {
      if (!(n > 0) || Double.isInfinite(n)) {
        throw new IllegalArgumentException("cores must be a finite number greater than 0, got " + n);
      }
      cores = n;
      return this;
    }

    /**
     * Sets the memory to offer instead of detecting it.
     *
     * @param mb megabytes, more than 0
     * @return this builder
     * @throws IllegalArgumentException if mb is not positive
     */
    public Builder memoryMb(long mb) {
      if (mb <= 0) {
        throw new IllegalArgumentException("memoryMb must be greater than 0, got " + mb);
      }
      memoryMb = mb;
      return this;
    }

    /**
     * Sets the disk to offer instead of detecting it.
     *
     * @param mb megabytes, more than 0
     * @return this builder
     * @throws IllegalArgumentException if mb is not positive
     */
    public Builder diskMb(long mb) {
      if (mb <= 0) {
        throw new IllegalArgumentException("diskMb must be greater than 0, got " + mb);
      }
      diskMb = mb;
      return this;
    }

    /**
     * Sets the GPUs to offer instead of detecting them.
     *
     * @param n 0 or more
     * @return this builder
     * @throws IllegalArgumentException if n is negative
     */
    public Builder gpus(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("gpus must be 0 or more, got " + n);
      }
      gpus = n;
      return this;
    }

    /**
     * Sets the workspace directory; it is created if missing. Forever-level files found in its
     * cache are kept; every other cached file and old sandbox is deleted when the worker starts.
     * Nothing else in the directory is touched.
     *
     * @param dir the directory
     * @return this builder
     * @throws IllegalArgumentException if dir is null
     */
    public Builder workspace(Path dir) {
      if (dir == null) {
        throw new IllegalArgumentException("workspace must not be null");
      }
      workspace = dir;
      return this;
    }

    /**
     * Sets how long the worker stays without tasks or fetches before it exits.
     *
     * @param d a positive duration
     * @return this builder
     * @throws IllegalArgumentException if d is null, zero or negative
     */
    public Builder idleTimeout(Duration d) {
      idleTimeout = positive("idleTimeout", d);
      return this;
    }

    /**
     * Sets how long the worker keeps trying to reach its manager, at start and after losing it,
     * with exponential back-off between attempts (100 ms doubling up to 3 s).
     *
     * @param d a positive duration
     * @return this builder
     * @throws IllegalArgumentException if d is null, zero or negative
     */
    public Builder connectTimeout(Duration d) {
      connectTimeout = positive("connectTimeout", d);
      return this;
    }

    /**
     * Sets the heartbeat interval used when the manager's Welcome does not give one.
     *
     * @param d a positive duration
     * @return this builder
     * @throws IllegalArgumentException if d is null, zero or negative
     */
    public Builder heartbeatInterval(Duration d) {
      heartbeatInterval = positive("heartbeatInterval", d);
      return this;
    }

    /**
     * Sets the host the transfer server listens on and announces to the manager and peers.
     *
     * @param host a host name or address, not blank
     * @return this builder
     * @throws IllegalArgumentException if host is blank
     */
    public Builder transferHost(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("transferHost must not be blank");
      }
      transferHost = host.strip();
      return this;
    }

    /**
     * Sets the port of the transfer server.
     *
     * @param port 0 for any free port, or 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if port is out of range
     */
    public Builder transferPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("transferPort must be 0 to 65535, got " + port);
      }
      transferPort = port;
      return this;
    }

    /**
     * Where the transfer data port listens: a port, 0 for any free port (the default), or -1 for
     * no data port, so that peers fetch from this worker over gRPC only.
     *
     * @param port -1 to 65535
     * @return this builder
     */
    public Builder transferDataPort(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("transferDataPort must be -1 to 65535, got " + port);
      }
      transferDataPort = port;
      return this;
    }

    /**
     * Sets how many files the transfer server sends at once.
     *
     * @param n at least 1
     * @return this builder
     * @throws IllegalArgumentException if n is less than 1
     */
    public Builder transferConcurrency(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("transferConcurrency must be at least 1, got " + n);
      }
      transferConcurrency = n;
      return this;
    }

    /**
     * Sets the maximum heap of each library process instead of the worker's memory.
     *
     * @param mb megabytes, at least 64
     * @return this builder
     * @throws IllegalArgumentException if mb is below 64
     */
    public Builder libraryHeapMb(long mb) {
      if (mb < 64) {
        throw new IllegalArgumentException("libraryHeapMb must be at least 64, got " + mb);
      }
      libraryHeapMb = mb;
      return this;
    }

    /**
     * Sets the time between two samples of a running command.
     *
     * @param d at least {@link #MIN_MONITOR_INTERVAL}
     * @return this builder
     * @throws IllegalArgumentException if d is null or shorter than 10 milliseconds
     */
    public Builder monitorInterval(Duration d) {
      if (d == null || d.compareTo(MIN_MONITOR_INTERVAL) < 0) {
        throw new IllegalArgumentException("monitorInterval must be at least 10 ms, got " + d);
      }
      monitorInterval = d;
      return this;
    }

    /**
     * Sets the usable space below which the workspace's disk counts as full.
     *
     * @param mb megabytes, 0 or more
     * @return this builder
     * @throws IllegalArgumentException if mb is negative
     */
    public Builder diskFloorMb(long mb) {
      if (mb < 0) {
        throw new IllegalArgumentException("diskFloorMb must be 0 or more, got " + mb);
      }
      diskFloorMb = mb;
      return this;
    }

    /**
     * Sets whether commands are spawned directly ({@link WorkerOptions#directSpawn()}).
     *
     * @param use false to have the JVM start every command
     * @return this builder
     */
    public Builder directSpawn(boolean use) {
      directSpawn = use;
      return this;
    }

    /**
     * Sets how the worker reads the usable space of its workspace, instead of asking the file
     * system.
     *
     * @param probe the probe, thread-safe and quick
     * @return this builder
     * @throws IllegalArgumentException if probe is null
     */
    public Builder diskSpace(DiskSpace probe) {
      if (probe == null) {
        throw new IllegalArgumentException("diskSpace must not be null: use DiskSpace.fileSystem() for the default");
      }
      diskSpace = probe;
      return this;
    }

    /**
     * Sets this worker's id.
     *
     * @param id letters, digits, '.', '_' or '-', at most 100 characters
     * @return this builder
     * @throws IllegalArgumentException if id is blank or holds other characters
     */
    public Builder workerId(String id) {
      if (id == null || !id.matches("[A-Za-z0-9._-]{1,100}")) {
        throw new IllegalArgumentException(
            "workerId must be 1 to 100 letters, digits, '.', '_' or '-', got '" + id + "'");
      }
      workerId = id;
      return this;
    }

    /**
     * Sets the password shared with the manager to the contents of a file (its bytes, without the
     * line ends at its end); the file is read now.
     *
     * @param file the password file, the same the manager was given
     * @return this builder
     * @throws IllegalArgumentException if the file cannot be read or is empty; the message names it
     */
    public Builder password(Path file) {
      password = SharedSecret.fromFile(file);
      return this;
    }

    /**
     * Sets the password shared with the manager.
     *
     * @param bytes the password, copied
     * @return this builder
     * @throws IllegalArgumentException if bytes is null or empty
     */
    public Builder password(byte[] bytes) {
      password = SharedSecret.of(bytes);
      return this;
    }

    /**
     * Speaks TLS to the manager, trusting its certificate as given: by its fingerprint ({@link
     * ServerTrust#pinned(String)}, which {@code tendril run} and {@code tendril get} give their
     * local workers) or by CA certificates ({@link ServerTrust#certificates(Path)}). Peer transfers
     * go over TLS too.
     *
     * @param trust how the manager's certificate is checked
     * @return this builder
     * @throws IllegalArgumentException if trust is null
     */
    public Builder tls(ServerTrust trust) {
      if (trust == null) {
        throw new IllegalArgumentException("tls trust must not be null: use ServerTrust.pinned or ServerTrust.certificates");
      }
      tls = trust;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the immutable options
     */
    public WorkerOptions build() {
      return new WorkerOptions(this);
    }

    private static Duration positive(String field, Duration d) {
      Objects.requireNonNull(field);
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + " must be a positive duration, got " + d);
      }
      return d;
    }
  }
}

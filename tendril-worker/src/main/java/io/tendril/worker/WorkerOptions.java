package io.tendril.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How a {@link Worker} starts. Immutable; build with {@link #builder(String, int)}. Each option
 * maps to a flag of {@code tendril worker HOST:PORT}: {@code --cores}, {@code --memory} (MB),
 * {@code --disk} (MB), {@code --gpus}, {@code --workspace}, {@code --idle-timeout} (s), {@code
 * --connect-timeout} (s), {@code --id}. Resources not given are detected: cores from the JVM,
 * memory from /proc/meminfo, disk from the workspace's file system, NVIDIA GPUs from nvidia-smi.
 */
public final class WorkerOptions {
  /** Default idle timeout: a worker without tasks for this long exits. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(15);
  /** Default connect timeout: how long to keep trying to reach a manager. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMinutes(15);

  private final String managerHost;
  private final int managerPort;
  private final Double cores;
  private final Long memoryMb;
  private final Long diskMb;
  private final Integer gpus;
  private final Path workspace;
  private final Duration idleTimeout;
  private final Duration connectTimeout;
  private final String workerId;
  private final String transferHost;

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
    workerId = b.workerId != null ? b.workerId : "w-" + UUID.randomUUID().toString().substring(0, 8);
    transferHost = b.transferHost;
  }

  /**
   * A builder for a worker of the manager at {@code host:port}.
   *
   * @param managerHost the manager's host
   * @param managerPort the manager's port
   * @return the builder
   */
  public static Builder builder(String managerHost, int managerPort) {
    return new Builder(managerHost, managerPort);
  }

  /** The manager's host. */
  public String managerHost() {
    return managerHost;
  }

  /** The manager's port. */
  public int managerPort() {
    return managerPort;
  }

  /** Cores to offer, or null to detect. */
  public Double cores() {
    return cores;
  }

  /** Memory to offer in MB, or null to detect. */
  public Long memoryMb() {
    return memoryMb;
  }

  /** Disk to offer in MB, or null to detect. */
  public Long diskMb() {
    return diskMb;
  }

  /** GPUs to offer, or null to detect. */
  public Integer gpus() {
    return gpus;
  }

  /** The workspace (cache and sandboxes), or null for a fresh temporary directory. */
  public Path workspace() {
    return workspace;
  }

  /** How long without tasks before the worker exits. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** How long to keep trying to reach the manager, at start and after losing it. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** This worker's id, unique among a manager's workers. */
  public String workerId() {
    return workerId;
  }

  /** The interface the transfer server listens on, or null for the one used to reach the manager. */
  public String transferHost() {
    return transferHost;
  }

  /** Builds {@link WorkerOptions}; setters validate and name the field on error. */
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
    private String workerId;
    private String transferHost;

    private Builder(String managerHost, int managerPort) {
      this.managerHost = Objects.requireNonNull(managerHost, "manager host");
      if (managerPort < 1 || managerPort > 65535) {
        throw new IllegalArgumentException("manager port must be 1..65535, got " + managerPort);
      }
      this.managerPort = managerPort;
    }

    /** Cores to offer (more than 0). */
    public Builder cores(double n) {
      if (!(n > 0)) {
        throw new IllegalArgumentException("cores must be > 0, got " + n);
      }
      cores = n;
      return this;
    }

    /** Memory to offer, in MB (more than 0). */
    public Builder memoryMb(long mb) {
      if (mb <= 0) {
        throw new IllegalArgumentException("memory must be > 0 MB, got " + mb);
      }
      memoryMb = mb;
      return this;
    }

    /** Disk to offer, in MB (more than 0). */
    public Builder diskMb(long mb) {
      if (mb <= 0) {
        throw new IllegalArgumentException("disk must be > 0 MB, got " + mb);
      }
      diskMb = mb;
      return this;
    }

    /** GPUs to offer (0 or more). */
    public Builder gpus(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("gpus must be >= 0, got " + n);
      }
      gpus = n;
      return this;
    }

    /** The workspace directory, created if missing. */
    public Builder workspace(Path dir) {
      workspace = dir;
      return this;
    }

    /** How long without tasks before the worker exits (positive). */
    public Builder idleTimeout(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("idle timeout must be positive, got " + d);
      }
      idleTimeout = d;
      return this;
    }

    /** How long to keep trying to reach the manager (positive). */
    public Builder connectTimeout(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("connect timeout must be positive, got " + d);
      }
      connectTimeout = d;
      return this;
    }

    /** This worker's id. */
    public Builder workerId(String id) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("worker id must not be blank");
      }
      workerId = id;
      return this;
    }

    /** The interface the transfer server listens on. */
    public Builder transferHost(String host) {
      transferHost = host;
      return this;
    }

    /** The options. */
    public WorkerOptions build() {
      return new WorkerOptions(this);
    }
  }
}

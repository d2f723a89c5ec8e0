package io.tendril.manager;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.auth.ClientHandshake;
import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.tls.ServerTrust;
import io.tendril.protocol.tls.TlsProbe;
import io.tendril.protocol.tls.UntrustedServerException;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.StatusRequest;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Asks a running manager for its {@link ManagerStatus} over the network, as {@code tendril status
 * HOST:PORT} does. It opens the manager's control stream like a worker, in plaintext or over TLS
 * as the given {@link ServerTrust} says; with a password it proves the secret by the same
 * challenge–response as a worker (the secret never crosses the wire) and checks the manager's
 * proof; then it sends StatusRequest where a worker sends Hello, and the manager answers with one
 * snapshot and ends the stream. A status client never becomes a worker.
 *
 * <pre>{@code
 * ManagerStatus s = StatusClient.builder("head.example.org", 9123)
 *     .password(Path.of("secret")).tls(ServerTrust.pinned(fingerprint)).build().query();
 * }</pre>
 *
 * <p>Each {@link #query()} opens its own connection and closes it; a client may be used from any
 * thread.
 */
public final class StatusClient {
  private static final Object END = new Object();

  private final String host;
  private final int port;
  private final SharedSecret secret;
  private final ServerTrust trust;
  private final Duration timeout;

  private StatusClient(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.secret = b.secret;
    this.trust = b.trust;
    this.timeout = b.timeout;
  }

  /**
   * A client of the manager listening at {@code host:port}.
   *
   * @throws IllegalArgumentException if the host is blank or the port is not 1–65535
   */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /** Options of a {@link StatusClient}: password, TLS trust, and how long to wait. */
  public static final class Builder {
    private final String host;
    private final int port;
    private SharedSecret secret;
    private ServerTrust trust;
    private Duration timeout = Duration.ofSeconds(30);

    private Builder(String host, int port) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("the manager's host must not be empty");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("the manager's port must be 1-65535, got " + port);
      }
      this.host = host;
      this.port = port;
    }

    /**
     * Proves the password in {@code file} to the manager (the manager's own).
     *
     * @throws IllegalArgumentException if the file cannot be read or is empty; the message names it
     */
    public Builder password(Path file) {
      this.secret = SharedSecret.fromFile(file);
      return this;
    }

    /** Proves this secret to the manager. */
    public Builder password(SharedSecret secret) {
      this.secret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /** Speaks TLS to the manager, trusting its certificate as {@code trust} says. */
    public Builder tls(ServerTrust trust) {
      this.trust = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /** How long a query may take in all, connecting included (default 30 s). */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the status timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public StatusClient build() {
      return new StatusClient(this);
    }
  }

  /**
   * Asks the manager for a snapshot.
   *
   * @return what the manager answered
   * @throws StatusException if no snapshot came: the message says why and what to do
   * @throws InterruptedException if interrupted while waiting; the connection is closed
   */
  public ManagerStatus query() throws StatusException, InterruptedException {
    ChannelCredentials creds = trust == null ? InsecureChannelCredentials.create() : trust.credentials("the manager");
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, port, creds)
        .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
        .build();
    try {
      BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
      StreamObserver<WorkerMessage> out = WorkerServiceGrpc.newStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .connect(new StreamObserver<>() {
            @Override
            public void onNext(ManagerMessage m) {
              inbox.add(m);
            }

            @Override
            public void onError(Throwable t) {
              inbox.add(t);
            }

            @Override
            public void onCompleted() {
              inbox.add(END);
            }
          });
      ClientHandshake handshake = secret == null ? null : new ClientHandshake(secret);
      out.onNext(handshake == null ? request() : ClientHandshake.begin());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Object next = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (next == null) {
          out.onError(Status.CANCELLED.withDescription("no status in time").asRuntimeException());
          throw new StatusException(manager() + " did not answer within " + timeout.toSeconds() + " s");
        }
        if (next instanceof Throwable t) {
          throw failed(t);
        }
        if (next == END) {
          throw new StatusException(manager() + " ended the connection without a status");
        }
        ManagerMessage m = (ManagerMessage) next;
        if (m.hasRefuse()) {
          throw new StatusException(manager() + " refused the status client: " + m.getRefuse().getReason());
        }
        if (m.hasStatusReply()) {
          out.onCompleted();
          try {
            return StatusMessages.fromWire(m.getStatusReply());
          } catch (IllegalArgumentException e) {
            throw new StatusException(manager() + " sent a status that cannot be read: " + e.getMessage());
          }
        }
        if (handshake == null) {
          throw new StatusException(m.hasAuthChallenge() || m.hasAuthProof()
              ? manager() + " requires a password: give --password FILE, FILE holding the manager's password"
              : manager() + " sent " + m.getKindCase() + " instead of a status");
        }
        ClientHandshake.Step step = handshake.accept(m);
        if (step.failure() != null) {
          out.onCompleted();
          throw new StatusException("authentication with " + manager() + " failed: " + step.failure());
        }
        if (step.reply() != null) {
          out.onNext(step.reply());
        }
        if (handshake.done()) {
          out.onNext(request());
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static WorkerMessage request() {
    return WorkerMessage.newBuilder()
        .setStatusRequest(StatusRequest.newBuilder().setProtocolVersion(Protocol.VERSION)).build();
  }

  private String manager() {
    return "the manager at " + host + ":" + port;
  }

  /** Why the stream failed before a status came, and what to do. */
  private StatusException failed(Throwable t) {
    Status s = Status.fromThrowable(t);
    var untrusted = UntrustedServerException.find(s.getCause());
    if (untrusted.isPresent() && trust != null) {
      return new StatusException("TLS with " + manager() + " failed: " + untrusted.get()
          + (trust.fingerprint().isPresent()
              ? ": give --ssl-fingerprint the manager's fingerprint (it logs it, and writes it to tls-fingerprint in"
                  + " its run directory)"
              : ": give --ssl-ca a file holding the manager's certificate or the CA certificate that signed it"));
    }
    for (Throwable c = s.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return new StatusException("nothing listens at " + host + ":" + port + " (" + c.getMessage()
            + "): is the manager running, and is this its port?");
      }
    }
    if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return new StatusException(manager() + " did not answer within " + timeout.toSeconds() + " s");
    }
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      TlsProbe.Answer answer = TlsProbe.probe(host, port, Duration.ofSeconds(5));
      if (trust == null && answer == TlsProbe.Answer.TLS) {
        return new StatusException(manager() + " speaks TLS: give --ssl, and --ssl-fingerprint SHA256 (the manager"
            + " logs it, and writes it to tls-fingerprint in its run directory) or --ssl-ca CERT.pem");
      }
      if (trust != null && answer == TlsProbe.Answer.PLAINTEXT) {
        return new StatusException(manager() + " does not speak TLS: drop --ssl");
      }
    }
    return new StatusException("cannot get the status of " + manager() + ": " + s.getCode()
        + (s.getDescription() == null ? "" : " (" + s.getDescription() + ")"));
  }
}

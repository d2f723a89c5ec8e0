package io.tendril.worker.internal;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.auth.ClientHandshake;
import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.tls.ServerTrust;
import io.tendril.protocol.tls.TlsProbe;
import io.tendril.protocol.tls.UntrustedServerException;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's end of {@code WorkerService.Connect}: opens the control stream, sends Hello first,
 * hands every ManagerMessage to the worker's loop, and reconnects when the stream ends.
 *
 * <p>With a password, each stream opens with the handshake of {@link ClientHandshake}
 * instead: Hello goes only once both sides proved the secret, and until then no manager message
 * but a Refuse reaches the worker. A failed handshake ends the worker through {@link
 * Listener#onAuthenticationFailed} and is never retried, while a refused connection still is.
 *
 * <p>With TLS (a {@link ServerTrust}), the stream runs over TLS and the manager's certificate is
 * checked as the trust says. A stream that fails before the manager said anything is examined for
 * TLS trouble, which ends the worker through {@link Listener#onTlsFailed} without a retry: a
 * certificate the trust refused, or, when something answered and closed the connection, a {@link
 * TlsProbe} showing that the manager speaks TLS and this worker not, or the other way round.
 * Connections refused outright (nothing listens yet) are retried as before, without a probe.
 *
 * <p>Attempts are made until the connect deadline (the connect timeout from the first attempt, or
 * from the loss of an established connection), {@link #FIRST_RETRY} apart at first and doubling
 * up to {@link #MAX_RETRY}, with 20% jitter. Each attempt uses a fresh gRPC channel, so gRPC's own
 * reconnect back-off never delays it. A connection counts as established once the manager's
 * Welcome arrives ({@link #established()}).
 *
 * <p>Loop-confined: every method runs on the worker's loop, and gRPC callbacks only post events
 * there, tagged with the attempt they belong to so that a stale callback is ignored. Owned by the
 * worker engine; its counterpart is the manager's worker endpoint.
 */
final class ControlChannel {
  private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);

  /** The delay before the second attempt. */
  static final Duration FIRST_RETRY = Duration.ofMillis(100);

  /** The longest delay between attempts. */
  static final Duration MAX_RETRY = Duration.ofSeconds(3);

  /** The limit of each connect and read of a TLS probe. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  /** What the channel tells the worker, always on the loop. */
  interface Listener {
    /** The first message of every attempt. */
    WorkerMessage hello();

    /** A message of the current stream. */
    void onMessage(ManagerMessage m);

    /** An established connection ended; reconnection starts after this returns. */
    void onLost(String reason);

    /** The connect deadline passed without an established connection. */
    void onUnreachable(String reason);

    /** The manager failed the handshake, or asked for one this worker cannot make; no retry follows. */
    void onAuthenticationFailed(String reason);

    /** TLS cannot work with this manager (one side does not speak it, or an untrusted certificate); no retry follows. */
    void onTlsFailed(String reason);
  }

  private final String host;
  private final int port;
  private final Duration connectTimeout;
  private final EventLoop loop;
  private final Outbox outbox;
  private final Listener listener;
  private final SharedSecret secret;
  private final ServerTrust trust;

  private ManagedChannel channel;
  /** The handshake of the current stream; null without a password. */
  private ClientHandshake authentication;
  private int attempt;
  private int retries;
  private boolean established;
  private boolean closed;
  private long deadlineNanos;
  private String lastFailure = "no answer to Hello";

  /**
   * Creates the channel to the manager at host:port; nothing happens until {@link #start()}.
   *
   * @param secret the password to prove, or null for none
   * @param trust how to trust the manager's TLS certificate, or null for plaintext
   */
  ControlChannel(String host, int port, Duration connectTimeout, EventLoop loop, Outbox outbox, Listener listener,
      SharedSecret secret, ServerTrust trust) {
    this.secret = secret;
    this.trust = trust;
    this.host = host;
    this.port = port;
    this.connectTimeout = connectTimeout;
    this.loop = loop;
    this.outbox = outbox;
    this.listener = listener;
  }

  /** Starts connecting, with a deadline of the connect timeout from now. */
  void start() {
    deadlineNanos = System.nanoTime() + connectTimeout.toNanos();
    tryConnect();
  }

  /** Whether the manager has welcomed the current stream. */
  boolean established() {
    return established;
  }

  /** Marks the current stream as established (the manager's Welcome arrived). */
  void welcomed() {
    established = true;
    retries = 0;
  }

  /** Gives up on the current stream (e.g. a silent manager) and reconnects as after a loss. */
  void drop(String reason) {
    if (closed) {
      return;
    }
    outbox.abort(reason);
    ended(attempt, reason);
  }

  /** Called by the loop's tick: gives up once the deadline passed without an established stream. */
  void checkDeadline() {
    if (!closed && !established && System.nanoTime() - deadlineNanos > 0) {
      giveUp();
    }
  }

  /** Ends the stream normally (the worker is leaving) and stops reconnecting. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    outbox.complete();
    if (channel != null) {
      channel.shutdown(); // lets the half-close reach the manager
      try {
        channel.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      shutdownChannel();
    }
  }

  private void tryConnect() {
    if (closed || established) {
      return;
    }
    shutdownChannel();
    channel = Transport.managerChannel(host, port, trust);
    int current = ++attempt;
    log.debug("connecting to the manager at {}:{} (attempt {})", host, port, current);
    StreamObserver<WorkerMessage> out = WorkerServiceGrpc.newStub(channel).connect(new Inbound(current));
    if (secret == null) {
      authentication = null;
      outbox.attach(out, true);
      outbox.send(listener.hello());
    } else {
      authentication = new ClientHandshake(secret);
      outbox.attach(out, false);
      outbox.sendHandshake(ClientHandshake.begin());
    }
  }

  /** A message of the current stream: the handshake's until it is done, then the worker's. */
  private void received(ManagerMessage m) {
    if (m.hasRefuse()) {
      listener.onMessage(m);
      return;
    }
    if (authentication == null) {
      if (established && (m.hasAuthChallenge() || m.hasAuthProof())) {
        // A handshake is over once the manager welcomed this worker: a late one is nonsense, not a
        // demand for a password.
        log.warn("ignoring {} from the manager after its Welcome", m.getKindCase());
        return;
      }
      if (m.hasAuthChallenge() || m.hasAuthProof()) {
        authenticationFailed("the manager at " + host + ":" + port + " requires a password and this worker has none:"
            + " start it with --password FILE, FILE holding the manager's password");
        return;
      }
      listener.onMessage(m);
      return;
    }
    if (authentication.done()) {
      listener.onMessage(m);
      return;
    }
    ClientHandshake.Step step = authentication.accept(m);
    if (step.failure() != null) {
      authenticationFailed("authentication with the manager at " + host + ":" + port + " failed: " + step.failure());
      return;
    }
    if (step.reply() != null) {
      outbox.sendHandshake(step.reply());
    }
    if (authentication.done()) {
      log.debug("the manager at {}:{} and this worker proved the shared password", host, port);
      outbox.open();
      outbox.send(listener.hello());
    }
  }

  private void authenticationFailed(String reason) {
    if (closed) {
      return;
    }
    listener.onAuthenticationFailed(reason);
  }

  private void tlsFailed(int which, String reason) {
    if (which != attempt || closed) {
      return;
    }
    listener.onTlsFailed(reason);
  }

  /**
   * Why a stream that failed before the manager said anything cannot work over TLS, or null if
   * TLS is not the trouble. Blocks for the probe, so it runs on a gRPC thread, not on the loop.
   */
  private String tlsFailure(Status s) {
    if (s.getCode() != Status.Code.UNAVAILABLE) {
      return null;
    }
    String manager = "the manager at " + host + ":" + port;
    var untrusted = UntrustedServerException.find(s.getCause());
    if (untrusted.isPresent() && trust != null) {
      return "TLS with " + manager + " failed: " + untrusted.get() + (trust.fingerprint().isPresent()
          ? ": give --ssl-fingerprint the manager's fingerprint (it logs it, and writes it to tls-fingerprint in its"
              + " run directory)"
          : ": give --ssl-ca a file holding the manager's certificate or the CA certificate that signed it, for a name"
              + " the worker connects with");
    }
    for (Throwable c = s.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return null; // nothing listens there yet
      }
    }
    TlsProbe.Answer answer = TlsProbe.probe(host, port, PROBE_TIMEOUT);
    if (trust == null && answer == TlsProbe.Answer.TLS) {
      return manager + " speaks TLS: start the worker with --ssl, and --ssl-fingerprint SHA256 (the manager logs it,"
          + " and writes it to tls-fingerprint in its run directory) or --ssl-ca CERT.pem";
    }
    if (trust != null && answer == TlsProbe.Answer.PLAINTEXT) {
      return manager + " does not speak TLS: drop --ssl, or start the manager with --ssl";
    }
    return null;
  }

  private void ended(int which, String reason) {
    if (which != attempt || closed) {
      return;
    }
    attempt++; // later callbacks of this stream are stale
    outbox.detach();
    if (established) {
      established = false;
      retries = 0;
      deadlineNanos = System.nanoTime() + connectTimeout.toNanos();
      log.warn("lost the manager at {}:{}: {}; reconnecting for up to {}", host, port, reason,
          Durations.human(connectTimeout));
      listener.onLost(reason);
      if (closed) {
        return;
      }
    } else {
      lastFailure = reason;
      log.debug("attempt to reach the manager at {}:{} failed: {}", host, port, reason);
    }
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      giveUp();
      return;
    }
    long delay = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(retries, 10));
    retries++;
    delay = Math.round(delay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    delay = Math.max(1, Math.min(delay, left / 1_000_000));
    int expected = attempt;
    loop.schedule(() -> {
      if (attempt == expected) {
        tryConnect();
      }
    }, delay);
  }

  private void giveUp() {
    if (closed) {
      return;
    }
    String reason = "could not reach the manager at " + host + ":" + port + " within "
        + Durations.human(connectTimeout) + " (last attempt: " + lastFailure + ")";
    outbox.abort("giving up");
    closed = true;
    shutdownChannel();
    listener.onUnreachable(reason);
  }

  private void shutdownChannel() {
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
  }

  /** Receives one stream's messages and posts them to the loop. */
  private final class Inbound implements StreamObserver<ManagerMessage> {
    private final int which;
    /** Whether the manager sent anything on this stream: then TLS, if any, worked. */
    private volatile boolean heard;

    Inbound(int which) {
      this.which = which;
    }

    @Override
    public void onNext(ManagerMessage m) {
      heard = true;
      loop.post(() -> {
        if (!m.hasBatch()) {
          deliver(m);
          return;
        }
        for (ManagerMessage inner : m.getBatch().getMessagesList()) {
          if (inner.hasBatch()) {
            log.warn("ignoring a batch nested in a batch from the manager");
            continue;
          }
          deliver(inner);
        }
      });
    }

    private void deliver(ManagerMessage m) {
      if (which == attempt && !closed) {
        received(m);
      }
    }

    @Override
    public void onError(Throwable t) {
      Status s = Status.fromThrowable(t);
      String reason = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
      String tls = heard ? null : tlsFailure(s);
      loop.post(() -> {
        if (tls != null) {
          tlsFailed(which, tls);
        } else {
          ended(which, reason);
        }
      });
    }

    @Override
    public void onCompleted() {
      loop.post(() -> ended(which, "the manager closed the connection"));
    }
  }
}

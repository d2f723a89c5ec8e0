package io.tendril.manager;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Refuse;
import io.tendril.protocol.wire.RefuseCode;
import io.tendril.protocol.wire.StatusRequest;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's side of {@code WorkerService.Connect}: one {@link Connection} per worker stream.
 * gRPC threads only decode and post: every message becomes an event on the manager's loop, where
 * {@link ManagerCore} handles it. With a password, each stream opens with the handshake of
 * {@link WorkerAuthentication}, and nothing of the worker reaches the core before it is done. The
 * counterpart of the worker's control-stream client.
 *
 * <p>Messages arrive as bytes and are parsed here rather than by gRPC: a message that does not
 * parse ends its stream with {@code INVALID_ARGUMENT} and a reason, is logged, and disconnects the
 * worker at once (gRPC would close the call without telling the service, leaving a worker that
 * seems connected until the keepalive timeout).
 */
final class WorkerEndpoint implements BindableService {
  private static final Logger slf4j = LoggerFactory.getLogger(WorkerEndpoint.class);

  private final EventLoop loop;
  private final ManagerCore core;
  private final int port;
  private final SharedSecret secret;
  /** Takes the snapshot a status client asks for; called on the loop. */
  private final Supplier<ManagerStatus> status;

  WorkerEndpoint(EventLoop loop, ManagerCore core, int port, SharedSecret secret, Supplier<ManagerStatus> status) {
    this.loop = loop;
    this.core = core;
    this.port = port;
    this.secret = secret;
    this.status = status;
  }

  /** Passes a message's bytes through, for the endpoint to parse. */
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  @Override
  public ServerServiceDefinition bindService() {
    MethodDescriptor<WorkerMessage, ManagerMessage> typed = WorkerServiceGrpc.getConnectMethod();
    return ServerServiceDefinition.builder(WorkerServiceGrpc.SERVICE_NAME)
        .addMethod(typed.toBuilder(BYTES, typed.getResponseMarshaller()).build(),
            ServerCalls.asyncBidiStreamingCall(this::connect))
        .build();
  }

  StreamObserver<byte[]> connect(StreamObserver<ManagerMessage> responses) {
    io.grpc.Context ctx = io.grpc.Context.current();
    String managerAddress = managerAddress(ctx);
    SocketAddress remote = REMOTE_ADDRESS.get(ctx);
    return new Connection(responses, managerAddress, remote == null ? "unknown" : remote.toString());
  }

  /** The address a worker used to reach this manager: where the manager's transfers are served too. */
  private String managerAddress(io.grpc.Context ctx) {
    SocketAddress local = LOCAL_ADDRESS.get(ctx);
    if (local instanceof InetSocketAddress a) {
      String host = a.getAddress().getHostAddress();
      if (host.contains(":")) {
        host = "[" + host + "]";
      }
      return host + ":" + a.getPort();
    }
    return "127.0.0.1:" + port;
  }

  /** Carries the stream's local address into the service, set by {@link LocalAddressInterceptor}. */
  static final io.grpc.Context.Key<SocketAddress> LOCAL_ADDRESS = io.grpc.Context.key("tendril-local-address");

  /** Carries the worker's address into the service, for messages about it before its Hello. */
  static final io.grpc.Context.Key<SocketAddress> REMOTE_ADDRESS = io.grpc.Context.key("tendril-remote-address");

  /** Puts each call's local and remote socket addresses into its context. */
  static final class LocalAddressInterceptor implements io.grpc.ServerInterceptor {
    @Override
    public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
        io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
      SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
      SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      io.grpc.Context ctx = io.grpc.Context.current().withValue(LOCAL_ADDRESS, local).withValue(REMOTE_ADDRESS, remote);
      return io.grpc.Contexts.interceptCall(ctx, call, headers, next);
    }
  }

  /**
   * One worker's stream; attached to its {@link WorkerEntry} once Hello was accepted, which needs
   * the handshake done first.
   */
  final class Connection implements StreamObserver<byte[]> {
    private final StreamObserver<ManagerMessage> responses;
    private final String managerAddress;
    private final String peer;
    /** Loop-confined. */
    private final WorkerAuthentication authentication = new WorkerAuthentication(secret);
    private volatile WorkerEntry worker;
    private volatile boolean refused;
    /** Set once a message did not parse; what follows on the stream is ignored. */
    private volatile boolean broken;

    Connection(StreamObserver<ManagerMessage> responses, String managerAddress, String peer) {
      this.responses = responses;
      this.managerAddress = managerAddress;
      this.peer = peer;
    }

    void attach(WorkerEntry w) {
      worker = w;
    }

    /** Refuses the worker with a reason and ends the stream (called on the loop). */
    void refuse(String reason) {
      refuse(reason, RefuseCode.REFUSE_CODE_UNSPECIFIED);
    }

    private void refuse(String reason, RefuseCode code) {
      refused = true;
      core.log.event("worker", "event", "refuse", "reason", reason, "peer", peer,
          "code", code == RefuseCode.REFUSE_CODE_UNSPECIFIED ? null : code.name());
      if (code != RefuseCode.REFUSE_CODE_UNSPECIFIED) {
        slf4j.warn("refused a worker from {}: {}", peer, reason);
      }
      try {
        responses.onNext(ManagerMessage.newBuilder()
            .setRefuse(Refuse.newBuilder().setReason(reason).setCode(code)).build());
        responses.onCompleted();
      } catch (RuntimeException e) {
        // The worker is gone already.
      }
    }

    @Override
    public void onNext(byte[] bytes) {
      if (broken) {
        return;
      }
      WorkerMessage m;
      try {
        m = WorkerMessage.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        broken = true;
        String why = "a message of " + bytes.length + " bytes is not a WorkerMessage: " + e.getMessage();
        try {
          responses.onError(Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException());
        } catch (RuntimeException gone) {
          // The stream ended already.
        }
        loop.post(() -> undecodable(why));
        return;
      }
      loop.post(() -> {
        if (!m.hasBatch()) {
          handle(m);
          return;
        }
        for (WorkerMessage inner : m.getBatch().getMessagesList()) {
          if (inner.hasBatch()) {
            refuse("a worker's batch must not hold another batch");
            return;
          }
          handle(inner);
        }
      });
    }

    /** A message did not parse: logs it, and the worker, if it was one, is lost (on the loop). */
    private void undecodable(String why) {
      WorkerEntry w = worker;
      core.log.event("worker", "event", "bad-message", "worker", w == null ? null : w.label(), "peer", peer,
          "error", why);
      slf4j.warn("ended the stream of {} from {}: {}", w == null ? "a worker" : "worker " + w.label(), peer, why);
      if (w != null) {
        core.onDisconnect(w, "its stream carried " + why);
      }
    }

    /** Handles one message on the loop. */
    private void handle(WorkerMessage m) {
      WorkerEntry w = worker;
      if (w == null) {
        if (refused) {
          return;
        }
        WorkerAuthentication.Step step = authentication.accept(m);
        if (step.refusal() != null) {
          refuse(step.refusal(), step.code());
          return;
        }
        if (step.reply() != null) {
          try {
            responses.onNext(step.reply());
          } catch (RuntimeException e) {
            // The worker is gone; its stream's end follows.
          }
          return;
        }
        if (m.hasStatusRequest()) {
          answerStatus(m.getStatusRequest());
          return;
        }
        if (!m.hasHello()) {
          refuse("the first message of a worker must be Hello, got " + m.getKindCase());
          return;
        }
        core.onHello(m.getHello(), responses, managerAddress, this);
        return;
      }
      core.onMessage(w, m);
    }

    /**
     * Answers a status client with a snapshot and ends its stream; what it sends after is ignored
     * (on the loop).
     */
    private void answerStatus(StatusRequest request) {
      if (request.getProtocolVersion() != Protocol.VERSION) {
        refuse("this manager speaks protocol version " + Protocol.VERSION + ", the status client "
            + request.getProtocolVersion() + ": run tendril status of the same Tendril version");
        return;
      }
      refused = true; // the stream is done: nothing more is read from it
      core.log.event("manager", "event", "status-query", "peer", peer);
      try {
        responses.onNext(ManagerMessage.newBuilder().setStatusReply(StatusMessages.toWire(status.get())).build());
        responses.onCompleted();
      } catch (RuntimeException e) {
        // The client is gone already.
      }
    }

    @Override
    public void onError(Throwable t) {
      loop.post(() -> {
        WorkerEntry w = worker;
        if (w != null) {
          core.onDisconnect(w, "stream failed: " + Status.fromThrowable(t).getCode());
        }
      });
    }

    @Override
    public void onCompleted() {
      loop.post(() -> {
        WorkerEntry w = worker;
        if (w != null) {
          core.onDisconnect(w, "the worker closed its stream");
        }
        if (w != null || !refused) {
          // Also ends a stream that left before its Hello was accepted (e.g. during the handshake).
          try {
            responses.onCompleted();
          } catch (RuntimeException e) {
            // Already closed.
          }
        }
      });
    }
  }
}

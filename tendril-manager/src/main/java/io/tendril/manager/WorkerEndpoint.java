package io.tendril.manager;

import io.grpc.Grpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Refuse;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The manager's side of {@code WorkerService.Connect}: one {@link Connection} per worker stream.
 * gRPC threads only decode and post: every message becomes an event on the manager's loop, where
 * {@link ManagerCore} handles it. The counterpart of the worker's control-stream client.
 */
final class WorkerEndpoint extends WorkerServiceGrpc.WorkerServiceImplBase {
  private final EventLoop loop;
  private final ManagerCore core;
  private final int port;

  WorkerEndpoint(EventLoop loop, ManagerCore core, int port) {
    this.loop = loop;
    this.core = core;
    this.port = port;
  }

  @Override
  public StreamObserver<WorkerMessage> connect(StreamObserver<ManagerMessage> responses) {
    io.grpc.Context ctx = io.grpc.Context.current();
    String managerAddress = managerAddress(ctx);
    return new Connection(responses, managerAddress);
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

  /** Puts each call's local socket address into its context. */
  static final class LocalAddressInterceptor implements io.grpc.ServerInterceptor {
    @Override
    public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
        io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
      SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
      io.grpc.Context ctx = io.grpc.Context.current().withValue(LOCAL_ADDRESS, local);
      return io.grpc.Contexts.interceptCall(ctx, call, headers, next);
    }
  }

  /** One worker's stream; attached to its {@link WorkerEntry} once Hello was accepted. */
  final class Connection implements StreamObserver<WorkerMessage> {
    private final StreamObserver<ManagerMessage> responses;
    private final String managerAddress;
    private volatile WorkerEntry worker;
    private volatile boolean refused;

    Connection(StreamObserver<ManagerMessage> responses, String managerAddress) {
      this.responses = responses;
      this.managerAddress = managerAddress;
    }

    void attach(WorkerEntry w) {
      worker = w;
    }

    /** Refuses the worker with a reason and ends the stream (called on the loop). */
    void refuse(String reason) {
      refused = true;
      core.log.event("worker", "event", "refuse", "reason", reason);
      try {
        responses.onNext(ManagerMessage.newBuilder().setRefuse(Refuse.newBuilder().setReason(reason)).build());
        responses.onCompleted();
      } catch (RuntimeException e) {
        // The worker is gone already.
      }
    }

    @Override
    public void onNext(WorkerMessage m) {
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

    /** Handles one message on the loop. */
    private void handle(WorkerMessage m) {
      WorkerEntry w = worker;
      if (w == null) {
        if (refused) {
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

package io.tendril.worker;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.tls.TlsIdentity;
import io.tendril.protocol.transfer.EntrySender;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.HeartbeatAck;
import io.tendril.protocol.wire.Hello;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Refuse;
import io.tendril.protocol.wire.Shutdown;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskStarted;
import io.tendril.protocol.wire.TransferServiceGrpc;
import io.tendril.protocol.wire.Welcome;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stand-in for the manager in worker tests: a real gRPC server on 127.0.0.1 implementing {@code
 * WorkerService.Connect} (welcomes or refuses each worker, acknowledges heartbeats, records every
 * message and lets the test send any ManagerMessage) and a tiny {@code TransferService} serving
 * byte arrays the test publishes. Its counterpart is the worker under test.
 */
final class FakeManager implements AutoCloseable {
  /** How long the await methods wait by default. */
  static final Duration WAIT = Duration.ofSeconds(20);

  private final Server server;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  volatile boolean welcome = true;
  volatile int welcomeVersion = Protocol.VERSION;
  volatile long heartbeatIntervalMs = 200;
  volatile String refuseWith;

  private FakeManager(int port, TlsIdentity tls) {
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port),
              tls == null ? InsecureServerCredentials.create() : tls.serverCredentials())
          .addService(new Workers()).addService(new Transfers())
          .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
          .build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a fake manager on a free port. */
  static FakeManager start() {
    return new FakeManager(0, null);
  }

  /** Starts a fake manager on a given port. */
  static FakeManager start(int port) {
    return new FakeManager(port, null);
  }

  /** Starts a fake manager on a free port that serves both its services over TLS with this identity. */
  static FakeManager startTls(TlsIdentity tls) {
    return new FakeManager(0, tls);
  }

  int port() {
    return server.getPort();
  }

  /** Where the fake manager's TransferService is. */
  String transferAddress() {
    return "127.0.0.1:" + port();
  }

  /** Publishes bytes under a cache name on the fake manager's TransferService. */
  void serve(String cacheName, byte[] data) {
    files.put(cacheName, data);
  }

  /** Waits for a connection whose Hello carries the given worker id (the latest one if several). */
  Connection awaitConnection(String workerId) throws InterruptedException {
    return awaitConnection(workerId, 1);
  }

  /** Waits for the n-th connection (1-based) of a worker id. */
  Connection awaitConnection(String workerId, int nth) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      List<Connection> mine = new ArrayList<>();
      for (Connection c : connections) {
        Hello h = c.hello;
        if (h != null && h.getWorkerId().equals(workerId)) {
          mine.add(c);
        }
      }
      if (mine.size() >= nth) {
        return mine.get(nth - 1);
      }
      Thread.sleep(10);
    }
    throw new AssertionError("worker " + workerId + " did not connect " + nth + " time(s) within " + WAIT);
  }

  /** How many streams were opened in all. */
  int connectionCount() {
    return connections.size();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One worker's control stream, seen from the manager's side. */
  final class Connection implements StreamObserver<WorkerMessage> {
    private final StreamObserver<ManagerMessage> out;
    private final List<WorkerMessage> received = new ArrayList<>();
    /** How many batches arrived. */
    final java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
    private final CountDownLatch ended = new CountDownLatch(1);
    volatile Hello hello;
    volatile String endedHow;

    Connection(StreamObserver<ManagerMessage> out) {
      this.out = out;
    }

    @Override
    public void onNext(WorkerMessage m) {
      if (m.hasBatch()) {
        // The worker sends what its loop produced in one turn together; read them in order.
        batches.incrementAndGet();
        m.getBatch().getMessagesList().forEach(this::onNext);
        return;
      }
      synchronized (this) {
        received.add(m);
        notifyAll();
      }
      if (m.hasHello() && hello == null) {
        hello = m.getHello();
        if (refuseWith != null) {
          send(ManagerMessage.newBuilder().setRefuse(Refuse.newBuilder().setReason(refuseWith)).build());
          synchronized (this) {
            out.onCompleted();
          }
        } else if (welcome) {
          send(ManagerMessage.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(welcomeVersion)
              .setManagerName("fake").setHeartbeatIntervalMs(heartbeatIntervalMs)
              .setTransferAddress(transferAddress())).build());
        }
      } else if (m.hasHeartbeat()) {
        send(ManagerMessage.newBuilder().setHeartbeatAck(
            HeartbeatAck.newBuilder().setSentAtMs(m.getHeartbeat().getSentAtMs())).build());
      }
    }

    @Override
    public void onError(Throwable t) {
      endedHow = "error " + Status.fromThrowable(t).getCode();
      ended.countDown();
    }

    @Override
    public void onCompleted() {
      endedHow = "completed";
      ended.countDown();
      synchronized (this) {
        try {
          out.onCompleted();
        } catch (RuntimeException e) {
          // Already closed.
        }
      }
    }

    /** Sends a message to the worker. */
    synchronized void send(ManagerMessage m) {
      out.onNext(m);
    }

    void send(io.tendril.protocol.wire.FetchFile f) {
      send(ManagerMessage.newBuilder().setFetchFile(f).build());
    }

    void send(io.tendril.protocol.wire.RunTask t) {
      send(ManagerMessage.newBuilder().setRunTask(t).build());
    }

    void shutdown(String reason) {
      send(ManagerMessage.newBuilder().setShutdown(Shutdown.newBuilder().setReason(reason)).build());
    }

    /** Ends the stream from the manager's side with an error, as a crashing manager would. */
    synchronized void hangUp() {
      out.onError(Status.UNAVAILABLE.withDescription("fake manager hung up").asRuntimeException());
    }

    /** Every message received so far, in order. */
    synchronized List<WorkerMessage> received() {
      return List.copyOf(received);
    }

    /** Waits for the first received message matching a predicate. */
    WorkerMessage await(Predicate<WorkerMessage> p, String what) throws InterruptedException {
      return await(p, what, WAIT);
    }

    /** Waits up to a given time for the first received message matching a predicate. */
    WorkerMessage await(Predicate<WorkerMessage> p, String what, Duration wait) throws InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      synchronized (this) {
        while (true) {
          for (WorkerMessage m : received) {
            if (p.test(m)) {
              return m;
            }
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("no " + what + " within " + wait + "; received " + kinds());
          }
          wait(Math.max(1, left / 1_000_000));
        }
      }
    }

    TaskFinished awaitFinished(long taskId) throws InterruptedException {
      return await(m -> m.hasTaskFinished() && m.getTaskFinished().getTaskId() == taskId,
          "TaskFinished of task " + taskId).getTaskFinished();
    }

    TaskStarted awaitStarted(long taskId) throws InterruptedException {
      return await(m -> m.hasTaskStarted() && m.getTaskStarted().getTaskId() == taskId,
          "TaskStarted of task " + taskId).getTaskStarted();
    }

    CacheUpdate awaitCacheUpdate(String transferId) throws InterruptedException {
      return await(m -> m.hasCacheUpdate() && m.getCacheUpdate().getTransferId().equals(transferId),
          "CacheUpdate of transfer " + transferId).getCacheUpdate();
    }

    /** Waits for the worker to end its stream. */
    boolean awaitEnd() throws InterruptedException {
      return ended.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private List<String> kinds() {
      return received.stream().map(m -> m.getKindCase().name()).toList();
    }
  }

  private final class Workers extends WorkerServiceGrpc.WorkerServiceImplBase {
    @Override
    public StreamObserver<WorkerMessage> connect(StreamObserver<ManagerMessage> responses) {
      Connection c = new Connection(responses);
      connections.add(c);
      return c;
    }
  }

  private final class Transfers extends TransferServiceGrpc.TransferServiceImplBase {
    @Override
    public void fetch(FetchRequest request, StreamObserver<FileChunk> out) {
      byte[] data = files.get(request.getCacheName());
      if (data == null) {
        out.onError(Status.NOT_FOUND.withDescription("the fake manager serves no " + request.getCacheName())
            .asRuntimeException());
        return;
      }
      new EntrySender((io.grpc.stub.ServerCallStreamObserver<FileChunk>) out).sendBytes(data);
      out.onCompleted();
    }
  }
}

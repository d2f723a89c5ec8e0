package io.tendril.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.HeartbeatAck;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Welcome;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A manager that speaks bytes: {@code WorkerService.Connect} served with a marshaller of raw
 * bytes, so a test can send a worker anything (bytes that are not a message, truncated or
 * oversized messages) on its control stream. It welcomes each Hello and acknowledges heartbeats;
 * everything else is the test's. The counterpart of the worker under test.
 */
final class RawManager implements AutoCloseable {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
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

  private final Server server;
  private final List<Stream> streams = new CopyOnWriteArrayList<>();

  RawManager() {
    MethodDescriptor<byte[], byte[]> method = WorkerServiceGrpc.getConnectMethod().toBuilder(BYTES, BYTES).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder(WorkerServiceGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncBidiStreamingCall(responses -> {
          Stream s = new Stream(responses);
          streams.add(s);
          return s;
        })).build();
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service)
          .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  /** Waits for the n-th stream (1-based) to have sent its Hello. */
  Stream awaitStream(int nth) throws InterruptedException {
    long deadline = System.nanoTime() + FakeManager.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (streams.size() >= nth && streams.get(nth - 1).hello) {
        return streams.get(nth - 1);
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no stream " + nth + " with a Hello within " + FakeManager.WAIT + "; streams: " + streams.size());
  }

  int streamCount() {
    return streams.size();
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

  /** One control stream. */
  static final class Stream implements StreamObserver<byte[]> {
    private final StreamObserver<byte[]> out;
    private final List<WorkerMessage> received = new ArrayList<>();
    private volatile boolean hello;

    Stream(StreamObserver<byte[]> out) {
      this.out = out;
    }

    @Override
    public void onNext(byte[] bytes) {
      WorkerMessage m;
      try {
        m = WorkerMessage.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("the worker sent bytes that are not a WorkerMessage", e);
      }
      List<WorkerMessage> all = m.hasBatch() ? m.getBatch().getMessagesList() : List.of(m);
      synchronized (this) {
        received.addAll(all);
        notifyAll();
      }
      for (WorkerMessage w : all) {
        if (w.hasHello()) {
          send(ManagerMessage.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(Protocol.VERSION)
              .setManagerName("raw").setHeartbeatIntervalMs(200)).build().toByteArray());
          hello = true;
        } else if (w.hasHeartbeat()) {
          send(ManagerMessage.newBuilder().setHeartbeatAck(HeartbeatAck.newBuilder()
              .setSentAtMs(w.getHeartbeat().getSentAtMs())).build().toByteArray());
        }
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {
      synchronized (this) {
        try {
          out.onCompleted();
        } catch (RuntimeException e) {
          // Already closed.
        }
      }
    }

    /** Sends bytes to the worker as one message. */
    synchronized void send(byte[] bytes) {
      try {
        out.onNext(bytes);
      } catch (RuntimeException e) {
        // The stream is gone.
      }
    }

    /** Waits for the first message of the worker matching a predicate. */
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
            throw new AssertionError("no " + what + " within " + wait);
          }
          wait(Math.max(1, left / 1_000_000));
        }
      }
    }
  }
}

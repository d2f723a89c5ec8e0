package io.tendril.manager;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.WorkerMessage;
import io.tendril.protocol.wire.WorkerServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A hand-built worker control stream: {@code WorkerService.Connect} opened with a marshaller of raw
 * bytes, so a test can send anything (undecodable bytes, truncated or oversized messages, valid
 * messages no worker would send) and see what the manager answers and how it ends the stream.
 */
final class RawWorkerStream implements AutoCloseable {
  /** Passes bytes through unchanged. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

  private final ManagedChannel channel;
  private final ClientCall<byte[], byte[]> call;
  private final List<byte[]> received = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Status status;

  /** Opens a stream to the manager at 127.0.0.1:port. */
  RawWorkerStream(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    MethodDescriptor<byte[], byte[]> method = WorkerServiceGrpc.getConnectMethod().toBuilder(BYTES, BYTES).build();
    call = channel.newCall(method, CallOptions.DEFAULT);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        synchronized (received) {
          received.add(message);
          received.notifyAll();
        }
        call.request(1);
      }

      @Override
      public void onClose(Status s, Metadata trailers) {
        status = s;
        closed.countDown();
      }
    }, new Metadata());
    call.request(1);
  }

  /** Sends raw bytes as one message. */
  RawWorkerStream send(byte[] bytes) {
    call.sendMessage(bytes);
    return this;
  }

  /** Sends a message. */
  RawWorkerStream send(WorkerMessage m) {
    return send(m.toByteArray());
  }

  /** Ends the worker's side of the stream. */
  void halfClose() {
    call.halfClose();
  }

  /** Waits for the manager to end the stream; returns how, or null if it did not in time. */
  Status awaitClose(Duration wait) throws InterruptedException {
    return closed.await(wait.toMillis(), TimeUnit.MILLISECONDS) ? status : null;
  }

  /** Whether the manager ended the stream. */
  boolean isClosed() {
    return closed.getCount() == 0;
  }

  /** What the manager sent so far, decoded (a batch counts as its messages). */
  List<ManagerMessage> received() {
    List<ManagerMessage> out = new ArrayList<>();
    synchronized (received) {
      for (byte[] b : received) {
        try {
          ManagerMessage m = ManagerMessage.parseFrom(b);
          if (m.hasBatch()) {
            out.addAll(m.getBatch().getMessagesList());
          } else {
            out.add(m);
          }
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError("the manager sent a message that does not parse", e);
        }
      }
    }
    return out;
  }

  /** Waits for the first message of the manager of a kind. */
  ManagerMessage await(ManagerMessage.KindCase kind, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      for (ManagerMessage m : received()) {
        if (m.getKindCase() == kind) {
          return m;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no " + kind + " within " + wait + "; received "
            + received().stream().map(ManagerMessage::getKindCase).toList() + ", closed with " + status);
      }
      synchronized (received) {
        received.wait(Math.max(1, Math.min(50, left / 1_000_000)));
      }
    }
  }

  @Override
  public void close() {
    try {
      call.cancel("test over", null);
    } catch (RuntimeException e) {
      // Already closed.
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

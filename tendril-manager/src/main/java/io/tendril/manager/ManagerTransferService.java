package io.tendril.manager;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.auth.TransferTokens;
import io.tendril.protocol.transfer.EntrySender;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.TransferServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The manager's {@code TransferService}: serves the local files and buffers declared at the
 * manager to the workers that fetch them. Each send runs on one of a fixed number of sender
 * threads (so at most that many at once; later requests wait their turn) and is flow-controlled
 * by {@link EntrySender}, never on the call's own thread. The files it may serve are published
 * here by {@link Manager} when declared; nothing else on the manager's disk is reachable. With a
 * password, a request is served only with a valid token the manager issued for it (checked before
 * anything else, so that nothing is learned without one). The counterpart of the worker's fetcher.
 */
final class ManagerTransferService extends TransferServiceGrpc.TransferServiceImplBase implements AutoCloseable {
  private final Map<String, DeclaredFile> served = new ConcurrentHashMap<>();
  private final Map<String, byte[]> buffers = new ConcurrentHashMap<>();
  private final ExecutorService senders;
  private final TransferTokens tokens;
  final AtomicLong bytesSent = new AtomicLong();

  ManagerTransferService(int concurrent, TransferTokens tokens) {
    this.tokens = tokens;
    senders = Executors.newFixedThreadPool(concurrent, r -> {
      Thread t = new Thread(r, "tendril-manager-send");
      t.setDaemon(true);
      return t;
    });
  }

  void publish(DeclaredFile f, byte[] buffer) {
    served.put(f.cacheName(), f);
    if (buffer != null) {
      buffers.put(f.cacheName(), buffer);
    }
  }

  void withdraw(DeclaredFile f) {
    served.remove(f.cacheName());
    buffers.remove(f.cacheName());
  }

  byte[] buffer(String cacheName) {
    return buffers.get(cacheName);
  }

  @Override
  public void fetch(FetchRequest request, StreamObserver<FileChunk> out) {
    String refusal = tokens.refusal(request, System.currentTimeMillis());
    if (refusal != null) {
      out.onError(Status.UNAUTHENTICATED.withDescription(
          "the manager refuses '" + request.getCacheName() + "' to '" + request.getRequester() + "': " + refusal)
          .asRuntimeException());
      return;
    }
    DeclaredFile f = served.get(request.getCacheName());
    if (f == null) {
      out.onError(Status.NOT_FOUND.withDescription(
          "the manager serves no file named " + request.getCacheName()).asRuntimeException());
      return;
    }
    ServerCallStreamObserver<FileChunk> call = (ServerCallStreamObserver<FileChunk>) out;
    EntrySender sender = new EntrySender(call);
    senders.execute(() -> send(f, call, sender));
  }

  private void send(DeclaredFile f, ServerCallStreamObserver<FileChunk> call, EntrySender sender) {
    if (sender.cancelled()) {
      return;
    }
    try {
      byte[] bytes = buffers.get(f.cacheName());
      long sent;
      if (bytes != null) {
        sent = sender.sendBytes(bytes);
      } else {
        Path p = f.path().orElseThrow();
        if (!Files.exists(p)) {
          call.onError(Status.NOT_FOUND.withDescription("local file " + p + " does not exist").asRuntimeException());
          return;
        }
        sent = sender.send(p);
      }
      bytesSent.addAndGet(sent);
      call.onCompleted();
    } catch (StatusRuntimeException e) {
      fail(call, e);
    } catch (Exception e) {
      fail(call, Status.INTERNAL.withDescription("cannot send " + f + ": " + e).asRuntimeException());
    }
  }

  private static void fail(ServerCallStreamObserver<FileChunk> call, StatusRuntimeException e) {
    try {
      call.onError(e);
    } catch (RuntimeException alreadyClosed) {
      // The receiver went away first; nothing is left to tell it.
    }
  }

  @Override
  public void close() {
    senders.shutdownNow();
  }
}

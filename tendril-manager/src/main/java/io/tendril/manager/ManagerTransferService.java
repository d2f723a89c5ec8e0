package io.tendril.manager;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.transfer.EntryStreamer;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.TransferServiceGrpc;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The manager's {@code TransferService}: serves the local files and buffers declared at the
 * manager to the workers that fetch them, a bounded number at once. The files it may serve are
 * published here by {@link Manager} when declared; nothing else on the manager's disk is
 * reachable. The counterpart of the worker's fetcher.
 */
final class ManagerTransferService extends TransferServiceGrpc.TransferServiceImplBase {
  private final Map<String, DeclaredFile> served = new ConcurrentHashMap<>();
  private final Map<String, byte[]> buffers = new ConcurrentHashMap<>();
  private final Semaphore slots;
  final AtomicLong bytesSent = new AtomicLong();

  ManagerTransferService(int concurrent) {
    slots = new Semaphore(concurrent, true);
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
    DeclaredFile f = served.get(request.getCacheName());
    if (f == null) {
      out.onError(Status.NOT_FOUND.withDescription(
          "the manager serves no file named " + request.getCacheName()).asRuntimeException());
      return;
    }
    boolean acquired = false;
    try {
      acquired = slots.tryAcquire(10, TimeUnit.MINUTES);
      if (!acquired) {
        out.onError(Status.RESOURCE_EXHAUSTED.withDescription("the manager is busy serving files").asRuntimeException());
        return;
      }
      long sent;
      byte[] bytes = buffers.get(f.cacheName());
      if (bytes != null) {
        sent = EntryStreamer.sendBytes(bytes, out);
      } else {
        java.nio.file.Path p = f.path().orElseThrow();
        if (!Files.exists(p)) {
          out.onError(Status.NOT_FOUND.withDescription("local file " + p + " does not exist").asRuntimeException());
          return;
        }
        sent = EntryStreamer.send(p, out);
      }
      bytesSent.addAndGet(sent);
      out.onCompleted();
    } catch (Exception e) {
      out.onError(Status.INTERNAL.withDescription("cannot send " + f + ": " + e).asRuntimeException());
    } finally {
      if (acquired) {
        slots.release();
      }
    }
  }
}

package io.tendril.worker;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.transfer.EntryStreamer;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.TransferServiceGrpc;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's {@code TransferService}: serves files of its cache to peer workers and to the
 * manager, at most {@value #CONCURRENT} at once (others wait for a slot), streaming in chunks so
 * memory does not grow with file size. The counterpart of the fetcher on the other side.
 */
final class WorkerTransferService extends TransferServiceGrpc.TransferServiceImplBase {
  static final int CONCURRENT = 10;

  private final WorkerCache cache;
  private final Semaphore slots = new Semaphore(CONCURRENT, true);
  final AtomicLong bytesServed = new AtomicLong();

  WorkerTransferService(WorkerCache cache) {
    this.cache = cache;
  }

  @Override
  public void fetch(FetchRequest request, StreamObserver<FileChunk> out) {
    String name = request.getCacheName();
    if (!io.tendril.protocol.Protocol.isValidCacheName(name) || !cache.has(name)) {
      out.onError(Status.NOT_FOUND.withDescription("this worker holds no file named " + name).asRuntimeException());
      return;
    }
    boolean acquired = false;
    try {
      acquired = slots.tryAcquire(10, TimeUnit.MINUTES);
      if (!acquired) {
        out.onError(Status.RESOURCE_EXHAUSTED.withDescription("the worker is busy serving files").asRuntimeException());
        return;
      }
      bytesServed.addAndGet(EntryStreamer.send(cache.path(name), out));
      out.onCompleted();
    } catch (Exception e) {
      out.onError(Status.INTERNAL.withDescription("cannot send " + name + ": " + e).asRuntimeException());
    } finally {
      if (acquired) {
        slots.release();
      }
    }
  }
}

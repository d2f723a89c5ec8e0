package io.tendril.worker.internal;

import io.tendril.protocol.transfer.EntrySender;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.auth.TransferTokens;
import io.tendril.protocol.tls.TlsIdentity;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.TransferServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's {@code TransferService}: sends files of its cache to peer workers and to the
 * manager as streams of entry headers and data chunks ({@link EntrySender}), one chunk at a time
 * and only while the receiver's flow-control window has room, so memory does not grow with file
 * size.
 *
 * <p>At most {@code concurrency} files are sent at once, each on a sender thread of this server.
 * Further requests wait in arrival order until a sender is free, and are dropped if their caller
 * gives up (deadline or cancellation) before their turn. Waiting rather than failing at once keeps
 * a burst of peer fetches and output retrievals from failing transfers the manager would then have
 * to retry. A request for a name the cache does not hold fails with {@code NOT_FOUND}. An entry
 * being sent is pinned, so an Unlink in the meantime takes effect once the send ends. With a
 * password, a request is served only with a valid, unexpired token issued by the manager for that
 * file and that requester ({@link TransferTokens}); it is checked before anything else, so that an
 * unauthenticated peer learns nothing, not even whether the file is here. With TLS, it serves over
 * TLS with the worker's self-signed certificate, which clients pin by the fingerprint the manager
 * learned from Hello.
 *
 * <p>Beside the gRPC service it runs the worker's data port ({@link DataPortServer}), which serves
 * the same files under the same rules but sends their bytes raw; both share the sender threads.
 *
 * <p>Owned by the worker engine, started before Hello (its address is in it) and stopped on exit.
 * Its counterpart is the fetcher of a peer worker or the manager's output retriever.
 */
final class TransferServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransferServer.class);

  private final WorkerCache cache;
  private final String workerId;
  private final TransferTokens tokens;
  private final ThreadPoolExecutor senders;
  private final ExecutorService callThreads;
  private final AtomicLong bytesServed = new AtomicLong();
  private final Server server;
  private final DataPortServer dataPort;

  /**
   * Starts listening.
   *
   * @param cache the files to serve
   * @param workerId this worker's id, for messages
   * @param bind where to listen
   * @param concurrency files sent at once
   * @param tokens what a request must carry to be served
   * @param identity the key and certificate to serve TLS with, or null for plaintext
   * @param dataBind where the data port ({@link DataPortServer}) listens, or null for none
   * @throws IOException if the server cannot listen
   */
  TransferServer(WorkerCache cache, String workerId, InetSocketAddress bind, int concurrency, TransferTokens tokens,
      TlsIdentity identity, InetSocketAddress dataBind) throws IOException {
    this.cache = cache;
    this.tokens = tokens;
    this.workerId = workerId;
    this.senders = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        WorkerThreads.factory("tendril-transfer-send-" + workerId));
    this.senders.allowCoreThreadTimeOut(true);
    this.callThreads = Executors.newCachedThreadPool(WorkerThreads.factory("tendril-transfer-call-" + workerId));
    try {
      this.server = Transport.startServer(bind, new Service(), callThreads, identity);
    } catch (IOException | RuntimeException e) {
      senders.shutdownNow();
      callThreads.shutdownNow();
      throw e;
    }
    try {
      this.dataPort = dataBind == null ? null
          : new DataPortServer(cache, workerId, dataBind, senders, tokens, identity, bytesServed);
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      senders.shutdownNow();
      callThreads.shutdownNow();
      throw e;
    }
  }

  /** The port of the data port, or -1 when there is none. */
  int dataPort() {
    return dataPort == null ? -1 : dataPort.port();
  }

  /** The port the server listens on. */
  int port() {
    return server.getPort();
  }

  /** Data bytes sent so far. */
  long bytesServed() {
    return bytesServed.get();
  }

  /** Stops accepting requests and ends the sends in progress. */
  @Override
  public void close() {
    if (dataPort != null) {
      dataPort.close();
    }
    server.shutdown();
    senders.shutdownNow();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
      senders.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    callThreads.shutdownNow();
  }

  private final class Service extends TransferServiceGrpc.TransferServiceImplBase {
    @Override
    public void fetch(FetchRequest request, StreamObserver<FileChunk> out) {
      String name = request.getCacheName();
      String refusal = tokens.refusal(request, System.currentTimeMillis());
      if (refusal != null) {
        log.warn("refused '{}' to '{}': {}", name, request.getRequester(), refusal);
        out.onError(Status.UNAUTHENTICATED
            .withDescription("worker " + workerId + " refuses '" + name + "' to '" + request.getRequester() + "': "
                + refusal)
            .asRuntimeException());
        return;
      }
      if (!Protocol.isValidCacheName(name) || !cache.has(name)) {
        out.onError(Status.NOT_FOUND
            .withDescription("worker " + workerId + " holds no file named '" + name + "'")
            .asRuntimeException());
        return;
      }
      ServerCallStreamObserver<FileChunk> call = (ServerCallStreamObserver<FileChunk>) out;
      EntrySender sender = new EntrySender(call);
      try {
        senders.execute(() -> send(name, request.getRequester(), call, sender));
      } catch (RejectedExecutionException e) {
        out.onError(Status.UNAVAILABLE.withDescription("worker " + workerId + " is stopping").asRuntimeException());
      }
    }
  }

  private void send(String name, String requester, ServerCallStreamObserver<FileChunk> call, EntrySender sender) {
    if (sender.cancelled()) {
      log.debug("{} gave up on {} before its turn", requester, name);
      return;
    }
    cache.pin(name);
    try {
      if (!cache.has(name)) {
        call.onError(Status.NOT_FOUND
            .withDescription("worker " + workerId + " no longer holds '" + name + "'").asRuntimeException());
        return;
      }
      long sent = sender.send(cache.path(name));
      call.onCompleted();
      bytesServed.addAndGet(sent);
      log.debug("sent {} ({} bytes) to {}", name, sent, requester);
    } catch (StatusRuntimeException e) {
      log.debug("sending {} to {} ended: {}", name, requester, e.getStatus());
      closeQuietly(call, e.getStatus());
    } catch (IOException | RuntimeException e) {
      log.warn("cannot send {} to {}: {}", name, requester, e.toString());
      closeQuietly(call, Status.INTERNAL.withDescription("worker " + workerId + " cannot send '" + name + "': " + e));
    } finally {
      cache.unpin(name);
    }
  }

  private static void closeQuietly(ServerCallStreamObserver<FileChunk> call, Status status) {
    if (call.isCancelled()) {
      return;
    }
    try {
      call.onError(status.asRuntimeException());
    } catch (RuntimeException closed) {
      // The call ended already.
    }
  }
}

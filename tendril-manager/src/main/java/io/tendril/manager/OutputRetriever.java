package io.tendril.manager;

import io.grpc.InsecureChannelCredentials;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.auth.TransferTokens;
import io.tendril.protocol.tls.ServerTrust;
import io.tendril.protocol.tls.UntrustedServerException;
import io.tendril.protocol.transfer.EntryReceiver;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.TransferServiceGrpc;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Brings task outputs back from workers to the manager's disk: fetches each from the worker's
 * transfer server on a small pool of threads (never on the loop), streaming to a temporary file
 * that is moved into place, and posts the outcome to the loop. Also fetches files for {@link
 * Manager#fetchFile}. With a password, each fetch carries a token the manager issues to itself; with
 * TLS, each worker is reached over TLS and trusted only with the certificate fingerprint from its
 * Hello. A retrieval has a deadline that grows with the file's size (the {@code transfer-*} knobs),
 * and those from a worker that is lost are cancelled at once, so a worker that stopped answering
 * does not hold the pool's threads. The counterpart of the worker's transfer server.
 */
final class OutputRetriever implements AutoCloseable {
  /**
   * One output to bring back.
   *
   * @param fingerprint the SHA-256 fingerprint of the worker's transfer certificate, or empty
   * @param timeoutMillis how long it may take; 0 for the default of {@link #fetchTo}
   */
  record Request(long taskId, String address, String fingerprint, String cacheName, Path target, long size,
      long timeoutMillis) {}

  /** Receives each outcome on the loop. */
  interface Sink {
    void retrieved(Request r, long bytes, String error);
  }

  private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "tendril-retrieve");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  /** Fetches under way, by the address they read from, to cancel those of a lost worker. */
  private final Map<String, Set<Context.CancellableContext>> inFlight = new ConcurrentHashMap<>();
  private final TransferTokens tokens;
  private volatile Sink sink;
  private volatile EventLoop loop;

  OutputRetriever(TransferTokens tokens) {
    this.tokens = tokens;
  }

  void bind(EventLoop l, Sink s) {
    loop = l;
    sink = s;
  }

  void retrieve(Request r) {
    pool.execute(() -> {
      long bytes = 0;
      String error = null;
      try {
        bytes = fetchTo(r.address(), r.fingerprint(), r.cacheName(), r.target(), r.size(), r.timeoutMillis());
      } catch (Exception e) {
        error = e.getMessage() == null ? e.toString() : e.getMessage();
      }
      long b = bytes;
      String err = error;
      loop.post(() -> sink.retrieved(r, b, err));
    });
  }

  /**
   * Fetches a cached file from a transfer server into a local path (blocking).
   *
   * @param fingerprint the SHA-256 fingerprint of the server's certificate to pin, or empty for plaintext
   * @param timeoutMillis how long it may take; 0 for 60 s plus a second per MiB of {@code sizeHint}
   */
  long fetchTo(String address, String fingerprint, String cacheName, Path target, long sizeHint, long timeoutMillis)
      throws java.io.IOException {
    long timeout = timeoutMillis > 0 ? timeoutMillis : 1000 * (60 + Math.max(0, sizeHint) / (1024 * 1024));
    Context.CancellableContext ctx = Context.current().withCancellation();
    Set<Context.CancellableContext> mine = inFlight.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet());
    mine.add(ctx);
    try {
      return ctx.call(() -> {
        var stub = TransferServiceGrpc.newBlockingStub(channel(address, fingerprint))
            .withDeadlineAfter(timeout, TimeUnit.MILLISECONDS);
        return EntryReceiver.receive(stub.fetch(tokens.sign(FetchRequest.newBuilder().setCacheName(cacheName)
            .setRequester(Protocol.MANAGER_SOURCE)).build()), target);
      });
    } catch (io.grpc.StatusRuntimeException e) {
      throw new java.io.IOException("fetching " + cacheName + " from " + address + ": "
          + UntrustedServerException.find(e).orElseGet(() -> e.getStatus().toString()), e);
    } catch (java.io.IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new java.io.IOException("fetching " + cacheName + " from " + address + ": " + e, e);
    } finally {
      mine.remove(ctx);
      ctx.cancel(null);
    }
  }

  /** Cancels the fetches from a transfer server (its worker was lost); they fail at once. */
  void cancelFrom(String address) {
    Set<Context.CancellableContext> those = inFlight.get(address);
    if (those != null) {
      those.forEach(c -> c.cancel(null));
    }
  }

  private ManagedChannel channel(String address, String fingerprint) {
    return channels.computeIfAbsent(address + " " + fingerprint, k -> NettyChannelBuilder.forTarget(address,
            fingerprint.isEmpty() ? InsecureChannelCredentials.create()
                : ServerTrust.pinned(fingerprint).credentials("the transfer server"))
        .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES).flowControlWindow(Protocol.TRANSFER_WINDOW_BYTES).build());
  }

  @Override
  public void close() {
    pool.shutdownNow();
    for (ManagedChannel c : channels.values()) {
      c.shutdownNow();
    }
  }
}

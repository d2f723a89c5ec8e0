package io.tendril.manager;

import io.grpc.InsecureChannelCredentials;
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
 * Hello.
 * The counterpart of the worker's transfer server.
 */
final class OutputRetriever implements AutoCloseable {
  /** One output to bring back. */
  record Request(long taskId, String address, String fingerprint, String cacheName, Path target, long size) {}

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
        bytes = fetchTo(r.address(), r.fingerprint(), r.cacheName(), r.target(), r.size());
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
   */
  long fetchTo(String address, String fingerprint, String cacheName, Path target, long sizeHint)
      throws java.io.IOException {
    long timeoutSeconds = 60 + Math.max(0, sizeHint) / (1024 * 1024);
    var stub = TransferServiceGrpc.newBlockingStub(channel(address, fingerprint))
        .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
    try {
      return EntryReceiver.receive(stub.fetch(tokens.sign(FetchRequest.newBuilder().setCacheName(cacheName)
          .setRequester(Protocol.MANAGER_SOURCE)).build()), target);
    } catch (io.grpc.StatusRuntimeException e) {
      throw new java.io.IOException("fetching " + cacheName + " from " + address + ": "
          + UntrustedServerException.find(e).orElseGet(() -> e.getStatus().toString()), e);
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

package io.tendril.worker.internal;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.tendril.protocol.tls.UntrustedServerException;
import io.tendril.protocol.transfer.EntryReceiver;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.TransferServiceGrpc;
import io.tendril.protocol.tls.ServerTrust;
import io.tendril.protocol.transfer.DataReceiver;
import io.tendril.protocol.transfer.DataStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Pulls one file from a transfer server (a peer worker's or the manager's) with {@code
 * TransferService.Fetch}, writing it to disk as it arrives ({@link EntryReceiver}: every entry's
 * byte count is checked against its header, no entry path may leave the root). Memory stays
 * bounded: the blocking stub asks for one chunk at a time.
 *
 * <p>Time limits are the fetch's {@link TransferLimits}: the whole transfer must end within its
 * total limit, when there is one, and a transfer that receives nothing for its stall limit is
 * abandoned (a source that stopped answering, a connection never made). A cancelled or timed-out
 * transfer ends its gRPC call at once. An address that is not {@code host:port} is refused before
 * any connection is tried.
 *
 * <p>With TLS, a source is reached over TLS and trusted only if its certificate has the fingerprint
 * the manager passed for it in FetchFile; a worker with TLS fetches nothing in plaintext.
 *
 * <p>Owned by the {@link Fetcher}; one channel per source address and fingerprint, kept until the
 * worker exits.
 * Its counterpart is the transfer server of a peer worker or of the manager.
 */
final class TransferClient implements AutoCloseable {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers;
  private final String requester;
  private final boolean tls;

  /**
   * Creates a client that names itself {@code requester} and watches transfers on the timer.
   *
   * @param tls whether this worker speaks TLS, and so fetches only over TLS
   */
  TransferClient(ScheduledExecutorService timers, String requester, boolean tls) {
    this.timers = timers;
    this.requester = requester;
    this.tls = tls;
  }

  /**
   * What is wrong with a transfer address, or null if it is {@code host:port}: a host without
   * blanks or slashes (an IPv6 address in brackets) and a port from 1 to 65535. gRPC would fail on
   * some of these only later, in a thread of its own, leaving the transfer to its stall limit.
   *
   * @param address the address a FetchFile names
   * @return the problem, or null
   */
  static String checkAddress(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      return "transfer address '" + address + "' is not host:port";
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") != host.endsWith("]") || host.equals("[]")
        || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c == '?' || c == '#')
        || (!host.startsWith("[") && host.indexOf(':') >= 0)) {
      return "transfer address '" + address + "' has no valid host";
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return "transfer address '" + address + "' has a port out of range";
      }
    } catch (NumberFormatException e) {
      return "transfer address '" + address + "' has no valid port";
    }
    return null;
  }

  /** Refuses, before connecting, an address that is not one and a plaintext fetch by a worker with TLS. */
  private void requireFetchable(String address, String fingerprint, String cacheName) throws IOException {
    String bad = checkAddress(address);
    if (bad != null) {
      throw new IOException("fetching " + cacheName + " failed: " + bad);
    }
    if (tls && fingerprint.isEmpty()) {
      throw new IOException("fetching " + cacheName + " from " + address + " refused: the manager gave no certificate"
          + " fingerprint for it, and a worker with TLS fetches nothing in plaintext");
    }
  }

  /**
   * Fetches a cached file or directory into {@code target}.
   *
   * @param address the transfer server, {@code host:port}
   * @param fingerprint the SHA-256 fingerprint of the server's certificate, or empty for plaintext
   * @param cacheName the name to ask for
   * @param token the manager's token for this transfer, empty if none
   * @param tokenExpiryMs when the token expires
   * @param limits how long it may take, and may receive nothing
   * @param target where the file or directory is written; must not exist
   * @param cancellation stops the transfer
   * @return the data bytes received
   * @throws IOException on a failed, refused, malformed, stalled or cancelled transfer
   */
  long fetch(String address, String fingerprint, String cacheName, ByteString token, long tokenExpiryMs,
      TransferLimits limits, Path target, Cancellation cancellation) throws IOException {
    requireFetchable(address, fingerprint, cacheName);
    Context.CancellableContext ctx = Context.current().withCancellation();
    AtomicLong lastData = new AtomicLong(System.nanoTime());
    AtomicReference<String> stopped = new AtomicReference<>();
    cancellation.onCancel(() -> {
      stopped.compareAndSet(null, "cancelled");
      ctx.cancel(null);
    });
    ScheduledFuture<?> watchdog = timers.scheduleWithFixedDelay(() -> {
      if (System.nanoTime() - lastData.get() > limits.stall().toNanos()) {
        stopped.compareAndSet(null, "nothing received for " + limits.stallText());
        ctx.cancel(null);
      }
    }, watchPeriod(limits), watchPeriod(limits), TimeUnit.MILLISECONDS);
    try {
      return ctx.call(() -> {
        var stub = TransferServiceGrpc.newBlockingStub(channel(address, fingerprint));
        if (limits.total() != null) {
          stub = stub.withDeadlineAfter(limits.total().toMillis(), TimeUnit.MILLISECONDS);
        }
        Iterator<FileChunk> chunks = stub.fetch(FetchRequest.newBuilder().setCacheName(cacheName)
            .setRequester(requester).setToken(token).setTokenExpiryMs(tokenExpiryMs).build());
        return EntryReceiver.receive(new Iterator<>() {
          @Override
          public boolean hasNext() {
            return chunks.hasNext();
          }

          @Override
          public FileChunk next() {
            FileChunk c = chunks.next();
            lastData.set(System.nanoTime());
            return c;
          }
        }, target);
      });
    } catch (StatusRuntimeException e) {
      String why = stopped.get() != null ? stopped.get()
          : UntrustedServerException.find(e).orElseGet(() -> e.getStatus().getCode()
              + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()));
      throw new IOException("fetching " + cacheName + " from " + address + " failed: " + why, e);
    } catch (IOException e) {
      throw new IOException("fetching " + cacheName + " from " + address + " failed: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IOException("fetching " + cacheName + " from " + address + " failed: " + e, e);
    } finally {
      watchdog.cancel(false);
      ctx.cancel(null);
    }
  }

  /**
   * Fetches a cached file or directory from a transfer data port (docs/protocol.md, "Transfer data
   * port") into {@code target}: the same request, token, certificate pinning and limits as {@link
   * #fetch}, with the bytes received raw, from the socket into the file through one direct buffer
   * (in plaintext) or a heap buffer (over TLS). A cancellation, the stall limit or the total limit
   * closes the connection, which ends the transfer at once.
   *
   * @param address the data port, {@code host:port}
   * @param fingerprint the SHA-256 fingerprint of the server's certificate, or empty for plaintext
   * @param cacheName the name to ask for
   * @param token the manager's token for this transfer, empty if none
   * @param tokenExpiryMs when the token expires
   * @param limits how long it may take, and may receive nothing
   * @param target where the file or directory is written; must not exist
   * @param cancellation stops the transfer
   * @return the data bytes received
   * @throws IOException on a failed, refused, malformed, stalled or cancelled transfer
   */
  long fetchData(String address, String fingerprint, String cacheName, ByteString token, long tokenExpiryMs,
      TransferLimits limits, Path target, Cancellation cancellation) throws IOException {
    requireFetchable(address, fingerprint, cacheName);
    String where = "fetching " + cacheName + " from data port " + address;
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(address.substring(colon + 1));
    AtomicLong lastData = new AtomicLong(System.nanoTime());
    AtomicReference<String> stopped = new AtomicReference<>();
    SocketChannel channel = SocketChannel.open();
    Runnable stop = () -> {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing
      }
    };
    cancellation.onCancel(() -> {
      stopped.compareAndSet(null, "cancelled");
      stop.run();
    });
    long deadline = limits.total() == null ? Long.MAX_VALUE : System.nanoTime() + limits.total().toNanos();
    ScheduledFuture<?> watchdog = timers.scheduleWithFixedDelay(() -> {
      long now = System.nanoTime();
      if (now - lastData.get() > limits.stall().toNanos()) {
        stopped.compareAndSet(null, "nothing received for " + limits.stallText());
        stop.run();
      } else if (now - deadline > 0) {
        stopped.compareAndSet(null, "DEADLINE_EXCEEDED: it took longer than " + Durations.human(limits.total()));
        stop.run();
      }
    }, watchPeriod(limits), watchPeriod(limits), TimeUnit.MILLISECONDS);
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.socket().connect(new InetSocketAddress(host, port),
          (int) Math.min(Integer.MAX_VALUE, limits.stall().toMillis()));
      lastData.set(System.nanoTime());
      byte[] request = DataStream.request(FetchRequest.newBuilder().setCacheName(cacheName)
          .setRequester(requester).setToken(token).setTokenExpiryMs(tokenExpiryMs).build());
      Runnable progress = () -> lastData.set(System.nanoTime());
      if (fingerprint.isEmpty()) {
        ByteBuffer b = ByteBuffer.wrap(request);
        while (b.hasRemaining()) {
          channel.write(b);
        }
        return DataReceiver.receive(channel, ByteBuffer.allocateDirect(DataReceiver.BUFFER_BYTES), target, progress);
      }
      SSLSocket s = (SSLSocket) ServerTrust.pinned(fingerprint).clientContext(Transport.TRANSFER_SERVER)
          .getSocketFactory().createSocket(channel.socket(), host, port, true);
      s.setUseClientMode(true);
      try {
        s.startHandshake();
      } catch (IOException e) {
        if (stopped.get() == null && UntrustedServerException.find(e).isEmpty()) {
          throw new IOException("the TLS handshake failed (" + e.getMessage() + "): does the data port speak TLS?", e);
        }
        throw e;
      }
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      return DataReceiver.receive(DataReceiver.channel(s.getInputStream()),
          ByteBuffer.allocate(DataReceiver.BUFFER_BYTES), target, progress);
    } catch (IOException | RuntimeException e) {
      String why = stopped.get() != null ? stopped.get()
          : UntrustedServerException.find(e).orElseGet(() -> e.getMessage() == null ? e.toString() : e.getMessage());
      throw new IOException(where + " failed: " + why, e);
    } finally {
      watchdog.cancel(false);
      stop.run();
    }
  }

  /** How often the stall watch looks: a tenth of the stall limit, between 50 ms and a second. */
  private static long watchPeriod(TransferLimits limits) {
    return Math.max(50, Math.min(1000, limits.stall().toMillis() / 10));
  }

  private ManagedChannel channel(String address, String fingerprint) {
    return channels.computeIfAbsent(address + " " + fingerprint, k -> Transport.transferChannel(address, fingerprint));
  }

  /** Closes every channel. */
  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}

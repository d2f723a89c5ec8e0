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
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
 * <p>Time limits: when the expected size is known, the whole transfer has {@link #BASE_TIME} plus
 * one second per {@link #BYTES_PER_SECOND} bytes (30 s + 1 s/MiB); in every case a transfer that
 * receives nothing for {@link #STALL_TIME} (60 s) is abandoned. A cancelled or timed-out transfer
 * ends its gRPC call at once.
 *
 * <p>With TLS, a source is reached over TLS and trusted only if its certificate has the fingerprint
 * the manager passed for it in FetchFile; a worker with TLS fetches nothing in plaintext.
 *
 * <p>Owned by the {@link Fetcher}; one channel per source address and fingerprint, kept until the
 * worker exits.
 * Its counterpart is the transfer server of a peer worker or of the manager.
 */
final class TransferClient implements AutoCloseable {
  /** Time every transfer with a known size is allowed on top of its size-based share. */
  static final Duration BASE_TIME = Duration.ofSeconds(30);

  /** The slowest rate a transfer with a known size is allowed. */
  static final long BYTES_PER_SECOND = 1 << 20;

  /** How long a transfer may receive nothing before it is abandoned. */
  static final Duration STALL_TIME = Duration.ofSeconds(60);

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

  /** The deadline of a transfer of a known size. */
  static Duration deadlineFor(long expectedBytes) {
    return BASE_TIME.plusSeconds(Math.max(0, expectedBytes) / BYTES_PER_SECOND);
  }

  /**
   * Fetches a cached file or directory into {@code target}.
   *
   * @param address the transfer server, {@code host:port}
   * @param fingerprint the SHA-256 fingerprint of the server's certificate, or empty for plaintext
   * @param cacheName the name to ask for
   * @param token the manager's token for this transfer, empty if none
   * @param tokenExpiryMs when the token expires
   * @param expectedBytes the size, or 0 if unknown
   * @param target where the file or directory is written; must not exist
   * @param cancellation stops the transfer
   * @return the data bytes received
   * @throws IOException on a failed, refused, malformed, stalled or cancelled transfer
   */
  long fetch(String address, String fingerprint, String cacheName, ByteString token, long tokenExpiryMs,
      long expectedBytes, Path target, Cancellation cancellation) throws IOException {
    if (tls && fingerprint.isEmpty()) {
      throw new IOException("fetching " + cacheName + " from " + address + " refused: the manager gave no certificate"
          + " fingerprint for it, and a worker with TLS fetches nothing in plaintext");
    }
    Context.CancellableContext ctx = Context.current().withCancellation();
    AtomicLong lastData = new AtomicLong(System.nanoTime());
    AtomicReference<String> stopped = new AtomicReference<>();
    cancellation.onCancel(() -> {
      stopped.compareAndSet(null, "cancelled");
      ctx.cancel(null);
    });
    ScheduledFuture<?> watchdog = timers.scheduleWithFixedDelay(() -> {
      if (System.nanoTime() - lastData.get() > STALL_TIME.toNanos()) {
        stopped.compareAndSet(null, "nothing received for " + STALL_TIME.toSeconds() + " s");
        ctx.cancel(null);
      }
    }, 1, 1, TimeUnit.SECONDS);
    try {
      return ctx.call(() -> {
        var stub = TransferServiceGrpc.newBlockingStub(channel(address, fingerprint));
        if (expectedBytes > 0) {
          stub = stub.withDeadlineAfter(deadlineFor(expectedBytes).toMillis(), TimeUnit.MILLISECONDS);
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

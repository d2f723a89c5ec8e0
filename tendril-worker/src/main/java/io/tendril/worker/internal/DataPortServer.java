package io.tendril.worker.internal;

import io.tendril.protocol.Protocol;
import io.tendril.protocol.auth.TransferTokens;
import io.tendril.protocol.tls.TlsIdentity;
import io.tendril.protocol.transfer.DataSender;
import io.tendril.protocol.transfer.DataStream;
import io.tendril.protocol.transfer.EntrySender;
import io.tendril.protocol.wire.FetchRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's transfer data port: serves the same files as the {@link TransferServer}, to the
 * same requests under the same rules, but sends their bytes raw after a small framed header ({@link
 * DataStream}) instead of as gRPC messages: in plaintext straight from the file to the socket
 * (sendfile), over TLS in large blocks. A request is checked exactly as TransferService.Fetch
 * checks it, token first (an unauthenticated peer learns nothing, not even whether the file is
 * here), then the name; a refusal is an end frame with the status and nothing else. Sends share
 * the transfer server's sender threads, so its concurrency limit covers both paths.
 *
 * <p>With TLS, every connection must open with a TLS handshake, with the same certificate as the
 * transfer server (so the fingerprint peers pin is the same); a client that speaks plaintext gets
 * an end frame saying so, in plaintext, and the connection is closed. A client has {@link
 * #REQUEST_TIME} to complete the handshake and send its request; a receiver that takes nothing
 * for {@link EntrySender#STALL_TIME} is dropped, as on the gRPC path.
 *
 * <p>Owned by the {@link TransferServer}, which starts it beside itself and stops it on exit.
 */
final class DataPortServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataPortServer.class);

  /** How long a client may take to connect, shake hands and send its request. */
  static final Duration REQUEST_TIME = Duration.ofSeconds(30);

  private final WorkerCache cache;
  private final String workerId;
  private final TransferTokens tokens;
  private final ThreadPoolExecutor senders;
  private final AtomicLong bytesServed;
  private final SSLContext tls;
  private final ServerSocketChannel listener;
  private final ExecutorService connections;
  private final ScheduledExecutorService watch;
  private final Map<SocketChannel, AtomicLong> sending = new ConcurrentHashMap<>();
  private final Thread acceptor;
  private volatile boolean closed;

  DataPortServer(WorkerCache cache, String workerId, InetSocketAddress bind, ThreadPoolExecutor senders,
      TransferTokens tokens, TlsIdentity identity, AtomicLong bytesServed) throws IOException {
    this.cache = cache;
    this.workerId = workerId;
    this.tokens = tokens;
    this.senders = senders;
    this.bytesServed = bytesServed;
    this.tls = identity == null ? null : identity.serverContext();
    this.listener = ServerSocketChannel.open();
    try {
      listener.bind(bind, 64);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    this.connections = Executors.newCachedThreadPool(WorkerThreads.factory("tendril-data-conn-" + workerId));
    this.watch = Executors.newSingleThreadScheduledExecutor(WorkerThreads.factory("tendril-data-watch-" + workerId));
    watch.scheduleWithFixedDelay(this::dropStalled, 1, 1, TimeUnit.SECONDS);
    this.acceptor = WorkerThreads.factory("tendril-data-accept-" + workerId).newThread(this::acceptLoop);
    acceptor.start();
  }

  /** The port it listens on. */
  int port() {
    return listener.socket().getLocalPort();
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing
    }
    sending.keySet().forEach(DataPortServer::closeQuietly);
    connections.shutdownNow();
    watch.shutdownNow();
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel c;
      try {
        c = listener.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          log.warn("worker {}: the data port cannot accept: {}", workerId, e.toString());
          sleepQuietly();
        }
        continue;
      }
      try {
        connections.execute(() -> serve(c));
      } catch (RejectedExecutionException e) {
        closeQuietly(c);
      }
    }
  }

  /** Reads the request and answers a refusal, or queues the send; on a connection thread. */
  private void serve(SocketChannel c) {
    boolean queued = false;
    Socket conn = null;
    try {
      c.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Socket plain = c.socket();
      plain.setSoTimeout((int) REQUEST_TIME.toMillis());
      InputStream in = plain.getInputStream();
      int first = in.read();
      if (first < 0) {
        return;
      }
      if (tls != null) {
        if (first != DataStream.TLS_HANDSHAKE) {
          writeQuietly(plain.getOutputStream(), DataStream.end("FAILED_PRECONDITION", "worker " + workerId
              + "'s transfer data port speaks TLS, and this client spoke plaintext"));
          return;
        }
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain,
            new ByteArrayInputStream(new byte[] {(byte) first}), true);
        s.setUseClientMode(false);
        s.setSoTimeout((int) REQUEST_TIME.toMillis());
        s.startHandshake();
        conn = s;
        in = s.getInputStream();
        first = in.read();
        if (first < 0) {
          return;
        }
      } else {
        if (first == DataStream.TLS_HANDSHAKE) {
          log.debug("worker {}: a TLS client on the plaintext data port", workerId);
          return; // the client's handshake fails: this server does not speak TLS
        }
        conn = plain;
      }
      FetchRequest request;
      try {
        request = DataStream.readRequest(in, first);
      } catch (IOException e) {
        writeQuietly(conn.getOutputStream(), DataStream.end("INVALID_ARGUMENT", "worker " + workerId + ": "
            + e.getMessage()));
        return;
      }
      String name = request.getCacheName();
      String refusal = tokens.refusal(request, System.currentTimeMillis());
      if (refusal != null) {
        log.warn("refused '{}' to '{}' on the data port: {}", name, request.getRequester(), refusal);
        writeQuietly(conn.getOutputStream(), DataStream.end("UNAUTHENTICATED", "worker " + workerId + " refuses '"
            + name + "' to '" + request.getRequester() + "': " + refusal));
        return;
      }
      if (!Protocol.isValidCacheName(name) || !cache.has(name)) {
        writeQuietly(conn.getOutputStream(), DataStream.end("NOT_FOUND", "worker " + workerId
            + " holds no file named '" + name + "'"));
        return;
      }
      Socket sendOn = conn;
      try {
        senders.execute(() -> send(c, sendOn, name, request.getRequester()));
        queued = true;
      } catch (RejectedExecutionException e) {
        writeQuietly(conn.getOutputStream(), DataStream.end("UNAVAILABLE", "worker " + workerId + " is stopping"));
      }
    } catch (IOException | RuntimeException e) {
      log.debug("worker {}: a data-port connection failed before its request: {}", workerId, e.toString());
    } finally {
      if (!queued) {
        closeQuietly(conn, c);
      }
    }
  }

  /** Sends a file on one of the transfer server's sender threads. */
  private void send(SocketChannel c, Socket conn, String name, String requester) {
    AtomicLong progress = new AtomicLong(System.nanoTime());
    sending.put(c, progress);
    cache.pin(name);
    try {
      if (closed) {
        return;
      }
      OutputStream out = conn.getOutputStream();
      if (!cache.has(name)) {
        writeQuietly(out, DataStream.end("NOT_FOUND", "worker " + workerId + " no longer holds '" + name + "'"));
        return;
      }
      Runnable tick = () -> progress.set(System.nanoTime());
      DataSender.Sink sink = conn instanceof SSLSocket ? DataSender.stream(out, tick) : DataSender.plain(c, tick);
      // A failure here (the file, or the receiver gone) closes the connection mid-stream, which the
      // receiver refuses: it never takes a partial file for a whole one.
      long sent = DataSender.send(cache.path(name), sink);
      // Counted before the end frame, so that a receiver that has read it sees the count.
      bytesServed.addAndGet(sent);
      sink.write(DataStream.end(DataStream.OK, ""));
      sink.flush();
      log.debug("sent {} ({} bytes) to {} on the data port", name, sent, requester);
    } catch (IOException | RuntimeException e) {
      log.info("sending {} to {} on the data port ended: {}", name, requester, e.toString());
    } finally {
      cache.unpin(name);
      sending.remove(c);
      closeQuietly(conn, c);
    }
  }

  /** Closes the connections whose receiver took nothing for the stall time; on the watch thread. */
  private void dropStalled() {
    long now = System.nanoTime();
    sending.forEach((c, last) -> {
      if (now - last.get() > EntrySender.STALL_TIME.toNanos()) {
        log.info("worker {}: a receiver took nothing for {} s; dropping it", workerId,
            EntrySender.STALL_TIME.toSeconds());
        closeQuietly(c);
      }
    });
  }

  private static void writeQuietly(OutputStream out, byte[] frame) {
    try {
      out.write(frame);
      out.flush();
    } catch (IOException | RuntimeException ignored) {
      // the client went away
    }
  }

  /** Closes a TLS connection with its close_notify, then the socket under it. */
  private static void closeQuietly(Socket conn, SocketChannel c) {
    if (conn instanceof SSLSocket s) {
      try {
        s.close();
      } catch (IOException | RuntimeException ignored) {
        // the connection is gone anyway
      }
    }
    closeQuietly(c);
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

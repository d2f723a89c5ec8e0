package io.tendril.worker.internal;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.wire.WorkerBatch;
import io.tendril.protocol.wire.WorkerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single way out of the worker on the control stream: every WorkerMessage goes through {@link
 * #send}, which serialises calls on the current stream (a gRPC {@link StreamObserver} is not
 * thread-safe) and drops messages while no stream is open. Attached by the {@link ControlChannel}
 * for each connection; written by the worker's loop. While the stream's handshake runs, the stream
 * is attached but not open: only {@link #sendHandshake} passes, everything else is dropped. Its
 * counterpart is the manager's connection for this worker, which reads these messages in order.
 *
 * <p>Batching: with a flush executor (the worker's loop), messages are queued and one flush is
 * posted behind the events already waiting; it sends everything queued by then as one {@link
 * WorkerBatch} (or the message alone when there is one). So the messages a busy loop produces in
 * one turn (tasks started and finished, cache updates) cross the network as one message, and a lone
 * message waits for nothing but the events ahead of it. Handshake messages are never queued.
 */
final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  private StreamObserver<WorkerMessage> stream;
  private boolean open;
  private final Executor flusher;
  private final List<WorkerMessage> queued = new ArrayList<>();
  private boolean flushPosted;

  /** An outbox that sends each message at once. */
  Outbox() {
    this(null);
  }

  /**
   * An outbox that batches.
   *
   * @param flusher where flushes run, behind the events already posted (the worker's loop); null
   *     to send each message at once
   */
  Outbox(Executor flusher) {
    this.flusher = flusher;
  }

  /**
   * Sends on a new stream from now on.
   *
   * @param s the stream
   * @param isOpen true to send every message at once, false to pass only handshake messages until
   *     {@link #open()}
   */
  synchronized void attach(StreamObserver<WorkerMessage> s, boolean isOpen) {
    queued.clear();
    stream = s;
    open = isOpen;
  }

  /** Lets every message through the attached stream (its handshake is done). */
  synchronized void open() {
    open = true;
  }

  /** Stops sending; the stream is left as it is (it has failed or ended). */
  synchronized void detach() {
    queued.clear();
    stream = null;
    open = false;
  }

  /**
   * Sends a message of the handshake, which is all that passes before {@link #open()}.
   *
   * @param m the message
   * @return false if no stream is attached or sending failed
   */
  synchronized boolean sendHandshake(WorkerMessage m) {
    return stream != null && write(m);
  }

  /**
   * Sends a message on the current stream (or queues it for the next flush).
   *
   * @param m the message
   * @return false if no stream is open or sending failed (the message is lost)
   */
  synchronized boolean send(WorkerMessage m) {
    if (stream == null || !open) {
      log.debug("not connected: dropping {}", m.getKindCase());
      return false;
    }
    if (flusher == null) {
      return write(m);
    }
    queued.add(m);
    if (!flushPosted) {
      flushPosted = true;
      flusher.execute(this::flush);
    }
    return true;
  }

  /** Sends what is queued, as one batch when there are several. */
  synchronized void flush() {
    flushPosted = false;
    if (queued.isEmpty() || stream == null || !open) {
      queued.clear();
      return;
    }
    WorkerMessage m = queued.size() == 1 ? queued.get(0)
        : WorkerMessage.newBuilder().setBatch(WorkerBatch.newBuilder().addAllMessages(queued)).build();
    queued.clear();
    write(m);
  }

  private boolean write(WorkerMessage m) {
    try {
      stream.onNext(m);
      return true;
    } catch (RuntimeException e) {
      log.debug("cannot send {}: {}", m.getKindCase(), e.toString());
      return false;
    }
  }

  /** Sends what is queued, ends the current stream normally and stops sending. */
  synchronized void complete() {
    flush();
    if (stream != null) {
      try {
        stream.onCompleted();
      } catch (RuntimeException e) {
        // Already closed.
      }
      stream = null;
    }
  }

  /** Ends the current stream with an error (cancelling the call) and stops sending. */
  synchronized void abort(String reason) {
    queued.clear();
    if (stream != null) {
      try {
        stream.onError(Status.CANCELLED.withDescription(reason).asRuntimeException());
      } catch (RuntimeException e) {
        // Already closed.
      }
      stream = null;
    }
  }
}

package io.tendril.worker.internal;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.wire.WorkerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single way out of the worker on the control stream: every WorkerMessage goes through {@link
 * #send}, which serialises calls on the current stream (a gRPC {@link StreamObserver} is not
 * thread-safe) and drops messages while no stream is open. Attached by the {@link ControlChannel}
 * for each connection; written by the worker's loop. While the stream's handshake runs, the stream
 * is attached but not open: only {@link #sendHandshake} passes, everything else is dropped. Its
 * counterpart is the manager's connection for this worker, which reads these messages in order.
 */
final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  private StreamObserver<WorkerMessage> stream;
  private boolean open;

  /**
   * Sends on a new stream from now on.
   *
   * @param s the stream
   * @param isOpen true to send every message at once, false to pass only handshake messages until
   *     {@link #open()}
   */
  synchronized void attach(StreamObserver<WorkerMessage> s, boolean isOpen) {
    stream = s;
    open = isOpen;
  }

  /** Lets every message through the attached stream (its handshake is done). */
  synchronized void open() {
    open = true;
  }

  /** Stops sending; the stream is left as it is (it has failed or ended). */
  synchronized void detach() {
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
   * Sends a message on the current stream.
   *
   * @param m the message
   * @return false if no stream is open or sending failed (the message is lost)
   */
  synchronized boolean send(WorkerMessage m) {
    if (stream == null || !open) {
      log.debug("not connected: dropping {}", m.getKindCase());
      return false;
    }
    return write(m);
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

  /** Ends the current stream normally and stops sending. */
  synchronized void complete() {
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

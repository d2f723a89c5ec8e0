package io.tendril.manager;

import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.ManagerBatch;
import io.tendril.protocol.wire.ManagerMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The manager's record of one connected worker: what it has and what is committed on it, the
 * tasks it runs, the files in its cache, and the stream to send it messages. Accessed only on the
 * manager's loop (sending included, so the stream is never used by two threads). The counterpart
 * of the worker's own state in tendril-worker.
 */
final class WorkerEntry {
  final String id;
  final String hostname;
  final String transferAddress;
  /** The SHA-256 fingerprint of the worker's transfer server certificate; empty without TLS. */
  final String transferFingerprint;
  /**
   * host:port of the worker's transfer data port, where peers fetch its files with the bytes sent
   * raw; empty when it offers none (peers then use {@link #transferAddress}).
   */
  String dataAddress = "";
  final Resources total;
  final StreamObserver<ManagerMessage> stream;
  final Set<TaskEntry> tasks = new LinkedHashSet<>();
  /** Tasks whose command ended here and whose outputs are coming back; they hold no resources. */
  final Set<TaskEntry> retrieving = new LinkedHashSet<>();
  /** Cache name to size, of files the worker reported as present, and their total. */
  final CachedFiles cached = new CachedFiles();
  /** Cache names being fetched to this worker, by transfer id. */
  final Map<String, String> fetching = new HashMap<>();
  Resources committed = Resources.NONE;
  /** Tasks sent beyond the worker's free resources, which it queues and starts as others end. */
  int prefetched;
  /**
   * Why the worker's disk is full (it then gets no task that needs disk, see {@link WorkerDisks});
   * null while it has room.
   */
  String diskFull;
  long lastHeardNanos = System.nanoTime();
  boolean gone;
  /** Where a worker with queued messages is registered for the end of the loop's turn; null to send at once. */
  SendBatcher batcher;
  private final List<ManagerMessage> outgoing = new ArrayList<>();

  WorkerEntry(String id, String hostname, String transferAddress, Resources total,
      StreamObserver<ManagerMessage> stream) {
    this(id, hostname, transferAddress, "", total, stream);
  }

  WorkerEntry(String id, String hostname, String transferAddress, String transferFingerprint, Resources total,
      StreamObserver<ManagerMessage> stream) {
    this.id = id;
    this.hostname = hostname;
    this.transferAddress = transferAddress;
    this.transferFingerprint = transferFingerprint;
    this.total = total;
    this.stream = stream;
  }

  Resources free() {
    return total.minus(committed);
  }

  boolean idle() {
    return tasks.isEmpty();
  }

  boolean has(String cacheName) {
    return cached.containsKey(cacheName) || fetching.containsValue(cacheName);
  }

  /**
   * Sends a message: at once, or, with a {@link #batcher}, queued until the loop's turn ends and
   * sent with the others of that turn.
   */
  void send(ManagerMessage m) {
    if (gone) {
      return;
    }
    if (batcher == null) {
      write(m);
      return;
    }
    if (outgoing.isEmpty()) {
      batcher.queued(this);
    }
    outgoing.add(m);
  }

  /** Sends the queued messages, as one batch when there are several. */
  void flush() {
    if (outgoing.isEmpty()) {
      return;
    }
    ManagerMessage m = outgoing.size() == 1 ? outgoing.get(0)
        : ManagerMessage.newBuilder().setBatch(ManagerBatch.newBuilder().addAllMessages(outgoing)).build();
    outgoing.clear();
    if (!gone) {
      write(m);
    }
  }

  private void write(ManagerMessage m) {
    try {
      stream.onNext(m);
    } catch (RuntimeException e) {
      gone = true;
    }
  }

  /** A snapshot of this worker for {@link ManagerStatus}. */
  WorkerSummary summary(long nowNanos) {
    Resources inUse = Resources.NONE;
    for (TaskEntry t : tasks) {
      if (!t.prefetched && t.allocation != null) {
        inUse = inUse.plus(t.allocation);
      }
    }
    return new WorkerSummary(id, hostname, transferAddress, total, inUse, tasks.size() - prefetched, prefetched,
        retrieving.size(),
        cached.size(), cached.bytes(), java.util.Optional.ofNullable(diskFull),
        java.time.Duration.ofNanos(Math.max(0, nowNanos - lastHeardNanos)));
  }

  String label() {
    return id + "@" + hostname;
  }

  @Override
  public String toString() {
    return "worker " + label();
  }
}

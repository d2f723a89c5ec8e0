package io.tendril.manager;

import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.ManagerMessage;
import java.util.HashMap;
import java.util.LinkedHashSet;
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
  final Resources total;
  final StreamObserver<ManagerMessage> stream;
  final Set<TaskEntry> tasks = new LinkedHashSet<>();
  /** Tasks whose command ended here and whose outputs are coming back; they hold no resources. */
  final Set<TaskEntry> retrieving = new LinkedHashSet<>();
  /** Cache name to size, of files the worker reported as present. */
  final Map<String, Long> cached = new HashMap<>();
  /** Cache names being fetched to this worker, by transfer id. */
  final Map<String, String> fetching = new HashMap<>();
  Resources committed = Resources.NONE;
  /** Tasks sent beyond the worker's free resources, which it queues and starts as others end. */
  int prefetched;
  long lastHeardNanos = System.nanoTime();
  boolean gone;

  WorkerEntry(String id, String hostname, String transferAddress, Resources total,
      StreamObserver<ManagerMessage> stream) {
    this.id = id;
    this.hostname = hostname;
    this.transferAddress = transferAddress;
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

  void send(ManagerMessage m) {
    if (!gone) {
      try {
        stream.onNext(m);
      } catch (RuntimeException e) {
        gone = true;
      }
    }
  }

  String label() {
    return id + "@" + hostname;
  }

  @Override
  public String toString() {
    return "worker " + label();
  }
}

package io.tendril.manager;

import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Unlink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps {@code temp-replica-count} replicas of each temp on distinct workers (TaskVine's knob of
 * the same name), so that a temp survives the loss of the worker that made it without its
 * producer running again. With the default of 1 it does nothing.
 *
 * <p>A temp becomes <em>pending</em> when it is made, when a worker holding it is lost or loses
 * it, and when a replication of it ends. After every scheduling pass (so after the transfers of
 * the tasks just dispatched) {@link #pass} counts, for each pending temp, the connected workers
 * holding it or fetching it, and orders peer transfers from a worker holding it to workers that do
 * not until the count is reached. Replication is background work: a source serves a replication
 * only while it has fewer than {@code transfer-source-max} transfers in flight, of which at most
 * half are replications; a destination gets one only while it has fewer than {@code
 * transfer-source-max} fetches in flight and room for the file on its disk (its disk less the
 * files the manager knows it caches and the replications on their way to it). Among those the one
 * fetching least, then with most room, is chosen. A temp that no connected worker can take waits
 * for a worker to join; one whose replication failed waits {@code source-blocklist-seconds}.
 *
 * <p>A pruned or undeclared temp is no longer replicated; its replications in flight are called
 * off (the destination is told to unlink it) and a copy that arrives anyway is deleted. Lowering
 * the knob deletes nothing; raising it replicates the temps that exist. Loop-confined, like all of
 * {@link ManagerCore}'s state; its transfers go through {@link Staging} and appear in the
 * transaction log as peer transfers with {@code "replication":true}.
 */
final class TempReplicator {
  private static final long MIB = 1L << 20;

  /** Whether a pending temp's turn started a replication, needs none, or must wait. */
  private enum Outcome { ENOUGH, NO_DESTINATION, NO_SOURCE }

  private final ManagerCore core;
  /** Temps that may have fewer replicas than wanted, by cache name, in the order they became so. */
  private final Set<String> pending = new LinkedHashSet<>();
  /** Temps short of replicas because no connected worker could take one; pending again when a worker joins. */
  private final Set<String> awaitingWorkers = new LinkedHashSet<>();
  /** Replications in flight, by temp. */
  private final Map<String, Integer> byFile = new HashMap<>();
  /** Replications in flight, by source transfer address. */
  private final Map<String, Integer> bySource = new HashMap<>();
  /** Bytes of the replications in flight to each worker. */
  private final Map<WorkerEntry, Long> bytesTo = new HashMap<>();
  /** The size each replication in flight was counted with, by transfer id. */
  private final Map<String, Long> sizeOf = new HashMap<>();
  /** When a temp whose replication failed may be tried again ({@link System#nanoTime}). */
  private final Map<String, Long> backoffUntil = new HashMap<>();
  /** Temps pruned or undeclared while replications of them were in flight. */
  private final Set<String> discarded = new HashSet<>();
  /**
   * Replicas that arrived for a discarded temp, to delete at the next pass (after the manager
   * recorded them); dropped if the temp is made again meanwhile.
   */
  private final List<Arrival> toDelete = new ArrayList<>();
  private int lastTarget = 1;
  /** Replications ordered so far. */
  private long started;

  private record Arrival(WorkerEntry worker, String cacheName) {}

  TempReplicator(ManagerCore core) {
    this.core = core;
  }

  private int target() {
    return (int) core.knobs.get("temp-replica-count");
  }

  /** A task made (or remade) a temp on a worker. */
  void produced(FileEntry f) {
    String name = f.cacheName();
    discarded.remove(name);
    if (!toDelete.isEmpty()) {
      toDelete.removeIf(a -> a.cacheName().equals(name)); // wanted again: keep the copies
    }
    want(f);
  }

  /** A worker holding a file was lost or lost it; a temp with replicas left gets new ones. */
  void lost(FileEntry f) {
    want(f);
  }

  private void want(FileEntry f) {
    if (f.file.kind() == DeclaredFile.Kind.TEMP && target() > 1) {
      pending.add(f.cacheName());
    }
  }

  /** A worker joined: the temps that had nowhere to go are looked at again. */
  void workerJoined() {
    pending.addAll(awaitingWorkers);
    awaitingWorkers.clear();
  }

  /**
   * A temp was pruned or undeclared: it is no longer replicated, and its replications in flight
   * are called off.
   */
  void forget(FileEntry f) {
    String name = f.cacheName();
    pending.remove(name);
    awaitingWorkers.remove(name);
    backoffUntil.remove(name);
    if (!byFile.containsKey(name)) {
      return;
    }
    discarded.add(name);
    for (Transfer t : core.staging.inFlight.values()) {
      if (t.replication() && t.file().cacheName().equals(name)) {
        // The worker drops the file when its fetch ends; the transfer then ends failed.
        t.destination().send(ManagerMessage.newBuilder()
            .setUnlink(Unlink.newBuilder().setCacheName(name)).build());
      }
    }
  }

  /**
   * A replication ended (called by {@link Staging#finish} before the manager records the new
   * replica): its temp is looked at again, after a back-off if it failed.
   */
  void ended(Transfer t, boolean failed) {
    String name = t.file().cacheName();
    decrement(byFile, name);
    decrement(bySource, t.source());
    Long size = sizeOf.remove(t.id());
    if (size != null) {
      bytesTo.computeIfPresent(t.destination(), (w, b) -> b - size <= 0 ? null : b - size);
    }
    if (discarded.contains(name)) {
      if (!failed) {
        toDelete.add(new Arrival(t.destination(), name));
      }
      if (!byFile.containsKey(name)) {
        discarded.remove(name);
      }
      return;
    }
    if (failed) {
      backoffUntil.put(name, System.nanoTime() + (long) (core.knobs.get("source-blocklist-seconds") * 1e9));
    }
    want(t.file());
  }

  private static <K> void decrement(Map<K, Integer> counts, K key) {
    counts.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
  }

  /**
   * Orders the replications pending temps need, as far as sources and destinations allow; runs on
   * the loop after each scheduling pass. Looks at no more than {@code dispatch-scan-limit} temps
   * in a row that it cannot help now.
   */
  void pass() {
    boolean logged = deleteDiscarded();
    int target = target();
    if (target > lastTarget) {
      for (FileEntry f : core.files.values()) {
        if (f.file.kind() == DeclaredFile.Kind.TEMP && !f.replicas.isEmpty()) {
          pending.add(f.cacheName());
        }
      }
      workerJoined();
    }
    lastTarget = target;
    if (target <= 1) {
      pending.clear();
      awaitingWorkers.clear();
      if (logged) {
        core.log.flush();
      }
      return;
    }
    int sourceMax = (int) core.knobs.get("transfer-source-max");
    int scanLimit = Math.max(1, (int) core.knobs.get("dispatch-scan-limit"));
    int fruitless = 0;
    long now = System.nanoTime();
    for (Iterator<String> it = pending.iterator(); it.hasNext() && fruitless < scanLimit; ) {
      String name = it.next();
      FileEntry f = core.files.get(name);
      if (f == null || f.file.kind() != DeclaredFile.Kind.TEMP || f.replicas.isEmpty()) {
        // Gone, or lost everywhere: its producer remakes it, and it is pending again then.
        it.remove();
        continue;
      }
      Long until = backoffUntil.get(name);
      if (until != null && until - now > 0) {
        fruitless++;
        continue;
      }
      backoffUntil.remove(name);
      long before = started;
      Outcome o = replicate(f, target, sourceMax);
      if (started > before) {
        fruitless = 0;
        logged = true;
      } else {
        fruitless++;
      }
      switch (o) {
        case ENOUGH -> it.remove();
        case NO_DESTINATION -> {
          it.remove();
          awaitingWorkers.add(name);
        }
        case NO_SOURCE -> { } // a source frees up when one of its transfers ends
        default -> throw new IllegalStateException(o.name());
      }
    }
    if (logged) {
      core.log.flush();
    }
  }

  /** Orders replications of one temp until enough workers hold it or fetch it. */
  private Outcome replicate(FileEntry f, int target, int sourceMax) {
    int holders = 0;
    for (WorkerEntry w : core.workers.values()) {
      if (!w.gone && w.has(f.cacheName())) {
        holders++;
      }
    }
    if (holders >= target) {
      return Outcome.ENOUGH;
    }
    while (holders < target) {
      WorkerEntry destination = destination(f, sourceMax);
      if (destination == null) {
        return Outcome.NO_DESTINATION;
      }
      WorkerEntry source = source(f, sourceMax);
      if (source == null) {
        return Outcome.NO_SOURCE;
      }
      long size = Math.max(0, f.size);
      Transfer t = core.staging.replicate(f, source, destination);
      sizeOf.put(t.id(), size);
      bytesTo.merge(destination, size, Long::sum);
      byFile.merge(f.cacheName(), 1, Integer::sum);
      bySource.merge(source.transferAddress, 1, Integer::sum);
      started++;
      holders++;
    }
    return Outcome.ENOUGH;
  }

  /**
   * A connected worker that neither holds nor fetches the temp, fetches fewer than {@code
   * sourceMax} files and has room for it: the one fetching least, then with most room.
   */
  private WorkerEntry destination(FileEntry f, int sourceMax) {
    WorkerEntry best = null;
    long bestRoom = 0;
    for (WorkerEntry w : core.workers.values()) {
      if (w.gone || w.transferAddress.isEmpty() || w.fetching.size() >= sourceMax || w.has(f.cacheName())) {
        continue;
      }
      long room = room(w);
      if (room < Math.max(0, f.size)) {
        continue;
      }
      if (best == null || w.fetching.size() < best.fetching.size()
          || (w.fetching.size() == best.fetching.size() && room > bestRoom)) {
        best = w;
        bestRoom = room;
      }
    }
    return best;
  }

  /** Bytes of a worker's disk not taken by the files it caches or the replications on their way to it. */
  private long room(WorkerEntry w) {
    long disk = w.total.diskMb() >= Long.MAX_VALUE / MIB ? Long.MAX_VALUE : w.total.diskMb() * MIB;
    return disk - w.cached.bytes() - bytesTo.getOrDefault(w, 0L);
  }

  /**
   * A connected worker holding the temp that may serve one more replication: not avoided after a
   * failure, below {@code sourceMax} transfers and below half as many replications; the least
   * loaded.
   */
  private WorkerEntry source(FileEntry f, int sourceMax) {
    int replicationMax = Math.max(1, sourceMax / 2);
    WorkerEntry best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (WorkerEntry r : f.replicas) {
      if (r.gone || r.transferAddress.isEmpty() || core.staging.blocked(r.transferAddress)) {
        continue;
      }
      int load = core.staging.load(r.transferAddress);
      if (load >= sourceMax || bySource.getOrDefault(r.transferAddress, 0) >= replicationMax) {
        continue;
      }
      if (load < bestLoad) {
        best = r;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Deletes the replicas that arrived for temps pruned or undeclared meanwhile; true if it did. */
  private boolean deleteDiscarded() {
    if (toDelete.isEmpty()) {
      return false;
    }
    for (Arrival a : toDelete) {
      if (a.worker().gone || !a.worker().cached.containsKey(a.cacheName())) {
        continue;
      }
      FileEntry f = core.files.get(a.cacheName());
      a.worker().cached.remove(a.cacheName());
      if (f != null) {
        f.replicas.remove(a.worker());
      }
      a.worker().send(ManagerMessage.newBuilder()
          .setUnlink(Unlink.newBuilder().setCacheName(a.cacheName())).build());
      core.log.event("cache", "event", "unlink", "worker", a.worker().label(), "file", a.cacheName(),
          "reason", "a replica arrived after its temp was pruned");
    }
    toDelete.clear();
    return true;
  }
}

package io.tendril.manager;

import io.tendril.protocol.auth.TransferTokens;
import io.tendril.protocol.wire.FetchFile;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.MiniTask;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.Untar;
import java.util.HashMap;
import java.util.Map;

/**
 * Brings a task's inputs to the worker it was dispatched to: for each file the worker lacks, picks
 * a source and sends FetchFile. A peer worker holding a replica is preferred (the least loaded one
 * below the per-source limit, skipping sources that failed recently), then the manager (local
 * files, buffers), then the URL itself; temps can only come from peers. Keeps the transfers in
 * flight and the load and blocklist of each source. With a password, a fetch from a transfer
 * server carries a token issued for the file and the destination worker; with TLS, the
 * fingerprint of the source's certificate, which the worker pins. A peer that offers a transfer
 * data port is named by it too, and the worker fetches the bytes there. Used by {@link
 * ManagerCore} on the loop; its counterpart is the worker's fetcher. {@link TempReplicator} sends
 * its peer transfers through here too, so that they count against the same per-source limit.
 */
final class Staging {
  private final ManagerCore core;
  final Map<String, Transfer> inFlight = new HashMap<>();
  private final Map<String, Integer> load = new HashMap<>();
  private final Map<String, Long> blockedUntil = new HashMap<>();
  private long nextTransfer;

  Staging(ManagerCore core) {
    this.core = core;
  }

  /** Makes sure a file is on, or on its way to, a worker. */
  void stage(FileEntry f, WorkerEntry w) {
    if (w.has(f.cacheName())) {
      return;
    }
    DeclaredFile d = f.file;
    WorkerEntry peer = bestPeer(f, w);
    int max = (int) core.knobs.get("transfer-source-max");
    FetchFile.Builder fetch = FetchFile.newBuilder()
        .setCacheName(d.cacheName())
        .setLevel(d.cacheLevel().toWire())
        .setSize(f.size);
    String source;
    String kind;
    String fingerprint = core.tlsFingerprint; // the manager's own, unless a peer is the source
    boolean peerHasRoom = peer != null && load.getOrDefault(peer.transferAddress, 0) < max;
    if (peerHasRoom || (peer != null && d.kind() == DeclaredFile.Kind.TEMP)) {
      source = peer.transferAddress;
      kind = "peer";
      fingerprint = peer.transferFingerprint;
      fetch.setTransferAddress(source).setDataAddress(peer.dataAddress);
    } else {
      switch (d.kind()) {
        case LOCAL, BUFFER -> {
          source = core.managerAddressFor(w);
          kind = "manager";
          fetch.setTransferAddress(source);
        }
        case URL -> {
          source = d.url().orElseThrow();
          kind = "url";
          fetch.setUrl(source);
        }
        case MINI_TASK -> {
          CommandTask mini = d.miniTask().orElseThrow();
          MiniTask.Builder m = MiniTask.newBuilder()
              .setCommand(mini.command())
              .setOutputName(d.miniTaskOutput().orElseThrow())
              .putAllEnv(mini.env());
          for (Map.Entry<DeclaredFile, String> in : mini.inputs().entrySet()) {
            stage(core.fileEntry(in.getKey()), w);
            m.addInputs(Mount.newBuilder().setCacheName(in.getKey().cacheName()).setSandboxName(in.getValue()));
          }
          source = "mini-task";
          kind = "mini-task";
          fetch.setMiniTask(m);
        }
        case UNTAR -> {
          DeclaredFile archive = d.archive().orElseThrow();
          stage(core.fileEntry(archive), w);
          source = "untar";
          kind = "untar";
          fetch.setUntar(Untar.newBuilder().setArchiveCacheName(archive.cacheName()));
        }
        case TEMP -> throw new IllegalStateException(
            "temp " + d.cacheName() + " has no replica; the task should not have been dispatched");
        default -> throw new IllegalStateException("unknown file kind " + d.kind());
      }
    }
    send(fetch, f, w, source, kind, fingerprint, false);
  }

  /**
   * Sends a peer transfer of a temp from a worker holding it to another worker, to keep one more
   * replica; marked as a replication in the transaction log.
   *
   * @return the transfer now in flight
   */
  Transfer replicate(FileEntry f, WorkerEntry source, WorkerEntry destination) {
    FetchFile.Builder fetch = FetchFile.newBuilder()
        .setCacheName(f.cacheName())
        .setLevel(f.file.cacheLevel().toWire())
        .setSize(f.size)
        .setTransferAddress(source.transferAddress)
        .setDataAddress(source.dataAddress);
    return send(fetch, f, destination, source.transferAddress, "peer", source.transferFingerprint, true);
  }

  private Transfer send(FetchFile.Builder fetch, FileEntry f, WorkerEntry w, String source, String kind,
      String fingerprint, boolean replication) {
    DeclaredFile d = f.file;
    String id = "x" + (++nextTransfer);
    fetch.setTransferId(id);
    if (fetch.hasTransferAddress() || fetch.hasUrl()) {
      // Limits that grow with the file, so a large file is not cut off and a stalled one not awaited.
      fetch.setTimeoutMs(core.knobs.transferTimeoutMillis(f.size)).setStallTimeoutMs(core.knobs.transferStallMillis());
    }
    if (fetch.hasTransferAddress()) {
      // With TLS, the worker accepts only the source's own certificate.
      fetch.setSourceFingerprint(fingerprint);
      // The source serves the file only with a token issued for it and this worker.
      TransferTokens.Token token = core.tokens.issue(d.cacheName(), w.id);
      if (token != null) {
        fetch.setToken(token.value()).setTokenExpiryMs(token.expiryMs());
      }
    }
    Transfer t = new Transfer(id, w, f, source, kind, System.nanoTime(), replication);
    inFlight.put(id, t);
    w.fetching.put(id, d.cacheName());
    load.merge(source, 1, Integer::sum);
    w.send(ManagerMessage.newBuilder().setFetchFile(fetch).build());
    core.log.event("transfer", "event", "start", "id", id, "file", d.cacheName(), "to", w.label(),
        "source", source, "source_kind", kind, "size", f.size, "replication", replication ? Boolean.TRUE : null);
    return t;
  }

  /** Transfers a source (a transfer address, the manager's or a URL) serves now. */
  int load(String source) {
    return load.getOrDefault(source, 0);
  }

  /** Whether a source failed a transfer lately and is avoided. */
  boolean blocked(String source) {
    Long until = blockedUntil.get(source);
    return until != null && until > System.nanoTime();
  }

  /**
   * Whether every temp a task reads can reach a worker now: the worker holds it or is fetching it,
   * or a peer holding it may serve it (connected, and not avoided after a failed transfer). A task
   * whose temp lives only on avoided peers stays ready until one of them may serve again, or is
   * lost and the temp is made again.
   */
  boolean canStage(TaskEntry t, WorkerEntry w) {
    for (DeclaredFile in : t.spec.inputs().keySet()) {
      if (in.kind() == DeclaredFile.Kind.TEMP && !w.has(in.cacheName()) && bestPeer(core.fileEntry(in), w) == null) {
        return false;
      }
    }
    return true;
  }

  private WorkerEntry bestPeer(FileEntry f, WorkerEntry destination) {
    WorkerEntry best = null;
    int bestLoad = Integer.MAX_VALUE;
    long now = System.nanoTime();
    for (WorkerEntry r : f.replicas) {
      if (r == destination || r.gone || r.transferAddress.isEmpty()) {
        continue;
      }
      Long until = blockedUntil.get(r.transferAddress);
      if (until != null && until > now) {
        continue;
      }
      int l = load.getOrDefault(r.transferAddress, 0);
      if (l < bestLoad) {
        best = r;
        bestLoad = l;
      }
    }
    return best;
  }

  /** Ends a transfer the worker reported on; returns it, or null if unknown. */
  Transfer finish(String transferId, boolean failed) {
    Transfer t = inFlight.remove(transferId);
    if (t == null) {
      return null;
    }
    t.destination().fetching.remove(transferId);
    load.computeIfPresent(t.source(), (k, v) -> v <= 1 ? null : v - 1);
    // A failed replication backs off its file instead, so that tasks still fetch from its source.
    if (failed && !t.replication() && (t.sourceKind().equals("peer") || t.sourceKind().equals("manager"))) {
      blockedUntil.put(t.source(),
          System.nanoTime() + (long) (core.knobs.get("source-blocklist-seconds") * 1e9));
    }
    if (t.replication()) {
      core.replicator.ended(t, failed);
    }
    return t;
  }

  /** Forgets the transfers to a worker that is gone. */
  void dropDestination(WorkerEntry w) {
    for (String id : new java.util.ArrayList<>(w.fetching.keySet())) {
      finish(id, false);
    }
  }

  /** Forgets blocklist entries that expired. */
  void expire() {
    long now = System.nanoTime();
    blockedUntil.values().removeIf(until -> until <= now);
  }
}

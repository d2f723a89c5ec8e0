package io.tendril.worker.internal;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.FetchFile;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.WorkerMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns FetchFile messages into fetches and their outcomes into CacheUpdate messages. A file is
 * fetched once however often it is asked for (every asking transfer id gets its own CacheUpdate);
 * a file already cached is answered at once. A mini-task or untar whose inputs are still being
 * fetched waits for them, and fails if one of them fails or is neither cached nor on its way.
 * Inputs are pinned while a fetch reads them. A fetch that fails for lack of space (as the {@link
 * DiskWatch} judges: the error says so, or the workspace is below its floor) makes the disk full.
 *
 * <p>Loop-confined: called on the worker's loop by the engine; the fetches themselves run on the
 * pool ({@link Fetcher}) and post their outcome back. Tells the {@link TaskScheduler} when a file
 * arrives or fails, so that tasks waiting for it start or finish INPUT_MISSING. Its counterpart is
 * the manager's staging of inputs, which sends FetchFile and reads CacheUpdate.
 */
final class FetchCoordinator {
  private static final Logger log = LoggerFactory.getLogger(FetchCoordinator.class);

  /** Receives the outcome of each fetch, on the loop. */
  interface Listener {
    /**
     * A file is now cached, or could not be fetched.
     *
     * @param cacheName the file
     * @param error why it failed, or null if it is cached
     */
    void fetched(String cacheName, String error);
  }

  /** One file on its way into the cache. */
  private static final class Pending {
    final FetchFile request;
    final long arrivedNanos = System.nanoTime();
    final List<String> transferIds = new ArrayList<>();
    final List<String> pinned = new ArrayList<>();
    final Set<String> waitingFor = new HashSet<>();
    Cancellation cancellation;
    boolean discard;

    Pending(FetchFile request) {
      this.request = request;
      transferIds.add(request.getTransferId());
    }
  }

  private final WorkerCache cache;
  private final Fetcher fetcher;
  private final ExecutorService pool;
  private final EventLoop loop;
  private final Outbox outbox;
  private final AtomicLong bytesFetched;
  private final Listener listener;
  private final DiskWatch disk;
  private final Map<String, Pending> pending = new HashMap<>();

  /** Creates the coordinator; results go out through the outbox and to the listener. */
  FetchCoordinator(WorkerCache cache, Fetcher fetcher, ExecutorService pool, EventLoop loop, Outbox outbox,
      AtomicLong bytesFetched, Listener listener, DiskWatch disk) {
    this.cache = cache;
    this.fetcher = fetcher;
    this.pool = pool;
    this.loop = loop;
    this.outbox = outbox;
    this.bytesFetched = bytesFetched;
    this.listener = listener;
    this.disk = disk;
  }

  /** Whether a file is on its way into the cache. */
  boolean isPending(String cacheName) {
    return pending.containsKey(cacheName);
  }

  /** How many files are on their way. */
  int count() {
    return pending.size();
  }

  /** Handles a FetchFile. */
  void onFetchFile(FetchFile f) {
    String name = f.getCacheName();
    String problem = check(f);
    if (problem != null) {
      log.warn("refusing FetchFile {}: {}", f.getTransferId(), problem);
      reply(f, f.getTransferId(), 0, problem, 0);
      return;
    }
    if (cache.has(name)) {
      cache.keep(name, CacheLevel.fromWire(f.getLevel()));
      reply(f, f.getTransferId(), cache.size(name).orElse(0), null, 0);
      return;
    }
    Pending p = pending.get(name);
    if (p != null) {
      p.transferIds.add(f.getTransferId());
      return;
    }
    p = new Pending(f);
    for (String input : inputsOf(f)) {
      cache.pin(input);
      p.pinned.add(input);
      if (!cache.has(input)) {
        if (!pending.containsKey(input)) {
          finish(p, null, "input " + input + " is neither cached nor being fetched");
          return;
        }
        p.waitingFor.add(input);
      }
    }
    pending.put(name, p);
    if (p.waitingFor.isEmpty()) {
      launch(p);
    }
  }

  /** An Unlink of a file still on its way: it is dropped when it arrives. */
  void onUnlink(String cacheName) {
    Pending p = pending.get(cacheName);
    if (p != null) {
      p.discard = true;
    }
  }

  /** Cancels every fetch and forgets them (the manager is gone or the worker exits). */
  void cancelAll() {
    for (Pending p : pending.values()) {
      if (p.cancellation != null) {
        p.cancellation.cancel(); // pins are released when the fetch returns
      } else {
        p.pinned.forEach(cache::unpin);
      }
    }
    pending.clear();
  }

  private static String check(FetchFile f) {
    String name = f.getCacheName();
    if (!Protocol.isValidCacheName(name)) {
      return "invalid cache name '" + name + "'";
    }
    switch (f.getSourceCase()) {
      case TRANSFER_ADDRESS -> {
        if (f.getTransferAddress().isBlank()) {
          return "FetchFile for " + name + " has an empty transfer address";
        }
        String address = TransferClient.checkAddress(f.getTransferAddress());
        if (address != null) {
          return address;
        }
        String data = f.getDataAddress().isEmpty() ? null : TransferClient.checkAddress(f.getDataAddress());
        if (data != null) {
          return "data port: " + data;
        }
      }
      case URL -> {
        if (f.getUrl().isBlank()) {
          return "FetchFile for " + name + " has an empty URL";
        }
      }
      case UNTAR -> {
        String archive = f.getUntar().getArchiveCacheName();
        if (!Protocol.isValidCacheName(archive) || archive.equals(name)) {
          return "invalid archive name '" + archive + "' to unpack into " + name;
        }
      }
      case MINI_TASK -> {
        if (!Protocol.isSafeSandboxName(f.getMiniTask().getOutputName())) {
          return "mini-task output name '" + f.getMiniTask().getOutputName() + "' would leave the sandbox";
        }
        for (Mount m : f.getMiniTask().getInputsList()) {
          if (!Protocol.isValidCacheName(m.getCacheName()) || m.getCacheName().equals(name)) {
            return "invalid mini-task input cache name '" + m.getCacheName() + "'";
          }
          if (!Protocol.isSafeSandboxName(m.getSandboxName())) {
            return "mini-task input name '" + m.getSandboxName() + "' would leave the sandbox";
          }
        }
        String env = TaskScheduler.checkEnvironment(f.getMiniTask().getEnvMap());
        if (env != null) {
          return env;
        }
      }
      default -> {
        return "FetchFile for " + name + " names no source";
      }
    }
    return null;
  }

  private static List<String> inputsOf(FetchFile f) {
    return switch (f.getSourceCase()) {
      case UNTAR -> List.of(f.getUntar().getArchiveCacheName());
      case MINI_TASK -> f.getMiniTask().getInputsList().stream().map(Mount::getCacheName).distinct().toList();
      default -> List.of();
    };
  }

  private void launch(Pending p) {
    Cancellation c = new Cancellation();
    p.cancellation = c;
    try {
      pool.execute(() -> {
        Fetcher.Fetched result = null;
        String error = null;
        try {
          result = fetcher.fetch(p.request, c);
        } catch (IOException e) {
          error = e.getMessage();
          if (!c.isCancelled()) {
            disk.writeFailed("a fetch into the cache", e);
          }
        } catch (InterruptedException e) {
          error = "the worker is stopping";
        } catch (RuntimeException e) {
          log.warn("fetching {} failed unexpectedly", p.request.getCacheName(), e);
          error = e.toString();
        }
        Fetcher.Fetched r = result;
        String err = error;
        loop.post(() -> returned(p, r, err));
      });
    } catch (RejectedExecutionException e) {
      p.pinned.forEach(cache::unpin);
      p.pinned.clear();
    }
  }

  /** A fetch returned (on the loop). */
  private void returned(Pending p, Fetcher.Fetched result, String error) {
    p.pinned.forEach(cache::unpin);
    p.pinned.clear();
    String name = p.request.getCacheName();
    if (result != null) {
      bytesFetched.addAndGet(result.bytesReceived());
    }
    if (pending.get(name) != p) {
      // Forgotten with its manager: keep only what outlives a manager.
      CacheLevel level = CacheLevel.fromWire(p.request.getLevel());
      if (result != null && (level == CacheLevel.TASK || level == CacheLevel.WORKFLOW)) {
        cache.remove(name);
      }
      return;
    }
    if (result != null && p.discard) {
      cache.remove(name);
      result = null;
      error = "unlinked while it was being fetched";
    }
    finish(p, result, error);
  }

  /** Answers every transfer id of a fetch, tells the tasks, and settles fetches waiting on it. */
  private void finish(Pending p, Fetcher.Fetched result, String error) {
    String name = p.request.getCacheName();
    pending.remove(name, p);
    p.pinned.forEach(cache::unpin);
    p.pinned.clear();
    long elapsed = (System.nanoTime() - p.arrivedNanos) / 1_000_000;
    long size = result == null ? 0 : result.size();
    for (String id : p.transferIds) {
      reply(p.request, id, size, error, elapsed);
    }
    if (error == null) {
      log.debug("fetched {} ({} bytes) from {} in {} ms", name, size, source(p.request), elapsed);
    } else {
      log.warn("could not fetch {} from {}: {}", name, source(p.request), error);
    }
    listener.fetched(name, error);
    for (Pending q : List.copyOf(pending.values())) {
      if (q.waitingFor.remove(name)) {
        if (error != null) {
          finish(q, null, "input " + name + " could not be fetched: " + error);
        } else if (q.waitingFor.isEmpty()) {
          launch(q);
        }
      }
    }
  }

  private void reply(FetchFile f, String transferId, long size, String error, long elapsedMs) {
    CacheUpdate.Builder u = CacheUpdate.newBuilder().setCacheName(f.getCacheName()).setSize(size)
        .setTransferId(transferId).setElapsedMs(elapsedMs).setSource(source(f));
    if (error != null) {
      u.setError(error);
    }
    outbox.send(WorkerMessage.newBuilder().setCacheUpdate(u).build());
  }

  private static String source(FetchFile f) {
    return switch (f.getSourceCase()) {
      case TRANSFER_ADDRESS -> f.getTransferAddress();
      case URL -> f.getUrl();
      case MINI_TASK -> "mini-task";
      case UNTAR -> "untar:" + f.getUntar().getArchiveCacheName();
      default -> "";
    };
  }
}

package io.tendril.worker.internal;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.wire.FetchFile;
import io.tendril.protocol.wire.MiniTask;
import io.tendril.protocol.wire.Mount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings one file into the cache as a FetchFile says, blocking on a pool thread: from a transfer
 * server ({@link TransferClient}), from a URL ({@link UrlFetcher}), by running a mini-task in a
 * sandbox of its own, or by unpacking a cached archive ({@link ArchiveUnpacker}). The file is
 * written to a staging path in the cache directory and moved into place whole.
 *
 * <p>Inputs of mini-tasks and archives must already be in the cache: the {@link
 * FetchCoordinator}, which calls this, waits for them first. Mini-tasks have no wall-time limit;
 * they are killed when the fetch is cancelled.
 */
final class Fetcher implements AutoCloseable {
  /**
   * A fetched file.
   *
   * @param size its size in the cache
   * @param bytesReceived the bytes that came over the network (0 for mini-tasks and archives)
   */
  record Fetched(long size, long bytesReceived) {}

  private static final int MINI_TASK_OUTPUT_BYTES = 64 * 1024;

  private final WorkerCache cache;
  private final Path sandboxes;
  private final TransferClient transfers;
  private final UrlFetcher urls = new UrlFetcher();
  private final ArchiveUnpacker unpacker;
  private final AtomicLong miniTasks = new AtomicLong();

  /**
   * Creates a fetcher into the cache, with mini-task sandboxes below {@code sandboxes}.
   *
   * @param tls whether the worker speaks TLS, and so fetches from transfer servers only over TLS
   */
  Fetcher(WorkerCache cache, Path sandboxes, ScheduledExecutorService timers, String workerId, boolean tls) {
    this.cache = cache;
    this.sandboxes = sandboxes;
    this.transfers = new TransferClient(timers, workerId, tls);
    this.unpacker = new ArchiveUnpacker();
  }

  /**
   * Fetches a file into the cache.
   *
   * @param f the request; its cache name is valid and its inputs are cached
   * @param cancellation stops the fetch
   * @return the file's size and the bytes received
   * @throws IOException if the file could not be brought in; nothing is left in the cache then
   * @throws InterruptedException if interrupted
   */
  Fetched fetch(FetchFile f, Cancellation cancellation) throws IOException, InterruptedException {
    String name = f.getCacheName();
    CacheLevel level = CacheLevel.fromWire(f.getLevel());
    Path stage = cache.stagingPath(name);
    try {
      switch (f.getSourceCase()) {
        case TRANSFER_ADDRESS -> {
          long received = f.getDataAddress().isEmpty()
              ? transfers.fetch(f.getTransferAddress(), f.getSourceFingerprint(), name, f.getToken(),
                  f.getTokenExpiryMs(), TransferLimits.of(f), stage, cancellation)
              : transfers.fetchData(f.getDataAddress(), f.getSourceFingerprint(), name, f.getToken(),
                  f.getTokenExpiryMs(), TransferLimits.of(f), stage, cancellation);
          return new Fetched(cache.moveIn(stage, name, level), received);
        }
        case URL -> {
          long received = urls.fetch(f.getUrl(), TransferLimits.of(f), stage, cancellation);
          return new Fetched(cache.moveIn(stage, name, level), received);
        }
        case UNTAR -> {
          String archive = f.getUntar().getArchiveCacheName();
          unpacker.unpack(cache.path(archive), archive, stage, cancellation);
          return new Fetched(cache.moveIn(stage, name, level), 0);
        }
        case MINI_TASK -> {
          return new Fetched(runMiniTask(f.getMiniTask(), name, level, cancellation), 0);
        }
        default -> throw new IOException("FetchFile for " + name + " names no source");
      }
    } finally {
      PathTrees.deleteQuietly(stage);
    }
  }

  private long runMiniTask(MiniTask mini, String name, CacheLevel level, Cancellation cancellation)
      throws IOException, InterruptedException {
    Path dir = sandboxes.resolve("m" + miniTasks.incrementAndGet());
    try (Sandbox box = new Sandbox(dir, cache.dir())) {
      for (Mount m : mini.getInputsList()) {
        box.link(cache.path(m.getCacheName()), m.getSandboxName());
      }
      CommandProcess p = new CommandProcess(List.of("/bin/sh", "-c", mini.getCommand()), box.dir(),
          TaskEnvironment.build(box.dir(), null, mini.getEnvMap()), MINI_TASK_OUTPUT_BYTES, null,
          ResourceMonitor.Settings.measureOnly(), dir.resolveSibling(dir.getFileName() + ".out"));
      cancellation.onCancel(p::kill);
      CommandProcess.Outcome o = p.run();
      String what = "mini-task '" + mini.getCommand() + "'";
      switch (o.end()) {
        case KILLED -> throw new IOException(what + " was cancelled");
        case SIGNALLED -> throw new IOException(what + " was killed by signal "
            + CommandProcess.signalOf(o.exitCode()) + output(o));
        default -> {
          if (o.exitCode() != 0) {
            throw new IOException(what + " exited with status " + o.exitCode() + output(o));
          }
        }
      }
      Optional<Sandbox.Output> out = box.output(mini.getOutputName());
      if (out.isEmpty()) {
        throw new IOException(what + " did not create its output '" + mini.getOutputName() + "'");
      }
      return out.get().copy()
          ? cache.copyIn(out.get().path(), name, level)
          : cache.moveIn(out.get().path(), name, level);
    }
  }

  private static String output(CommandProcess.Outcome o) {
    String s = new String(o.output(), StandardCharsets.UTF_8).strip();
    if (s.isEmpty()) {
      return "";
    }
    return ": " + (s.length() <= 1000 ? s : "..." + s.substring(s.length() - 1000));
  }

  /** Closes the transfer channels and the HTTP client. */
  @Override
  public void close() {
    transfers.close();
    urls.close();
  }
}

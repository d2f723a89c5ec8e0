package io.tendril.worker.internal;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.CachedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's file cache: {@code workspace/cache/<cache name>}, one file or directory per entry,
 * each with its size and cache level. Entries arrive whole: they are written to a staging path in
 * the same directory (a name starting with '.', which no cache name can) and renamed into place,
 * so a reader never sees a partial file.
 *
 * <p>Forever-level entries are listed in the sidecar file {@code cache/.forever} (one {@code
 * name<TAB>size} line each); when a worker starts on a workspace, listed entries are kept and
 * everything else in the cache directory is deleted. On exit every entry below forever is
 * deleted.
 *
 * <p>Entries in use are pinned (by tasks waiting for or running with them, by fetches that read
 * them and by transfers serving them); removing a pinned entry is deferred until its last pin is
 * released, so an Unlink never pulls a file from under a running task.
 *
 * <p>Thread-safe (one lock): written by fetch and task threads and the worker's loop, read by the
 * transfer server. Its counterpart on the manager's side is the replica table, kept up to date by
 * the CacheUpdate and TaskFinished messages reporting what this cache holds.
 */
final class WorkerCache {
  private static final Logger log = LoggerFactory.getLogger(WorkerCache.class);
  private static final String SIDECAR = ".forever";

  /** One cached file: its size in bytes and its level. */
  record Entry(long size, CacheLevel level) {}

  private final Path dir;
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, Integer> pins = new HashMap<>();
  private final Set<String> doomed = new java.util.HashSet<>();
  private final AtomicLong staging = new AtomicLong();

  private WorkerCache(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens the cache directory, keeping the forever-level entries its sidecar lists and deleting
   * everything else in it.
   *
   * @param dir the cache directory, created if missing
   * @return the cache
   * @throws IOException if the directory cannot be prepared
   */
  static WorkerCache open(Path dir) throws IOException {
    WorkerCache c = new WorkerCache(Files.createDirectories(dir).toAbsolutePath());
    Path sidecar = c.dir.resolve(SIDECAR);
    Set<String> forever = new java.util.HashSet<>();
    if (Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)) {
      for (String line : Files.readAllLines(sidecar, StandardCharsets.UTF_8)) {
        String name = line.split("\t", 2)[0].strip();
        if (Protocol.isValidCacheName(name)) {
          forever.add(name);
        }
      }
    }
    try (Stream<Path> s = Files.list(c.dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (name.equals(SIDECAR)) {
          continue;
        }
        if (forever.contains(name) && !Files.isSymbolicLink(p)) {
          c.entries.put(name, new Entry(PathTrees.size(p), CacheLevel.FOREVER));
        } else {
          PathTrees.delete(p);
        }
      }
    }
    c.writeSidecar();
    return c;
  }

  /** The cache directory (absolute). */
  Path dir() {
    return dir;
  }

  /**
   * The path of an entry.
   *
   * @param cacheName a valid cache name
   * @return the path below the cache directory
   * @throws IllegalArgumentException if the name is not a valid cache name
   */
  Path path(String cacheName) {
    if (!Protocol.isValidCacheName(cacheName)) {
      throw new IllegalArgumentException("invalid cache name '" + cacheName + "'");
    }
    return dir.resolve(cacheName);
  }

  /**
   * A fresh staging path in the cache directory, for a file on its way to becoming {@code
   * cacheName}; nothing exists there yet.
   *
   * @param cacheName a valid cache name
   * @return a path starting with {@code .part-}, which no cache name can
   */
  Path stagingPath(String cacheName) {
    path(cacheName);
    return dir.resolve(".part-" + staging.incrementAndGet() + "-" + cacheName);
  }

  /** Whether an entry of that name is cached (even if its removal is pending). */
  synchronized boolean has(String cacheName) {
    return entries.containsKey(cacheName);
  }

  /** The size of an entry, if cached. */
  synchronized OptionalLong size(String cacheName) {
    Entry e = entries.get(cacheName);
    return e == null ? OptionalLong.empty() : OptionalLong.of(e.size());
  }

  /** An entry's size and level, if cached. */
  synchronized Optional<Entry> entry(String cacheName) {
    return Optional.ofNullable(entries.get(cacheName));
  }

  /** Bytes of all entries. */
  synchronized long bytes() {
    long total = 0;
    for (Entry e : entries.values()) {
      total += e.size();
    }
    return total;
  }

  /** The entries, as Hello lists them. */
  synchronized List<CachedFile> listing() {
    List<CachedFile> out = new ArrayList<>();
    entries.forEach((name, e) -> out.add(CachedFile.newBuilder()
        .setCacheName(name).setSize(e.size()).setLevel(e.level().toWire()).build()));
    out.sort(java.util.Comparator.comparing(CachedFile::getCacheName));
    return out;
  }

  /**
   * Moves a finished file or directory into the cache under a name, replacing an entry of that
   * name. A rename when source and cache share a file system, otherwise a copy (links followed);
   * either way the entry appears whole, by a final rename.
   *
   * @param source the finished file or directory; gone afterwards
   * @param cacheName the name
   * @param level its cache level
   * @return the entry's size
   * @throws IOException if it cannot be moved
   */
  long moveIn(Path source, String cacheName, CacheLevel level) throws IOException {
    Path target = path(cacheName);
    long size = PathTrees.size(source);
    Path ready = stagingPath(cacheName);
    try {
      Files.move(source, ready, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      PathTrees.copyFollowingLinks(source, ready);
      PathTrees.deleteQuietly(source);
    }
    Path old = null;
    try {
      synchronized (this) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          old = stagingPath(cacheName);
          Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(ready, target, StandardCopyOption.ATOMIC_MOVE);
        add(cacheName, new Entry(size, level));
      }
    } finally {
      PathTrees.deleteQuietly(ready);
      if (old != null) {
        PathTrees.deleteQuietly(old);
      }
    }
    return size;
  }

  /**
   * Copies a file or directory (links followed) into the cache under a name.
   *
   * @param source what to copy; left in place
   * @param cacheName the name
   * @param level its cache level
   * @return the entry's size
   * @throws IOException if it cannot be copied
   */
  long copyIn(Path source, String cacheName, CacheLevel level) throws IOException {
    Path stage = stagingPath(cacheName);
    try {
      PathTrees.copyFollowingLinks(source, stage);
      return moveIn(stage, cacheName, level);
    } finally {
      PathTrees.deleteQuietly(stage);
    }
  }

  /**
   * Raises an entry's level when a later request asks it to live longer (never lowers it), and
   * takes back a pending removal: the manager wants the file again.
   */
  synchronized void keep(String cacheName, CacheLevel level) {
    doomed.remove(cacheName);
    Entry e = entries.get(cacheName);
    if (e != null && level.ordinal() > e.level().ordinal()) {
      add(cacheName, new Entry(e.size(), level));
    }
  }

  /** Marks an entry (present or still to come) as in use. */
  synchronized void pin(String cacheName) {
    pins.merge(cacheName, 1, Integer::sum);
  }

  /** Releases one pin; deletes the entry now if its removal was deferred and this was the last. */
  synchronized void unpin(String cacheName) {
    Integer n = pins.get(cacheName);
    if (n == null) {
      return;
    }
    if (n > 1) {
      pins.put(cacheName, n - 1);
      return;
    }
    pins.remove(cacheName);
    if (doomed.remove(cacheName)) {
      removeNow(cacheName);
    }
  }

  /**
   * Removes an entry: at once, or when its last pin is released.
   *
   * @param cacheName a valid cache name
   * @return true if the entry existed
   */
  synchronized boolean remove(String cacheName) {
    path(cacheName);
    if (!entries.containsKey(cacheName)) {
      return false;
    }
    if (pins.containsKey(cacheName)) {
      doomed.add(cacheName);
    } else {
      removeNow(cacheName);
    }
    return true;
  }

  /** Removes every entry of the given levels (deferred for pinned ones). */
  synchronized void removeLevels(Set<CacheLevel> levels) {
    for (Map.Entry<String, Entry> e : List.copyOf(entries.entrySet())) {
      if (levels.contains(e.getValue().level())) {
        remove(e.getKey());
      }
    }
  }

  /** Removes every entry below forever, pinned or not: the worker is exiting. */
  synchronized void closeAndClean() {
    pins.clear();
    doomed.clear();
    for (Map.Entry<String, Entry> e : List.copyOf(entries.entrySet())) {
      if (e.getValue().level() != CacheLevel.FOREVER) {
        removeNow(e.getKey());
      }
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().startsWith(".part-")) {
          PathTrees.deleteQuietly(p);
        }
      }
    } catch (IOException e) {
      log.debug("cannot list {} to remove staging files: {}", dir, e.toString());
    }
  }

  /** Whether any forever-level entry is present. */
  synchronized boolean holdsForever() {
    return entries.values().stream().anyMatch(e -> e.level() == CacheLevel.FOREVER);
  }

  private void add(String cacheName, Entry e) {
    Entry old = entries.put(cacheName, e);
    doomed.remove(cacheName);
    if (e.level() == CacheLevel.FOREVER || (old != null && old.level() == CacheLevel.FOREVER)) {
      writeSidecarQuietly();
    }
  }

  private void removeNow(String cacheName) {
    Entry e = entries.remove(cacheName);
    if (!PathTrees.deleteQuietly(dir.resolve(cacheName))) {
      log.warn("cannot delete cached file {}; the next worker on this workspace removes it", cacheName);
    }
    if (e != null && e.level() == CacheLevel.FOREVER) {
      writeSidecarQuietly();
    }
  }

  private void writeSidecarQuietly() {
    try {
      writeSidecar();
    } catch (IOException e) {
      log.warn("cannot write {}: forever-level files may not survive a restart: {}", dir.resolve(SIDECAR), e.toString());
    }
  }

  private void writeSidecar() throws IOException {
    List<String> lines = new ArrayList<>();
    entries.forEach((name, e) -> {
      if (e.level() == CacheLevel.FOREVER) {
        lines.add(name + "\t" + e.size());
      }
    });
    lines.sort(null);
    Path tmp = dir.resolve(SIDECAR + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(SIDECAR), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

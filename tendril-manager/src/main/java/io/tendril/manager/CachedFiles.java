package io.tendril.manager;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The files one worker reported as present in its cache, by cache name with their sizes, and
 * their total, kept as files come and go so that the room left on the worker's disk is known
 * without a scan ({@link TempReplicator} places replicas by it). Accessed only on the manager's
 * loop, through {@link WorkerEntry#cached}.
 */
final class CachedFiles {
  private final Map<String, Long> sizes = new HashMap<>();
  private long bytes;

  /** Records a file as present (again), with its size. */
  void put(String cacheName, long size) {
    long s = Math.max(0, size);
    Long before = sizes.put(cacheName, s);
    bytes += s - (before == null ? 0 : before);
  }

  /** Forgets a file; returns its size, or null if it was not recorded. */
  Long remove(String cacheName) {
    Long before = sizes.remove(cacheName);
    if (before != null) {
      bytes -= before;
    }
    return before;
  }

  boolean containsKey(String cacheName) {
    return sizes.containsKey(cacheName);
  }

  /** The size of a file, or null if it is not recorded. */
  Long get(String cacheName) {
    return sizes.get(cacheName);
  }

  /** The cache names, unmodifiable. */
  Set<String> keySet() {
    return Collections.unmodifiableSet(sizes.keySet());
  }

  int size() {
    return sizes.size();
  }

  /** The total size of the files recorded. */
  long bytes() {
    return bytes;
  }
}

package io.tendril.worker;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.transfer.EntryReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A worker's file cache: {@code workspace/cache/<cache name>}, a file or a directory per entry,
 * with each entry's size and cache level. Forever-level names are listed in {@code
 * cache/.forever} so that the next worker on this workspace keeps them; at start every other entry
 * is deleted. Entries are added by moving finished files in atomically, so a reader never sees a
 * partial file. Thread-safe: the transfer server reads while the worker's loop writes. The
 * counterpart of the manager's replica table.
 */
final class WorkerCache {
  /** One cached file. */
  record Entry(long size, CacheLevel level) {}

  private static final String FOREVER_LIST = ".forever";

  private final Path dir;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  WorkerCache(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    List<String> forever = new ArrayList<>();
    Path list = dir.resolve(FOREVER_LIST);
    if (Files.exists(list)) {
      forever.addAll(Files.readAllLines(list, StandardCharsets.UTF_8));
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (name.equals(FOREVER_LIST)) {
          continue;
        }
        if (forever.contains(name) && Protocol.isValidCacheName(name)) {
          entries.put(name, new Entry(sizeOf(p), CacheLevel.FOREVER));
        } else {
          EntryReceiver.deleteRecursively(p);
        }
      }
    }
    writeForeverList();
  }

  Path dir() {
    return dir;
  }

  /** The path of a cache name, checked to be a valid name. */
  Path path(String cacheName) {
    if (!Protocol.isValidCacheName(cacheName)) {
      throw new IllegalArgumentException("invalid cache name '" + cacheName + "'");
    }
    return dir.resolve(cacheName);
  }

  boolean has(String cacheName) {
    return entries.containsKey(cacheName);
  }

  Entry get(String cacheName) {
    return entries.get(cacheName);
  }

  Map<String, Entry> entries() {
    return Map.copyOf(entries);
  }

  long bytes() {
    long total = 0;
    for (Entry e : entries.values()) {
      total += e.size();
    }
    return total;
  }

  /** Records a file already placed at {@link #path}. */
  long added(String cacheName, CacheLevel level) throws IOException {
    long size = sizeOf(path(cacheName));
    entries.put(cacheName, new Entry(size, level));
    if (level == CacheLevel.FOREVER) {
      writeForeverList();
    }
    return size;
  }

  /** Moves a finished file or directory into the cache under a name. */
  long moveIn(Path source, String cacheName, CacheLevel level) throws IOException {
    Path target = path(cacheName);
    EntryReceiver.deleteRecursively(target);
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.move(source, target);
    }
    return added(cacheName, level);
  }

  void remove(String cacheName) throws IOException {
    Entry e = entries.remove(cacheName);
    EntryReceiver.deleteRecursively(path(cacheName));
    if (e != null && e.level() == CacheLevel.FOREVER) {
      writeForeverList();
    }
  }

  /** Removes every entry whose level ends with the given event. */
  void removeLevels(List<CacheLevel> levels) {
    for (Map.Entry<String, Entry> e : Map.copyOf(entries).entrySet()) {
      if (levels.contains(e.getValue().level())) {
        try {
          remove(e.getKey());
        } catch (IOException ex) {
          // Left for the next start to clean up.
        }
      }
    }
  }

  private synchronized void writeForeverList() throws IOException {
    List<String> names = new ArrayList<>();
    entries.forEach((k, v) -> {
      if (v.level() == CacheLevel.FOREVER) {
        names.add(k);
      }
    });
    Path tmp = dir.resolve(FOREVER_LIST + ".tmp");
    Files.write(tmp, names, StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(FOREVER_LIST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static long sizeOf(Path p) throws IOException {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return Files.size(p);
    }
    long total = 0;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          total += Files.size(f);
        }
      }
    }
    return total;
  }
}

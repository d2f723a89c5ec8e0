package io.tendril.worker.internal;

import io.tendril.protocol.wire.LibraryRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's library processes: one per distinct {@link LibraryEnvironment} (classpath, files of
 * its working directory, environment variables), started lazily by the first call for it and started again by the next call after it died or was
 * stopped. Each has as many slots as the worker has cores. Library {@code n} runs in {@code
 * libraries/n/} under the workspace and logs its standard error to {@code libraries/n.log}; a new
 * library gets a new number, so the log of a dead one stays for diagnosis.
 *
 * <p>A library is retired (stopped once its calls have ended) when a file of its environment
 * leaves the cache, and every library is stopped when the worker stops: they never outlive it (and a
 * library whose worker died exits by itself when its standard input ends).
 *
 * <p>Thread-safe: calls come from pool threads, retirements from the worker's loop. Starting a
 * library blocks only the calls for its environment.
 */
final class LibraryPool {
  private static final Logger log = LoggerFactory.getLogger(LibraryPool.class);

  /** The library of one environment; its monitor serialises starts. */
  private static final class Slot {
    volatile Library library;
  }

  private final Path dir;
  private final WorkerCache cache;
  private final int slots;
  private final LibraryCommand command;
  private final AtomicInteger numbers = new AtomicInteger();
  private final Map<LibraryEnvironment, Slot> byEnvironment = new HashMap<>(); // guarded by this
  private volatile boolean closed;

  /**
   * Creates the pool; no library starts until a call needs it.
   *
   * @param dir the directory of the libraries' working directories and logs
   * @param cache the cache holding the classpath entries
   * @param slots the slots of each library
   * @param command how a library is started
   */
  LibraryPool(Path dir, WorkerCache cache, int slots, LibraryCommand command) {
    this.dir = dir;
    this.cache = cache;
    this.slots = slots;
    this.command = command;
  }

  /**
   * Hands a call to the library of an environment, starting it if needed. A library that stops
   * before taking the call (retired, or just died) is replaced once.
   *
   * @param environment the library's environment; each of its files must be cached
   * @param request the call, without its id
   * @param cancelled asked once a library is ready, just before the call is sent: true keeps the
   *     call from being sent (it was killed while its library started)
   * @return the call in its library, or empty if it was cancelled before being sent
   * @throws LibraryFailedException if no library can take it
   * @throws InterruptedException if interrupted while a library starts
   */
  Optional<Library.Call> submit(LibraryEnvironment environment, LibraryRequest.Builder request,
      BooleanSupplier cancelled) throws LibraryFailedException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Library library = library(environment);
      if (cancelled.getAsBoolean()) {
        return Optional.empty();
      }
      try {
        return Optional.of(library.submit(request));
      } catch (LibraryFailedException e) {
        if (e.accepted() || attempt == 2) {
          throw e;
        }
        log.debug("{} stopped before taking a call ({}); trying a new one", library, e.getMessage());
      }
    }
  }

  /** The library of an environment, accepting calls: the running one, or a new one. */
  private Library library(LibraryEnvironment key) throws LibraryFailedException, InterruptedException {
    Slot slot;
    synchronized (this) {
      if (closed) {
        throw new LibraryFailedException("the worker is stopping: no library takes calls", false);
      }
      slot = byEnvironment.computeIfAbsent(key, k -> new Slot());
    }
    synchronized (slot) {
      if (slot.library != null && slot.library.accepting()) {
        return slot.library;
      }
      List<Path> paths = new ArrayList<>(key.classpath().size());
      for (String name : key.classpath()) {
        paths.add(cache.path(name));
      }
      int n = numbers.incrementAndGet();
      Library started = Library.start(n, key, cache, command.argv(slots, paths), dir.resolve(Integer.toString(n)),
          dir.resolve(n + ".log"));
      // Published before closed is read, while close() sets closed before it reads the libraries:
      // one of the two sees the other, so a library starting during close() is stopped.
      slot.library = started;
      if (closed) {
        started.stop("the worker is stopping", Duration.ZERO);
        throw new LibraryFailedException("the worker is stopping: no library takes calls", false);
      }
      return started;
    }
  }

  /**
   * Retires every library whose environment holds a cache name: it takes no more calls and stops when
   * its calls have ended.
   *
   * @param cacheName a file leaving the cache
   */
  void retire(String cacheName) {
    for (Library l : running()) {
      if (l.environment().cacheNames().contains(cacheName)) {
        l.retire(cacheName + " left the cache");
      }
    }
  }

  /**
   * Retires every library with a file of its environment that is no longer cached.
   *
   * @param cached whether a cache name is cached
   */
  void retireUnless(Predicate<String> cached) {
    for (Library l : running()) {
      for (String name : l.environment().cacheNames()) {
        if (!cached.test(name)) {
          l.retire(name + " left the cache");
          break;
        }
      }
    }
  }

  /**
   * Stops every library (calls still in them fail) and takes no more calls. Blocks until they are
   * gone: each has {@link Library#STOP_GRACE} to exit after its input is closed, then its process
   * tree is killed.
   */
  void close() {
    closed = true;
    List<Thread> stopping = new ArrayList<>();
    for (Library l : running()) {
      stopping.add(Thread.ofPlatform().daemon().name("tendril-library-" + l.number() + "-stop")
          .start(() -> l.stop("the worker is stopping", Library.STOP_GRACE)));
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The libraries started and not replaced, alive or not. */
  private synchronized List<Library> running() {
    List<Library> out = new ArrayList<>();
    for (Slot s : byEnvironment.values()) {
      Library l = s.library;
      if (l != null) {
        out.add(l);
      }
    }
    return out;
  }
}

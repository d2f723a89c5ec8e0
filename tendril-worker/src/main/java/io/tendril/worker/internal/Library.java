package io.tendril.worker.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.LibraryReady;
import io.tendril.protocol.wire.LibraryReply;
import io.tendril.protocol.wire.LibraryRequest;
import io.tendril.worker.library.LibraryFrames;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One library process ({@link io.tendril.worker.library.LibraryMain}) and the calls running in it:
 * started with a classpath and a number of slots, it takes {@link LibraryRequest}s on its standard
 * input, and a reader thread hands each {@link LibraryReply} from its standard output to the call
 * waiting for it. Its standard error goes to a {@link LibraryLog}.
 *
 * <p>A library that dies (or whose output breaks) fails every call in it with a {@link
 * LibraryFailedException} whose message holds its exit status and the last lines of its standard
 * error; it takes no more calls, and its {@link LibraryPool} starts a new one for the next call. The
 * worker stops a library by closing its input (the process exits when its input ends) and, after a
 * grace, killing its process tree; a library is also stopped at once when a call in it must end
 * (killed, or past its wall time), because a thread in a JVM cannot be stopped safely.
 *
 * <p>Thread-safe: calls are submitted from pool threads, replies read on the library's reader
 * thread, and stops come from either or from the worker's loop.
 */
final class Library {
  private static final Logger log = LoggerFactory.getLogger(Library.class);

  /** How long a library has to announce itself after it starts. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** How long a library that is asked to stop has to exit before its tree is killed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  /** How long the reader waits for a library whose output ended to exit, and for its log to end. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

  /** How long a library that closed its output has to be seen exited before it is killed. */
  private static final Duration EXITING_WAIT = Duration.ofMillis(200);

  /** A call handed to the library: its id there, and the reply to come. */
  record Call(Library library, long id, CompletableFuture<LibraryReply> reply) {}

  private final int number;
  private final List<String> classpath;
  private final Process process;
  private final ProcessTree tree;
  private final LibraryLog stderr;
  private final OutputStream toLibrary;
  /** Serialises writes to the library's input; a lock with a timeout, since a write may block. */
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Object stateLock = new Object();
  private final Map<Long, CompletableFuture<LibraryReply>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<LibraryReady> ready = new CompletableFuture<>();
  private long lastCallId; // under stateLock
  private String failure; // under stateLock: why no more calls are taken, once set
  private boolean retiring; // under stateLock

  private Library(int number, List<String> classpath, Process process, LibraryLog stderr) {
    this.number = number;
    this.classpath = List.copyOf(classpath);
    this.process = process;
    this.tree = new ProcessTree(process.toHandle());
    this.stderr = stderr;
    this.toLibrary = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
  }

  /**
   * Starts a library and waits until it is ready.
   *
   * @param number its number, unique in the worker, naming its directory, log and threads
   * @param classpath the cache names of its classpath, for messages
   * @param argv its command line
   * @param dir its working directory, created
   * @param logFile where its standard error goes
   * @return the ready library
   * @throws LibraryFailedException if it cannot be started or does not become ready; the message
   *     says why, with the last lines of its standard error
   * @throws InterruptedException if interrupted while waiting; the library is killed
   */
  static Library start(int number, List<String> classpath, List<String> argv, Path dir, Path logFile)
      throws LibraryFailedException, InterruptedException {
    Process p;
    LibraryLog stderr;
    try {
      Files.createDirectories(dir);
      ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
      pb.environment().clear();
      pb.environment().putAll(TaskEnvironment.base());
      p = pb.start();
    } catch (IOException | RuntimeException e) {
      throw new LibraryFailedException("cannot start a library for classpath " + classpath + " (" + argv.get(0)
          + "): " + e.getMessage(), false);
    }
    try {
      stderr = new LibraryLog(p.getErrorStream(), logFile, "tendril-library-" + number + "-log");
    } catch (IOException e) {
      p.destroyForcibly();
      throw new LibraryFailedException("cannot create the library log " + logFile + ": " + e.getMessage(), false);
    }
    Library lib = new Library(number, classpath, p, stderr);
    Thread.ofPlatform().daemon().name("tendril-library-" + number + "-reader").start(lib::readReplies);
    try {
      LibraryReady r = lib.ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      log.info("library {} started (pid {}, {} slots) for classpath {}; log {}", number, p.pid(), r.getSlots(),
          classpath, logFile);
      return lib;
    } catch (ExecutionException e) {
      throw new LibraryFailedException(e.getCause().getMessage(), false);
    } catch (TimeoutException e) {
      lib.stop("did not become ready within " + Durations.human(READY_TIMEOUT), Duration.ZERO);
      throw new LibraryFailedException(lib.describe() + " did not become ready within "
          + Durations.human(READY_TIMEOUT) + lib.lastLines(), false);
    } catch (InterruptedException e) {
      lib.stop("the worker is stopping", Duration.ZERO);
      throw e;
    }
  }

  /** Its number in the worker. */
  int number() {
    return number;
  }

  /** The process id. */
  long pid() {
    return process.pid();
  }

  /** The cache names of its classpath. */
  List<String> classpath() {
    return classpath;
  }

  /** Whether it takes new calls: alive, and neither stopping nor retiring. */
  boolean accepting() {
    synchronized (stateLock) {
      return failure == null && !retiring;
    }
  }

  /**
   * Hands a call to the library.
   *
   * @param request the call, without its id
   * @return the call, whose reply completes when the library answers, or exceptionally with a
   *     {@link LibraryFailedException} (accepted) if the library dies or is stopped first
   * @throws LibraryFailedException (not accepted) if the library takes no more calls
   */
  Call submit(LibraryRequest.Builder request) throws LibraryFailedException {
    CompletableFuture<LibraryReply> reply = new CompletableFuture<>();
    long id;
    synchronized (stateLock) {
      if (failure != null) {
        throw new LibraryFailedException(failure, false);
      }
      id = ++lastCallId;
      pending.put(id, reply);
    }
    LibraryRequest r = request.setCallId(id).build();
    IOException failed = null;
    writeLock.lock();
    try {
      LibraryFrames.write(toLibrary, r);
      toLibrary.flush();
    } catch (IOException e) {
      failed = e;
    } finally {
      writeLock.unlock();
    }
    if (failed != null) {
      stop("cannot send a call to it: " + failed.getMessage(), Duration.ZERO);
    }
    return new Call(this, id, reply);
  }

  /**
   * Takes a call back from the library: its reply, if one comes, is ignored.
   *
   * @param callId the call
   * @return true if the call was still waiting (so it is now abandoned); false if its reply came, or
   *     it failed, first
   */
  boolean abandon(long callId) {
    return pending.remove(callId) != null;
  }

  /**
   * Stops taking calls, and stops the library as soon as no call runs in it (at once if none
   * does), in the background.
   *
   * @param reason why, for the log
   */
  void retire(String reason) {
    boolean idle;
    synchronized (stateLock) {
      if (failure != null || retiring) {
        return;
      }
      retiring = true;
      idle = pending.isEmpty();
      if (idle) {
        failure = describe() + " was retired: " + reason;
      }
    }
    log.info("{} retires: {}", describe(), reason);
    if (idle) {
      stopInBackground(reason);
    }
  }

  /**
   * Stops the library: takes no more calls, closes its input, gives it {@code grace} to exit and
   * kills its process tree; fails the calls still in it with the reason. Blocks until the process
   * is gone (or about a second past the grace). Idempotent: the first reason stays.
   *
   * @param reason why, for the failed calls' messages
   * @param grace how long it may take to exit by itself; zero to kill it at once
   */
  void stop(String reason, Duration grace) {
    String why;
    synchronized (stateLock) {
      if (failure == null) {
        failure = describe() + " was stopped: " + reason;
      }
      why = failure;
    }
    tree.sample(); // remember its children before it exits and they are re-parented
    if (grace.isPositive()) {
      try {
        if (closeInput(grace) && !process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("{} did not exit within {} of closing its input; killing it", describe(), Durations.human(grace));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    tree.kill(Duration.ZERO);
    try {
      closeInput(STOP_GRACE); // a write blocked on the dead library fails now, releasing the lock
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending(why);
  }

  /**
   * Closes the library's input, which tells it to exit, unless a write blocks it for longer than
   * {@code wait}.
   *
   * @return true if closed
   */
  private boolean closeInput(Duration wait) throws InterruptedException {
    if (!writeLock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    try {
      toLibrary.close();
    } catch (IOException e) {
      // Already closed, or the library is dead.
    } finally {
      writeLock.unlock();
    }
    return true;
  }

  /** Reads the LibraryReady, then replies until the output ends; then fails whatever is left. */
  private void readReplies() {
    InputStream in = new BufferedInputStream(process.getInputStream(), 1 << 16);
    String broken = null;
    try {
      byte[] frame = LibraryFrames.read(in);
      if (frame == null) {
        broken = "closed its output before it was ready";
      } else {
        LibraryReady r = LibraryReady.parseFrom(frame);
        if (r.getProtocolVersion() != Protocol.VERSION) {
          broken = "speaks library protocol version " + r.getProtocolVersion() + ", not " + Protocol.VERSION
              + " (is the worker's class path mixed?)";
        } else {
          ready.complete(r);
          while ((frame = LibraryFrames.read(in)) != null) {
            deliver(LibraryReply.parseFrom(frame));
          }
        }
      }
    } catch (InvalidProtocolBufferException e) {
      broken = "wrote a corrupt message: " + e.getMessage();
    } catch (IOException e) {
      broken = "broke its output: " + e.getMessage();
    }
    ended(broken);
  }

  private void deliver(LibraryReply reply) {
    CompletableFuture<LibraryReply> f = pending.remove(reply.getCallId());
    if (f == null) {
      log.debug("{}: reply to call {}, which was abandoned", describe(), reply.getCallId());
      return;
    }
    f.complete(reply);
    boolean stopNow;
    synchronized (stateLock) {
      stopNow = retiring && failure == null && pending.isEmpty();
      if (stopNow) {
        failure = describe() + " was retired";
      }
    }
    if (stopNow) {
      stopInBackground("retired, and its last call ended");
    }
  }

  /** The output ended: the library exited, was stopped, or broke the protocol. */
  private void ended(String broken) {
    String why;
    synchronized (stateLock) {
      why = failure;
    }
    if (why == null) {
      // A process that closed its output by exiting may not be reaped yet: give it a moment, so
      // that its own exit status is reported rather than a kill.
      boolean killedHere = broken != null && !exited(EXITING_WAIT);
      if (killedHere) {
        tree.sample();
        tree.kill(Duration.ZERO);
      }
      try {
        process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stderr.awaitEnd(Duration.ofSeconds(1));
      String status = process.isAlive() ? "did not exit"
          : killedHere ? "was killed by the worker" : "exited with " + exitStatus(process.exitValue());
      String message = describe() + (broken == null ? "" : " " + broken + " and") + " " + status + lastLines();
      synchronized (stateLock) {
        if (failure == null) {
          failure = message;
        }
        why = failure;
      }
      log.warn("{}", message);
      tree.kill(Duration.ZERO);
    }
    ready.completeExceptionally(new LibraryFailedException(why, false));
    failPending(why);
  }

  /** Whether the process has exited, waiting at most {@code d}; false if interrupted (the interrupt is kept). */
  private boolean exited(Duration d) {
    try {
      return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private void failPending(String why) {
    for (Long id : List.copyOf(pending.keySet())) {
      CompletableFuture<LibraryReply> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(new LibraryFailedException(why, true));
      }
    }
  }

  private void stopInBackground(String reason) {
    Thread.ofPlatform().daemon().name("tendril-library-" + number + "-stop").start(() -> stop(reason, STOP_GRACE));
  }

  /** "status 3", or "status 137 (killed by signal 9)". */
  static String exitStatus(int status) {
    return status > 128 && status <= 128 + 64
        ? "status " + status + " (killed by signal " + (status - 128) + ")"
        : "status " + status;
  }

  private String lastLines() {
    String tail = stderr.tail();
    return tail.isEmpty() ? "; its standard error is empty (log " + stderr.file() + ")"
        : "; last lines of its standard error (log " + stderr.file() + "):\n" + tail;
  }

  /** "library 3 (pid 1234, classpath [a, b])". */
  String describe() {
    return "library " + number + " (pid " + process.pid() + ", classpath " + classpath + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}

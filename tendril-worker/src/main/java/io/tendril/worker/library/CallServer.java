package io.tendril.worker.library;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.LibraryReady;
import io.tendril.protocol.wire.LibraryReply;
import io.tendril.protocol.wire.LibraryRequest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's conversation with its worker: announces itself with LibraryReady, then reads
 * LibraryRequests until its input ends and runs each on one of its slot threads (a fixed pool; a
 * request arriving while every slot is busy waits in arrival order), writing each LibraryReply as
 * soon as it is ready. Replies are written whole under one lock. Slot threads run with the user's
 * class loader as their context class loader.
 */
final class CallServer {
  private final int slots;
  private final ClassLoader loader;
  private final InputStream in;
  private final OutputStream out;
  private final PrintStream log;
  private final Object writeLock = new Object();

  /**
   * Prepares the server.
   *
   * @param slots how many calls run at once
   * @param loader the class loader of the user's functions and values
   * @param in where requests come from (the process's real standard input)
   * @param out where replies go (the process's real standard output)
   * @param log where the library's own diagnostics go (standard error)
   */
  CallServer(int slots, ClassLoader loader, InputStream in, OutputStream out, PrintStream log) {
    this.slots = slots;
    this.loader = loader;
    this.in = new BufferedInputStream(in, 1 << 16);
    this.out = new BufferedOutputStream(out, 1 << 16);
    this.log = log;
  }

  /**
   * Serves until the worker closes the input.
   *
   * @throws IOException if the input or output fails, or a request is corrupt
   */
  void serve() throws IOException {
    CallRunner runner = new CallRunner(loader);
    runner.warmUp();
    ExecutorService pool = Executors.newFixedThreadPool(slots, slotThreads());
    send(LibraryReady.newBuilder().setProtocolVersion(Protocol.VERSION).setSlots(slots).build());
    while (true) {
      byte[] frame = LibraryFrames.read(in);
      if (frame == null) {
        return;
      }
      LibraryRequest request;
      try {
        request = LibraryRequest.parseFrom(frame);
      } catch (InvalidProtocolBufferException e) {
        throw new IOException("a request from the worker is corrupt: " + e.getMessage(), e);
      }
      pool.execute(() -> reply(runner.run(request)));
    }
  }

  private void reply(LibraryReply reply) {
    try {
      send(reply);
    } catch (IOException e) {
      // The worker is gone (or closed our output): nobody is left to serve.
      log.println("tendril library: cannot send the reply of call " + reply.getCallId() + " to the worker: " + e
          + "; exiting");
      LibraryMain.exit(LibraryMain.EXIT_WORKER_GONE);
    }
  }

  private void send(com.google.protobuf.MessageLite m) throws IOException {
    synchronized (writeLock) {
      LibraryFrames.write(out, m);
      out.flush();
    }
  }

  private ThreadFactory slotThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "tendril-slot-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setContextClassLoader(loader);
      t.setUncaughtExceptionHandler((th, e) -> {
        log.println("tendril library: uncaught in " + th.getName() + ": " + e);
        e.printStackTrace(log);
      });
      return t;
    };
  }
}

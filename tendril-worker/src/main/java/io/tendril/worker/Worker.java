package io.tendril.worker;

import io.tendril.protocol.Resources;
import io.tendril.worker.internal.WorkerEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A Tendril worker: connects to a manager, offers its cores, memory, disk and GPUs, and obeys it.
 * It brings files into its cache (from the manager, from peer workers, from URLs, by mini-tasks and
 * by unpacking archives), runs command tasks in sandboxes and function calls in long-lived
 * library JVMs (one per classpath, see {@link io.tendril.worker.library.LibraryMain}), and serves
 * its cached files to peers and to the manager.
 *
 * <p>Owned by whoever starts it: the {@code tendril worker} command, tests, or an embedding
 * program. Its counterpart on the other side of the wire is the manager's worker endpoint (the
 * {@code WorkerService.Connect} stream) and, for files, every peer's and the manager's fetcher.
 * The messages follow docs/protocol.md.
 *
 * <p>Lifecycle: {@link #start()} returns at once; the worker then keeps trying to reach its
 * manager for the connect timeout. It exits when the manager sends {@code Shutdown} or refuses
 * it, when it has been idle for the idle timeout, when the manager cannot be reached (at start or
 * after losing it) within the connect timeout, or when {@link #close()} is called. On exit it
 * removes every cached file except forever-level ones.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class Worker implements AutoCloseable {
  private final WorkerEngine engine;

  /**
   * Creates a worker; nothing happens until {@link #start()} or {@link #run()}.
   *
   * @param options the manager to serve and what to offer it
   */
  public Worker(WorkerOptions options) {
    this.engine = new WorkerEngine(options);
  }

  /**
   * Prepares the workspace, starts the transfer server and begins connecting to the manager, then
   * returns without waiting for the connection.
   *
   * @return this worker
   * @throws IllegalStateException if the worker was started or closed before
   * @throws java.io.UncheckedIOException if the workspace cannot be prepared or the transfer
   *     server cannot listen
   */
  public Worker start() {
    engine.start();
    return this;
  }

  /**
   * Starts the worker if needed and blocks until it exits. An interrupt closes the worker.
   *
   * @return the exit status: 0 when told to leave, closed or idle; 1 when refused, when the
   *     manager could not be reached, or on an internal failure
   */
  public int run() {
    return engine.run().exitCode();
  }

  /**
   * Waits for the worker to exit.
   *
   * @param timeout how long to wait at most
   * @return true if it has exited
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return engine.awaitTermination(timeout);
  }

  /**
   * Why the worker exited, once it has.
   *
   * @return the exit, or empty while the worker runs (or has not started)
   */
  public Optional<WorkerExit> exit() {
    return engine.exit();
  }

  /**
   * Whether the worker is connected to its manager and was welcomed by it.
   *
   * @return true between Welcome and the loss of the connection
   */
  public boolean isConnected() {
    return engine.isConnected();
  }

  /**
   * Whether the worker counts its workspace's disk as full: its usable space is below {@link
   * WorkerOptions#diskFloorMb()}, or a write failed for lack of space a moment ago. A worker whose
   * disk is full has told its manager so and takes no task that needs disk.
   *
   * @return true while the disk is full; false before {@link #start()}
   */
  public boolean diskFull() {
    return engine.diskFull();
  }

  /**
   * This worker's id, as sent in Hello.
   *
   * @return the id
   */
  public String id() {
    return engine.options().workerId();
  }

  /**
   * The options this worker was created with.
   *
   * @return the options
   */
  public WorkerOptions options() {
    return engine.options();
  }

  /**
   * The resources this worker offers: given in the options or detected.
   *
   * @return the resources, or null before {@link #start()}
   */
  public Resources resources() {
    return engine.resources();
  }

  /**
   * Where peers and the manager fetch this worker's files.
   *
   * @return {@code host:port} of the transfer server, or null before {@link #start()}
   */
  public String transferAddress() {
    return engine.transferAddress();
  }

  /**
   * Where peers fetch this worker's files with their bytes sent raw (the transfer data port).
   *
   * @return {@code host:port}; empty when the worker has no data port, or before {@link #start()}
   */
  public String transferDataAddress() {
    return engine.transferDataAddress();
  }

  /**
   * The workspace directory, holding {@code cache/}, {@code sandbox/} and {@code libraries/} (the
   * working directories and logs of library processes).
   *
   * @return the absolute directory, or null before {@link #start()}
   */
  public Path workspace() {
    return engine.workspace();
  }

  /**
   * Data bytes this worker's transfer server has sent to peers and to the manager.
   *
   * @return the byte count since start
   */
  public long bytesServed() {
    return engine.bytesServed();
  }

  /**
   * Data bytes this worker brought into its cache from transfer servers and URLs (files made by
   * mini-tasks, unpacked archives and task outputs are not counted).
   *
   * @return the byte count since start
   */
  public long bytesFetched() {
    return engine.bytesFetched();
  }

  /**
   * Commands this worker has started for tasks, and function calls it has handed to a library
   * (mini-tasks not counted).
   *
   * @return the count since start
   */
  public long tasksRun() {
    return engine.tasksRun();
  }

  /**
   * Stops the worker: kills its tasks, stops its library processes, closes the control stream and
   * the transfer server, and removes every cached file but forever-level ones. Waits for that to finish (up to about 30
   * seconds). Does nothing if the worker has already exited.
   */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Describes the worker for logs.
   *
   * @return its id and, once started, its transfer address
   */
  @Override
  public String toString() {
    return "Worker[" + id() + (transferAddress() == null ? "" : " at " + transferAddress()) + "]";
  }
}

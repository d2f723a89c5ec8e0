package io.tendril.worker.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the worker's threads and makes them daemons, so a worker never keeps a JVM alive by
 * itself and its threads are recognisable in a thread dump. Used by every executor of the
 * engine, the transfer server and the process monitor.
 */
final class WorkerThreads {
  private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);

  private WorkerThreads() {}

  /**
   * A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ...; an exception
   * escaping a thread is logged.
   *
   * @param prefix the name prefix
   * @return the factory
   */
  static ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setUncaughtExceptionHandler((th, e) -> log.error("uncaught in {}", th.getName(), e));
      return t;
    };
  }
}

package io.tendril.worker;

import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The program {@link StreamingTest} runs in a child JVM with a small heap: a fake manager and two
 * workers; worker A makes a large random file with a task, worker B fetches it from A's transfer
 * server, and both copies are compared by SHA-256. Prints {@code OK <bytes> <peak heap MB>} and
 * exits 0 on success, or prints the problem and exits 1.
 */
public final class StreamingChild {
  private StreamingChild() {}

  /**
   * Runs the transfer.
   *
   * @param args the working directory and the file size in bytes
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long bytes = Long.parseLong(args[1]);
    int status = 1;
    try (FakeManager manager = FakeManager.start();
        Worker a = new Worker(options(manager, dir, "stream-a"));
        Worker b = new Worker(options(manager, dir, "stream-b"))) {
      a.start();
      b.start();
      FakeManager.Connection ca = manager.awaitConnection("stream-a");
      FakeManager.Connection cb = manager.awaitConnection("stream-b");
      WorkerTestSupport.awaitConnected(a);
      WorkerTestSupport.awaitConnected(b);
      ca.send(Messages.task(1, "head -c " + bytes + " /dev/urandom > big")
          .addOutputs(Messages.output("big", "big-1")).build());
      TaskFinished made = ca.awaitFinished(1);
      if (made.getResult() != TaskResult.TASK_RESULT_SUCCESS) {
        throw new AssertionError("making the file failed: " + made);
      }
      cb.send(Messages.fromAddress("big-1", "t1", a.transferAddress(), bytes));
      long start = System.nanoTime();
      CacheUpdate u = cb.await(m -> m.hasCacheUpdate(), "the CacheUpdate", Duration.ofSeconds(150)).getCacheUpdate();
      System.out.println("transfer took " + (System.nanoTime() - start) / 1_000_000 + " ms");
      if (!u.getError().isEmpty() || u.getSize() != bytes) {
        throw new AssertionError("the transfer failed: " + u);
      }
      String sent = sha256(a.workspace().resolve("cache/big-1"));
      String received = sha256(b.workspace().resolve("cache/big-1"));
      if (!sent.equals(received)) {
        throw new AssertionError("the copies differ: " + sent + " vs " + received);
      }
      System.out.println("OK " + u.getSize() + " " + peakHeapMb() + " " + a.bytesServed() + " " + b.bytesFetched());
      status = 0;
    } catch (Throwable t) {
      System.out.println("FAILED " + t);
      t.printStackTrace(System.out);
    }
    System.exit(status);
  }

  private static WorkerOptions options(FakeManager m, Path dir, String id) {
    return WorkerOptions.builder("127.0.0.1", m.port()).workerId(id).cores(1).memoryMb(100).diskMb(1000).gpus(0)
        .workspace(dir.resolve(id)).connectTimeout(Duration.ofSeconds(20)).build();
  }

  private static String sha256(Path p) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static long peakHeapMb() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}

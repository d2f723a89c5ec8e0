package io.tendril.bench;

import io.tendril.manager.CommandTask;
import io.tendril.manager.DeclaredFile;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Worker-to-worker transfer speed: a temp of the given size is made on one worker and consumed by
 * a task whose resources only the other worker has, so the temp moves from
 * one worker's transfer server to the other's cache. Its speed comes from the transaction log
 * (the transfer's elapsed time as the receiving worker measured it) and is compared with a plain
 * loopback copy of the same number of bytes (a socket on 127.0.0.1 into a file). Prints JSON lines.
 *
 * <p>Arguments: megabytes, the tendril jar.
 */
public final class TransferBench {
  private TransferBench() {}

  public static void main(String[] args) throws Exception {
    long mb = Long.parseLong(args[0]);
    String jar = args[1];
    Path run = Files.createTempDirectory("tendril-transfer-");
    double loopback = loopbackCopy(mb << 20, run.resolve("loopback.bin"));
    System.out.printf("{\"system\":\"loopback-copy\",\"mb\":%d,\"mb_per_s\":%.1f}%n", mb, loopback);
    try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(run).build())) {
      try (BenchWorkers workers = new BenchWorkers()) {
        // Worker 0: one core and much memory; worker 1: two cores and little memory. The producer
        // asks for the memory only worker 0 has, the consumer for the cores only worker 1 has.
        String[] cores = {"1", "2"};
        String[] memory = {"3000", "1000"};
        for (int i = 0; i < 2; i++) {
          workers.start(jar, m, run, "transfer-" + i, List.of("-Xmx256m"), "--cores", cores[i], "--memory", memory[i],
              "--disk", String.valueOf(4 * mb + 1000));
        }
        workers.awaitJoined(m);
        DeclaredFile temp = m.declareTemp();
        m.submit(CommandTask.builder("head -c " + (mb << 20) + " /dev/urandom > t").output("t", temp).cores(1).memoryMb(2500).build());
        require(m.await(Duration.ofMinutes(10)).orElseThrow().succeeded(), "the producer failed");
        m.submit(CommandTask.builder("wc -c < t").input(temp, "t").cores(2).memoryMb(500).build());
        CommandTask consumer = m.await(Duration.ofMinutes(10)).orElseThrow();
        require(consumer.succeeded() && consumer.stdout().strip().equals(String.valueOf(mb << 20)),
            "the consumer saw " + consumer.stdout().strip() + " bytes");
        require(m.stats().peerTransfers() == 1, "expected exactly one worker-to-worker transfer");
        long elapsedMs = 0;
        for (String line : Files.readAllLines(m.transactionLog())) {
          if (line.contains("\"source_kind\":\"peer\"") && line.contains("\"event\":\"done\"")) {
            String v = line.replaceAll(".*\"transfer_ms\":([0-9]+).*", "$1");
            elapsedMs = Long.parseLong(v);
          }
        }
        double rate = mb / Math.max(0.001, elapsedMs / 1000.0);
        System.out.printf("{\"system\":\"tendril-peer\",\"mb\":%d,\"mb_per_s\":%.1f,\"ratio_to_loopback\":%.2f}%n",
            mb, rate, rate / loopback);
      }
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  /** Sends {@code bytes} over a loopback socket into a file; returns MB/s. */
  private static double loopbackCopy(long bytes, Path target) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread sender = Thread.ofPlatform().start(() -> {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          byte[] chunk = new byte[256 * 1024];
          new java.util.Random(1).nextBytes(chunk);
          for (long sent = 0; sent < bytes; sent += chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long start = System.nanoTime();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
          InputStream in = s.getInputStream();
          OutputStream out = Files.newOutputStream(target)) {
        in.transferTo(out);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      sender.join();
      Files.delete(target);
      return (bytes >> 20) / seconds;
    }
  }
}

package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.auth.TransferTokens;
import io.tendril.protocol.tls.TlsIdentity;
import io.tendril.protocol.transfer.DataStream;
import io.tendril.protocol.wire.EntryHeader;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.TransferFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer data port for real: a worker's transfer server with its data port, and the fetcher
 * of another worker, over loopback, in plaintext and over TLS, with and without a password; and
 * the fetcher against hostile data ports (lying frames, paths out of the target, a stream cut
 * short, a server that stops sending), which it refuses without writing outside its target.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DataPortTest {
  private static final byte[] PASSWORD = "data-port-secret".getBytes(StandardCharsets.UTF_8);
  private static final TransferLimits LIMITS = new TransferLimits(Duration.ofSeconds(20), Duration.ofSeconds(60));

  @TempDir Path tmp;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private TransferServer server;
  private TransferClient client;
  private WorkerCache cache;
  private byte[] big;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (client != null) {
      client.close();
    }
    timers.shutdownNow();
  }

  /** A server holding an 8 MB file and a directory, and a client; TLS and password as asked. */
  private String serve(TlsIdentity identity, byte[] password) throws Exception {
    cache = WorkerCache.open(tmp.resolve("cache-a"));
    big = new byte[8 << 20];
    new Random(7).nextBytes(big);
    cache.moveIn(Files.write(tmp.resolve("big"), big), "temp-big", CacheLevel.WORKFLOW);
    Path tree = Files.createDirectories(tmp.resolve("tree/x/y"));
    Files.writeString(tree.resolve("leaf"), "leaf\n");
    Path tool = Files.writeString(tmp.resolve("tree/x/tool"), "#!/bin/sh\n");
    tool.toFile().setExecutable(true);
    Files.createDirectories(tmp.resolve("tree/empty"));
    cache.moveIn(tmp.resolve("tree"), "temp-tree", CacheLevel.WORKFLOW);
    server = new TransferServer(cache, "a", new InetSocketAddress("127.0.0.1", 0), 2,
        TransferTokens.of(password == null ? null : SharedSecret.of(password)), identity,
        new InetSocketAddress("127.0.0.1", 0));
    client = new TransferClient(timers, "b", identity != null);
    return "127.0.0.1:" + server.dataPort();
  }

  private long fetch(String address, String fingerprint, String name, TransferTokens.Token token, Path target)
      throws IOException {
    return client.fetchData(address, fingerprint, name, token == null ? ByteString.EMPTY : token.value(),
        token == null ? 0 : token.expiryMs(), LIMITS, target, new Cancellation());
  }

  private void assertFetched(String address, String fingerprint, TransferTokens tokens) throws Exception {
    Path target = tmp.resolve("in/big");
    assertThat(fetch(address, fingerprint, "temp-big", tokens.issue("temp-big", "b"), target)).isEqualTo(big.length);
    assertThat(Files.readAllBytes(target)).isEqualTo(big);
    Path tree = tmp.resolve("in/tree");
    assertThat(fetch(address, fingerprint, "temp-tree", tokens.issue("temp-tree", "b"), tree)).isEqualTo(15);
    assertThat(Files.readString(tree.resolve("x/y/leaf"))).isEqualTo("leaf\n");
    assertThat(Files.isExecutable(tree.resolve("x/tool"))).isTrue();
    assertThat(Files.isExecutable(tree.resolve("x/y/leaf"))).isFalse();
    assertThat(tree.resolve("empty")).isEmptyDirectory();
    // The server counts a transfer once it has written the end frame, which may be a moment after
    // the client has read it.
    for (long deadline = System.nanoTime() + 10_000_000_000L; server.bytesServed() < big.length + 15
        && System.nanoTime() < deadline; ) {
      Thread.sleep(10);
    }
    assertThat(server.bytesServed()).isEqualTo(big.length + 15);
    try (Stream<Path> left = Files.list(tmp.resolve("in"))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("big", "tree");
    }
  }

  @Test
  void aFileAndADirectoryMoveOverThePlaintextDataPort() throws Exception {
    assertFetched(serve(null, null), "", TransferTokens.of(null));
  }

  @Test
  void aFileAndADirectoryMoveOverTheTlsDataPortPinnedByFingerprint() throws Exception {
    TlsIdentity id = TlsIdentity.selfSigned("worker a", List.of());
    assertFetched(serve(id, null), id.fingerprint(), TransferTokens.of(null));
  }

  @Test
  void withAPasswordAndTlsATokenedRequestIsServed() throws Exception {
    TlsIdentity id = TlsIdentity.selfSigned("worker a", List.of());
    assertFetched(serve(id, PASSWORD), id.fingerprint(), TransferTokens.of(SharedSecret.of(PASSWORD)));
  }

  @Test
  void withAPasswordARequestWithoutAValidTokenGetsNotAByte() throws Exception {
    String address = serve(null, PASSWORD);
    Path target = tmp.resolve("in/big");
    assertThatThrownBy(() -> fetch(address, "", "temp-big", null, target))
        .hasMessageContaining("UNAUTHENTICATED").hasMessageContaining("temp-big");
    TransferTokens wrong = TransferTokens.of(SharedSecret.of("another".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> fetch(address, "", "temp-big", wrong.issue("temp-big", "b"), target))
        .hasMessageContaining("UNAUTHENTICATED");
    TransferTokens right = TransferTokens.of(SharedSecret.of(PASSWORD));
    assertThatThrownBy(() -> fetch(address, "", "temp-big", right.issue("temp-big", "someone-else"), target))
        .hasMessageContaining("UNAUTHENTICATED");
    assertThat(target).doesNotExist();
    // On the wire: one end frame, nothing of the file, not even whether it is here.
    List<TransferFrame> answer = rawRequest(address, FetchRequest.newBuilder().setCacheName("temp-big")
        .setRequester("b").build());
    assertThat(answer).hasSize(1);
    assertThat(answer.get(0).getEnd().getStatus()).isEqualTo("UNAUTHENTICATED");
    assertThat(rawRequest(address, FetchRequest.newBuilder().setCacheName("nothing-here").setRequester("b").build())
        .get(0).getEnd().getStatus()).isEqualTo("UNAUTHENTICATED");
    assertThat(server.bytesServed()).isZero();
  }

  @Test
  void unknownNamesAreNotFound() throws Exception {
    String address = serve(null, null);
    assertThatThrownBy(() -> fetch(address, "", "nothing-here", null, tmp.resolve("in/x")))
        .hasMessageContaining("NOT_FOUND").hasMessageContaining("nothing-here");
    assertThat(rawRequest(address, FetchRequest.newBuilder().setCacheName("../etc/passwd").build()).get(0).getEnd()
        .getStatus()).isEqualTo("NOT_FOUND");
  }

  @Test
  void aPlaintextClientOfATlsDataPortIsToldSoAndATlsClientOfAPlaintextOneFailsClearly() throws Exception {
    TlsIdentity id = TlsIdentity.selfSigned("worker a", List.of());
    String address = serve(id, null);
    TransferClient plain = new TransferClient(timers, "b", false);
    try {
      assertThatThrownBy(() -> plain.fetchData(address, "", "temp-big", ByteString.EMPTY, 0, LIMITS,
          tmp.resolve("in/big"), new Cancellation())).hasMessageContaining("speaks TLS");
    } finally {
      plain.close();
    }
    assertThatThrownBy(() -> fetch(address, "ab".repeat(32), "temp-big", null, tmp.resolve("in/big")))
        .hasMessageContaining("fingerprint is " + id.fingerprint());
    server.close();
    tmp.resolve("cache-a").toFile().renameTo(tmp.resolve("cache-old").toFile());
    String plainAddress = serve(null, null);
    assertThatThrownBy(() -> fetch(plainAddress, id.fingerprint(), "temp-big", null, tmp.resolve("in/big")))
        .hasMessageContaining("TLS");
    assertThat(tmp.resolve("in/big")).doesNotExist();
  }

  // ------------------------------------------------------------------ hostile data ports

  /** A data port that reads the request and then does what the script says. */
  private String hostile(Consumer<OutputStream> script) throws IOException {
    ServerSocket s = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().start(() -> {
      try (s; Socket c = s.accept()) {
        InputStream in = c.getInputStream();
        in.readNBytes(DataStream.MAGIC.length);
        int length = in.read();
        in.readNBytes(length);
        OutputStream out = c.getOutputStream();
        script.accept(out);
        out.flush();
        Thread.sleep(50);
      } catch (Exception e) {
        // the client went away
      }
    });
    client = client != null ? client : new TransferClient(timers, "b", false);
    return "127.0.0.1:" + s.getLocalPort();
  }

  private static void write(OutputStream out, byte[]... parts) {
    try {
      for (byte[] p : parts) {
        out.write(p);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] header(String path, boolean dir, long size) {
    return DataStream.header(EntryHeader.newBuilder().setPath(path).setDirectory(dir).setSize(size).build());
  }

  private void assertRefused(Consumer<OutputStream> script, String why) throws Exception {
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    Path target = inbox.resolve("t");
    String address = hostile(script);
    assertThatThrownBy(() -> fetch(address, "", "temp-x", null, target)).hasMessageContaining(why);
    assertThat(target).doesNotExist();
    try (Stream<Path> left = Files.list(inbox)) {
      assertThat(left.toList()).as("nothing partial is left").isEmpty();
    }
    try (Stream<Path> top = Files.list(tmp)) {
      assertThat(top.map(p -> p.getFileName().toString()).toList()).as("nothing is written outside the target")
          .containsExactly("inbox");
    }
  }

  @Test
  void hostileStreamsAreRefusedWithoutWritingOutsideTheTarget() throws Exception {
    byte[] ok = DataStream.end(DataStream.OK, "");
    assertRefused(out -> write(out, header("", true, 0), header("../escaped", false, 3), "abc".getBytes(), ok),
        "would leave the directory");
    assertRefused(out -> write(out, header("", true, 0), header("/abs", false, 3), "abc".getBytes(), ok),
        "would leave the directory");
    assertRefused(out -> write(out, header("a", false, 3), "abc".getBytes(), ok), "must be its root");
    assertRefused(out -> write(out, header("", false, 100), new byte[10]), "90 bytes before the end of an entry");
    assertRefused(out -> write(out, header("", false, 3), "abc".getBytes()), "ended before its end frame");
    assertRefused(out -> write(out, header("", false, -3), ok), "negative entry size");
    assertRefused(out -> write(out, ok), "the transfer was empty");
    assertRefused(out -> write(out, header("", false, 3), "abc".getBytes(), DataStream.end("INTERNAL", "disk gone")),
        "INTERNAL: disk gone");
    assertRefused(out -> write(out, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}), "more than");
    assertRefused(out -> write(out, new byte[] {3, 1, 2, 3}), "malformed frame");
  }

  @Test
  void aDataPortThatStopsSendingIsAbandonedAtTheStallLimit() throws Exception {
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    String address = hostile(out -> {
      write(out, header("", false, 1000), new byte[10]);
      try {
        out.flush();
        Thread.sleep(30_000);
      } catch (Exception e) {
        // closed
      }
    });
    TransferLimits limits = new TransferLimits(Duration.ofMillis(500), Duration.ofSeconds(60));
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.fetchData(address, "", "temp-x", ByteString.EMPTY, 0, limits, inbox.resolve("t"),
        new Cancellation())).hasMessageContaining("nothing received for");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(inbox).isEmptyDirectory();

    // And a cancellation ends a transfer at once.
    String slow = hostile(out -> {
      write(out, header("", false, 1000));
      try {
        out.flush();
        Thread.sleep(30_000);
      } catch (Exception e) {
        // closed
      }
    });
    Cancellation c = new Cancellation();
    timers.schedule(c::cancel, 200, TimeUnit.MILLISECONDS);
    assertThatThrownBy(() -> client.fetchData(slow, "", "temp-x", ByteString.EMPTY, 0, LIMITS, inbox.resolve("t"), c))
        .hasMessageContaining("cancelled");
    assertThat(inbox).isEmptyDirectory();
  }

  /** Sends a request on a bare socket and reads every frame of the answer. */
  private static List<TransferFrame> rawRequest(String address, FetchRequest r) throws IOException {
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(DataStream.request(r));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      s.getInputStream().transferTo(all);
      java.util.List<TransferFrame> frames = new java.util.ArrayList<>();
      InputStream in = new java.io.ByteArrayInputStream(all.toByteArray());
      TransferFrame f;
      while ((f = TransferFrame.parseDelimitedFrom(in)) != null) {
        frames.add(f);
      }
      return frames;
    }
  }
}

package io.tendril.worker;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.transfer.EntryReceiver;
import io.tendril.protocol.wire.FetchFile;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.TransferServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Brings a file into the worker's cache as a FetchFile asks: from a transfer server (a peer's or
 * the manager's), from a URL, by running a mini-task, or by unpacking a cached tar archive.
 * Everything lands in a temporary path first and is moved into the cache whole. Timeouts grow
 * with the file's size (60 s plus one second per megabyte). Blocking; runs on a worker pool
 * thread. The counterpart of the transfer servers.
 */
final class Fetcher implements AutoCloseable {
  private final WorkerCache cache;
  private final Path scratch;
  private final String requester;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(30)).build();

  Fetcher(WorkerCache cache, Path scratch, String requester) {
    this.cache = cache;
    this.scratch = scratch;
    this.requester = requester;
  }

  /** Fetches the file into the cache and returns its size. */
  long fetch(FetchFile f) throws IOException, InterruptedException {
    String name = f.getCacheName();
    cache.path(name); // validates the name
    long timeoutSeconds = 60 + Math.max(0, f.getSize()) / (1024 * 1024);
    Path tmp = scratch.resolve(name + ".fetch-" + System.nanoTime());
    try {
      switch (f.getSourceCase()) {
        case TRANSFER_ADDRESS -> fromTransferServer(f.getTransferAddress(), name, tmp, timeoutSeconds);
        case URL -> fromUrl(f.getUrl(), tmp, timeoutSeconds);
        case MINI_TASK -> fromMiniTask(f, tmp);
        case UNTAR -> fromUntar(f.getUntar().getArchiveCacheName(), tmp);
        default -> throw new IOException("FetchFile for " + name + " names no source");
      }
      return cache.moveIn(tmp, name, io.tendril.protocol.CacheLevel.fromWire(f.getLevel()));
    } finally {
      EntryReceiver.deleteRecursively(tmp);
    }
  }

  private void fromTransferServer(String address, String name, Path tmp, long timeoutSeconds) throws IOException {
    var stub = TransferServiceGrpc.newBlockingStub(channel(address)).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
    try {
      EntryReceiver.receive(stub.fetch(FetchRequest.newBuilder().setCacheName(name).setRequester(requester).build()), tmp);
    } catch (StatusRuntimeException e) {
      throw new IOException("from " + address + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
    }
  }

  private void fromUrl(String url, Path tmp, long timeoutSeconds) throws IOException, InterruptedException {
    URI uri = URI.create(url);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (scheme.equals("file")) {
      Path src = Path.of(uri);
      if (!Files.exists(src)) {
        throw new IOException("url " + url + ": no such file");
      }
      copyTree(src, tmp);
      return;
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IOException("url " + url + ": only http, https and file URLs are fetched");
    }
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds)).GET().build();
    HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = resp.body()) {
      if (resp.statusCode() / 100 != 2) {
        throw new IOException("url " + url + ": HTTP status " + resp.statusCode());
      }
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void fromMiniTask(FetchFile f, Path tmp) throws IOException, InterruptedException {
    var mini = f.getMiniTask();
    try (Sandbox box = new Sandbox(scratch.resolve("mini-" + System.nanoTime()))) {
      for (Mount m : mini.getInputsList()) {
        if (!cache.has(m.getCacheName())) {
          throw new IOException("mini-task input " + m.getCacheName() + " is not in the cache");
        }
        box.link(cache.path(m.getCacheName()), m.getSandboxName());
      }
      var outcome = new TaskProcess(mini.getCommand(), box, mini.getEnvMap(), 64 * 1024, Duration.ofHours(1)).run();
      if (outcome.end() != TaskProcess.End.EXITED || outcome.exitCode() != 0) {
        throw new IOException("mini-task '" + mini.getCommand() + "' failed (" + outcome.end() + ", exit "
            + outcome.exitCode() + "): " + new String(outcome.output()).strip());
      }
      Path out = box.output(mini.getOutputName());
      if (out == null) {
        throw new IOException("mini-task '" + mini.getCommand() + "' left no " + mini.getOutputName());
      }
      Files.move(out, tmp);
    }
  }

  private void fromUntar(String archive, Path tmp) throws IOException, InterruptedException {
    if (!cache.has(archive)) {
      throw new IOException("archive " + archive + " is not in the cache");
    }
    Files.createDirectories(tmp);
    Process p = new ProcessBuilder("tar", "-xf", cache.path(archive).toString(), "-C", tmp.toString(),
        "--no-same-owner").redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("untar of " + archive + " failed: " + new String(out).strip());
    }
    Path root = tmp.toRealPath();
    try (Stream<Path> s = Files.walk(tmp)) {
      for (Path e : (Iterable<Path>) s::iterator) {
        if (Files.isSymbolicLink(e) && !e.toRealPath().startsWith(root)) {
          throw new IOException("archive " + archive + " holds a link leaving its directory: " + tmp.relativize(e));
        }
      }
    }
  }

  private static void copyTree(Path src, Path dst) throws IOException {
    if (!Files.isDirectory(src)) {
      Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a).usePlaintext()
        .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES).build());
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}

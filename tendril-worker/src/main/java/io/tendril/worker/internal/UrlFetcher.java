package io.tendril.worker.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a URL the manager named as a file's source: {@code http} and {@code https} with the
 * JDK's {@link HttpClient} (redirects followed, except from https to http; the body is written
 * straight to disk), {@code file} by copying the local file or directory (links followed).
 *
 * <p>Time limits are the fetch's {@link TransferLimits}, as for transfer servers: its total limit
 * when it has one, and its stall limit without progress; the connection itself must be made
 * within 30 s. Owned by the {@link Fetcher}, on pool threads. Its
 * counterpart is whatever web server holds the URL.
 */
final class UrlFetcher implements AutoCloseable {
  private static final Duration CONNECT_TIME = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(CONNECT_TIME)
      .build();

  /**
   * Fetches a URL into {@code target}.
   *
   * @param url an http, https or file URL
   * @param limits how long it may take, and may receive nothing
   * @param target where the data is written; must not exist
   * @param cancellation stops the fetch
   * @return the bytes written
   * @throws IOException if the URL is malformed or unsupported, or the fetch fails
   * @throws InterruptedException if interrupted while waiting
   */
  long fetch(String url, TransferLimits limits, Path target, Cancellation cancellation)
      throws IOException, InterruptedException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IOException("malformed URL '" + url + "': " + e.getMessage(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> copyFile(url, uri, target);
      case "http", "https" -> download(url, uri, limits, target, cancellation);
      default -> throw new IOException("cannot fetch '" + url + "': only http, https and file URLs are supported");
    };
  }

  private static long copyFile(String url, URI uri, Path target) throws IOException {
    Path src;
    try {
      src = Path.of(uri);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new IOException("malformed file URL '" + url + "': " + e.getMessage(), e);
    }
    if (!Files.exists(src)) {
      throw new IOException("cannot fetch '" + url + "': no such file " + src);
    }
    PathTrees.copyFollowingLinks(src, target);
    return PathTrees.size(target);
  }

  private long download(String url, URI uri, TransferLimits limits, Path target, Cancellation cancellation)
      throws IOException, InterruptedException {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(uri).timeout(limits.stall()).GET().build();
    } catch (IllegalArgumentException e) {
      throw new IOException("malformed URL '" + url + "': " + e.getMessage(), e);
    }
    HttpResponse.BodyHandler<Path> handler = info -> info.statusCode() / 100 == 2
        ? HttpResponse.BodySubscribers.ofFile(target)
        : HttpResponse.BodySubscribers.replacing(null);
    CompletableFuture<HttpResponse<Path>> exchange = http.sendAsync(request, handler);
    cancellation.onCancel(() -> exchange.cancel(true));
    long start = System.nanoTime();
    long deadline = limits.total() != null ? start + limits.total().toNanos() : Long.MAX_VALUE;
    long lastSize = -1;
    long lastProgress = start;
    HttpResponse<Path> response;
    while (true) {
      try {
        response = exchange.get(1, TimeUnit.SECONDS);
        break;
      } catch (TimeoutException e) {
        long now = System.nanoTime();
        long size = Files.exists(target, LinkOption.NOFOLLOW_LINKS) ? Files.size(target) : 0;
        if (size != lastSize) {
          lastSize = size;
          lastProgress = now;
        }
        String problem = now - lastProgress > limits.stall().toNanos()
            ? "nothing received for " + limits.stallText()
            : now > deadline ? "not done within " + Durations.human(limits.total()) : null;
        if (problem != null) {
          exchange.cancel(true);
          throw new IOException("cannot fetch '" + url + "': " + problem);
        }
      } catch (CancellationException e) {
        throw new IOException("fetching '" + url + "' was cancelled", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw new IOException("cannot fetch '" + url + "': " + (c.getMessage() == null ? c.toString() : c.getMessage()), c);
      } catch (InterruptedException e) {
        exchange.cancel(true);
        throw e;
      }
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException("cannot fetch '" + url + "': HTTP status " + response.statusCode());
    }
    return Files.size(target);
  }

  /** Stops the HTTP client and any exchange still running. */
  @Override
  public void close() {
    http.shutdownNow();
  }
}

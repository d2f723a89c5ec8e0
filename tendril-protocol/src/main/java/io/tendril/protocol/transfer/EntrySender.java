package io.tendril.protocol.transfer;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.EntryHeader;
import io.tendril.protocol.wire.FileChunk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes one cached file or directory to a {@code TransferService.Fetch} call in the stream format
 * of docs/protocol.md: the root's entry header, then for a file its data in chunks of {@link
 * Protocol#CHUNK_BYTES}, for a directory each entry below it (sorted, paths relative to the root,
 * links followed) with its own header and chunks. The receiving side is {@link EntryReceiver}.
 *
 * <p>Flow control: the sender runs on a thread of its own, never on the call's callback thread, and
 * waits whenever the call is not ready (more than {@link #READY_THRESHOLD_BYTES} wait in gRPC's
 * outbound buffer); gRPC's on-ready callback wakes it. So at most a few chunks are held per
 * transfer, whatever the file size. A receiver that
 * takes nothing for {@link #STALL_TIME} is dropped.
 *
 * <p>Created by a transfer server (the worker's and the manager's) inside each call, where the
 * handlers must be set, and run on one of that server's sender threads.
 */
public final class EntrySender {
  /** How long the receiver may accept nothing before the transfer is abandoned. */
  public static final Duration STALL_TIME = Duration.ofSeconds(120);

  /** Bytes gRPC may hold for a transfer before the sender waits: four chunks. */
  static final int READY_THRESHOLD_BYTES = 4 * Protocol.CHUNK_BYTES;

  private final ServerCallStreamObserver<FileChunk> call;
  private final Object ready = new Object();

  /**
   * Takes over a call's flow-control callbacks; must be called inside the service method.
   *
   * @param call the call to write to
   */
  public EntrySender(ServerCallStreamObserver<FileChunk> call) {
    this.call = call;
    // Ready while less than a few chunks wait in gRPC's outbound buffer: reading the next chunk
    // overlaps with writing the last ones, instead of each chunk waiting for the one before it
    // to reach the socket (gRPC's default threshold is 32 KiB, below one chunk).
    call.setOnReadyThreshold(READY_THRESHOLD_BYTES);
    call.setOnReadyHandler(this::wake);
    call.setOnCancelHandler(this::wake);
  }

  /** Whether the caller has gone (cancelled, or its deadline passed). */
  public boolean cancelled() {
    return call.isCancelled();
  }

  /**
   * Sends a file or directory; the caller completes the call.
   *
   * @param root the cached file or directory
   * @return the data bytes sent
   * @throws IOException if reading fails or the tree changes while it is sent
   * @throws StatusRuntimeException if the caller went away or stopped reading
   */
  public long send(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return sendFile(root, "");
    }
    header("", true, 0, false);
    List<Path> entries;
    try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
      entries = walk.filter(p -> !p.equals(root)).sorted().toList();
    }
    long total = 0;
    for (Path p : entries) {
      String rel = root.relativize(p).toString();
      if (Files.isDirectory(p)) {
        header(rel, true, 0, false);
      } else if (Files.isRegularFile(p)) {
        total += sendFile(p, rel);
      }
    }
    return total;
  }

  /**
   * Sends bytes held in memory as one file; the caller completes the call.
   *
   * @param data the bytes
   * @return the data bytes sent
   */
  public long sendBytes(byte[] data) {
    header("", false, data.length, false);
    for (int off = 0; off < data.length; off += Protocol.CHUNK_BYTES) {
      int n = Math.min(Protocol.CHUNK_BYTES, data.length - off);
      next(FileChunk.newBuilder().setData(ByteString.copyFrom(data, off, n)).build());
    }
    return data.length;
  }

  private long sendFile(Path file, String rel) throws IOException {
    long size = Files.size(file);
    header(rel, false, size, Files.isExecutable(file));
    long sent = 0;
    try (InputStream in = Files.newInputStream(file)) {
      while (sent < size) {
        // A fresh array per chunk, handed to the message without a copy: nothing writes it again.
        byte[] buffer = new byte[(int) Math.min(Protocol.CHUNK_BYTES, size - sent)];
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n < buffer.length) {
          throw new IOException(file.getFileName() + " shrank while being sent: " + (sent + n) + " of " + size + " bytes");
        }
        next(FileChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(buffer)).build());
        sent += n;
      }
    }
    return sent;
  }

  private void header(String path, boolean directory, long size, boolean executable) {
    next(FileChunk.newBuilder().setHeader(EntryHeader.newBuilder()
        .setPath(path).setDirectory(directory).setSize(size).setExecutable(executable)).build());
  }

  private void next(FileChunk chunk) {
    awaitReady();
    call.onNext(chunk);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + STALL_TIME.toNanos();
    synchronized (ready) {
      while (!call.isReady() && !call.isCancelled()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw Status.DEADLINE_EXCEEDED
              .withDescription("the receiver took nothing for " + STALL_TIME.toSeconds() + " s").asRuntimeException();
        }
        try {
          ready.wait(Math.min(1000, Math.max(1, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw Status.CANCELLED.withDescription("the transfer server is stopping").asRuntimeException();
        }
      }
    }
    if (call.isCancelled()) {
      throw Status.CANCELLED.withDescription("the receiver went away").asRuntimeException();
    }
  }

  private void wake() {
    synchronized (ready) {
      ready.notifyAll();
    }
  }
}

package io.tendril.protocol.transfer;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.EntryHeader;
import io.tendril.protocol.wire.FileChunk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Sends a file or directory as a {@code TransferService.Fetch} stream: a header per entry, then
 * its data in chunks of {@link Protocol#CHUNK_BYTES}. Memory stays bounded whatever the file size:
 * chunks are read one at a time and, when the caller is a server stream, sending waits while the
 * receiver's window is full. Used by every transfer server (the manager's and each worker's); the
 * counterpart is {@link EntryReceiver}.
 */
public final class EntryStreamer {
  private EntryStreamer() {}

  /**
   * Streams a path.
   *
   * @param root the file or directory
   * @param out the response stream; completed by the caller
   * @return the number of data bytes sent
   * @throws IOException if reading fails
   */
  public static long send(Path root, StreamObserver<FileChunk> out) throws IOException {
    long total = 0;
    if (Files.isDirectory(root)) {
      out.onNext(header("", true, 0, false));
      List<Path> entries = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> !p.equals(root)).forEach(entries::add);
      }
      entries.sort(null);
      for (Path p : entries) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (Files.isDirectory(p)) {
          out.onNext(header(rel, true, 0, false));
        } else {
          total += sendFile(p, rel, out);
        }
      }
    } else {
      total += sendFile(root, "", out);
    }
    return total;
  }

  private static long sendFile(Path file, String rel, StreamObserver<FileChunk> out) throws IOException {
    long size = Files.size(file);
    out.onNext(header(rel, false, size, Files.isExecutable(file)));
    long sent = 0;
    byte[] buffer = new byte[Protocol.CHUNK_BYTES];
    try (InputStream in = Files.newInputStream(file)) {
      while (sent < size) {
        int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - sent));
        if (n <= 0) {
          throw new IOException(file + " shrank while being sent: " + sent + " of " + size + " bytes");
        }
        awaitReady(out);
        out.onNext(FileChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n)).build());
        sent += n;
      }
    }
    return sent;
  }

  /** Streams bytes held in memory as one file entry. */
  public static long sendBytes(byte[] data, StreamObserver<FileChunk> out) {
    out.onNext(header("", false, data.length, false));
    for (int off = 0; off < data.length; off += Protocol.CHUNK_BYTES) {
      int n = Math.min(Protocol.CHUNK_BYTES, data.length - off);
      awaitReady(out);
      out.onNext(FileChunk.newBuilder().setData(ByteString.copyFrom(data, off, n)).build());
    }
    return data.length;
  }

  private static FileChunk header(String path, boolean dir, long size, boolean exec) {
    return FileChunk.newBuilder()
        .setHeader(EntryHeader.newBuilder().setPath(path).setDirectory(dir).setSize(size).setExecutable(exec))
        .build();
  }

  /**
   * Waits while a server stream's outbound buffer is full, so a large file is not buffered whole.
   * Readiness is polled every 20 microseconds: the on-ready callback cannot be used here, since
   * gRPC delivers it on the very call executor this blocking send occupies.
   */
  private static void awaitReady(StreamObserver<FileChunk> out) {
    if (out instanceof ServerCallStreamObserver<FileChunk> s) {
      long deadline = System.nanoTime() + 600_000_000_000L;
      while (!s.isReady() && !s.isCancelled()) {
        if (Thread.currentThread().isInterrupted() || System.nanoTime() > deadline) {
          return; // let gRPC's own deadlines end the call
        }
        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
      }
    }
  }
}

package io.tendril.protocol.transfer;

import io.tendril.protocol.wire.EntryHeader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes one cached file or directory to a data-port connection in the format of {@link
 * DataStream}: the root's header, then for a file its raw bytes, for a directory each entry below
 * it (sorted, paths relative to the root, links followed) with its header and, for a file, its raw
 * bytes; the same entries in the same order as {@link EntrySender}. The caller writes the end
 * frame. In plaintext the bytes go from the file to the socket with {@link FileChannel#transferTo}
 * (sendfile: no copy through the JVM); over TLS they are read in large blocks and written to the
 * TLS socket. Memory per transfer is one block at most.
 *
 * <p>Each block written is reported to a progress callback, so that the server can drop a receiver
 * that takes nothing for too long (by closing the connection, which ends the blocked write).
 */
public final class DataSender {
  /** Bytes handed to the socket at once: the unit of progress. */
  static final int BLOCK_BYTES = 1 << 20;

  /** Bytes read from a file at once for a TLS connection (which cuts them into 16 KiB records). */
  static final int TLS_BLOCK_BYTES = 256 * 1024;

  /** Where the bytes go. */
  public interface Sink {
    /** Writes a frame whole. */
    void write(byte[] frame) throws IOException;

    /** Writes exactly {@code size} bytes of a file, from its start. */
    void writeFile(FileChannel file, long size, Path name) throws IOException;

    /** Pushes out what is buffered. */
    void flush() throws IOException;
  }

  private DataSender() {}

  /**
   * A plaintext connection: frames written to the channel, files with {@link
   * FileChannel#transferTo}.
   *
   * @param channel a connected, blocking socket channel
   * @param progress called after each block written
   * @return the sink
   */
  public static Sink plain(SocketChannel channel, Runnable progress) {
    return new Sink() {
      @Override
      public void write(byte[] frame) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(frame);
        while (b.hasRemaining()) {
          channel.write(b);
        }
        progress.run();
      }

      @Override
      public void writeFile(FileChannel file, long size, Path name) throws IOException {
        long pos = 0;
        while (pos < size) {
          long n = file.transferTo(pos, Math.min(BLOCK_BYTES, size - pos), channel);
          if (n <= 0) {
            throw shrank(name, pos, size);
          }
          pos += n;
          progress.run();
        }
      }

      @Override
      public void flush() {}
    };
  }

  /**
   * A stream connection (TLS): files read in blocks and written to the stream.
   *
   * @param out the connection's output
   * @param progress called after each block written
   * @return the sink
   */
  public static Sink stream(OutputStream out, Runnable progress) {
    return new Sink() {
      private byte[] block;

      @Override
      public void write(byte[] frame) throws IOException {
        out.write(frame);
        progress.run();
      }

      @Override
      public void writeFile(FileChannel file, long size, Path name) throws IOException {
        if (block == null && size > 0) {
          block = new byte[TLS_BLOCK_BYTES];
        }
        long pos = 0;
        while (pos < size) {
          ByteBuffer b = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, size - pos));
          while (b.hasRemaining()) {
            if (file.read(b) < 0) {
              throw shrank(name, pos + b.position(), size);
            }
          }
          out.write(block, 0, b.position());
          pos += b.position();
          progress.run();
        }
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }
    };
  }

  /**
   * Sends a file or directory; the caller writes the end frame.
   *
   * @param root the cached file or directory
   * @param sink the connection
   * @return the data bytes sent
   * @throws IOException if reading or writing fails, or the tree changes while it is sent
   */
  public static long send(Path root, Sink sink) throws IOException {
    if (!Files.isDirectory(root)) {
      return sendFile(root, "", sink);
    }
    sink.write(DataStream.header(EntryHeader.newBuilder().setPath("").setDirectory(true).build()));
    List<Path> entries;
    try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
      entries = walk.filter(p -> !p.equals(root)).sorted().toList();
    }
    long total = 0;
    for (Path p : entries) {
      String rel = root.relativize(p).toString();
      if (Files.isDirectory(p)) {
        sink.write(DataStream.header(EntryHeader.newBuilder().setPath(rel).setDirectory(true).build()));
      } else if (Files.isRegularFile(p)) {
        total += sendFile(p, rel, sink);
      }
    }
    return total;
  }

  private static long sendFile(Path file, String rel, Sink sink) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      sink.write(DataStream.header(EntryHeader.newBuilder().setPath(rel).setSize(size)
          .setExecutable(Files.isExecutable(file)).build()));
      sink.writeFile(ch, size, file);
      return size;
    }
  }

  private static IOException shrank(Path file, long at, long size) {
    return new IOException(file.getFileName() + " shrank while being sent: " + at + " of " + size + " bytes");
  }
}

package io.tendril.protocol.transfer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tendril.protocol.wire.EntryHeader;
import io.tendril.protocol.wire.TransferEnd;
import io.tendril.protocol.wire.TransferFrame;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a data-port stream ({@link DataStream}) to disk: into a temporary path next to the target,
 * with the same checks as {@link EntryReceiver} (the first entry is the root, no entry path leaves
 * it, no negative size; shared in {@link EntryTree}), every file exactly as long as its header
 * says, then moves it into place atomically once the end frame says OK. A stream that ends early,
 * holds a malformed or oversized frame, or ends with another status is refused with an {@link
 * IOException}, and nothing is left behind.
 *
 * <p>The bytes go through one buffer, from the socket into the file: a direct buffer for a
 * plaintext socket channel, so they are never copied into the Java heap. Every read that brings
 * bytes is reported to a progress callback (for the fetcher's stall watch).
 */
public final class DataReceiver {
  /** The size of the receive buffer. */
  public static final int BUFFER_BYTES = 1 << 20;

  private final ReadableByteChannel in;
  private final ByteBuffer buf;
  private final Runnable progress;

  private DataReceiver(ReadableByteChannel in, ByteBuffer buf, Runnable progress) {
    this.in = in;
    this.buf = buf;
    this.progress = progress;
    buf.clear().flip(); // empty, ready to be read from
  }

  /**
   * Receives a stream into {@code target}, replacing what was there.
   *
   * @param in the connection, after the request was sent
   * @param buffer the buffer to receive through: direct for a socket channel, heap (with an array)
   *     for {@link #channel(InputStream)}
   * @param target where the file or directory ends up
   * @param progress called whenever bytes arrive
   * @return the number of data bytes received
   * @throws IOException on a refusal, a malformed or truncated stream, or a write failure
   */
  public static long receive(ReadableByteChannel in, ByteBuffer buffer, Path target, Runnable progress)
      throws IOException {
    return new DataReceiver(in, buffer, progress).run(target);
  }

  /**
   * A channel over a stream (a TLS socket's input) that reads straight into heap buffers' arrays.
   *
   * @param in the stream
   * @return the channel; closing it closes the stream
   */
  public static ReadableByteChannel channel(InputStream in) {
    return new ReadableByteChannel() {
      private boolean open = true;

      @Override
      public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasArray()) {
          throw new IllegalArgumentException("a stream channel reads into heap buffers only");
        }
        int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
        if (n > 0) {
          dst.position(dst.position() + n);
        }
        return n;
      }

      @Override
      public boolean isOpen() {
        return open;
      }

      @Override
      public void close() throws IOException {
        open = false;
        in.close();
      }
    };
  }

  private long run(Path target) throws IOException {
    EntryTree tree = new EntryTree(target);
    long total = 0;
    try {
      while (true) {
        TransferFrame f = frame();
        if (f.hasEnd()) {
          TransferEnd end = f.getEnd();
          if (!DataStream.OK.equals(end.getStatus())) {
            throw new IOException(end.getStatus() + (end.getMessage().isEmpty() ? "" : ": " + end.getMessage()));
          }
          break;
        }
        if (!f.hasHeader()) {
          throw new IOException("a frame that is neither an entry header nor an end");
        }
        EntryHeader h = f.getHeader();
        Path p = tree.place(h);
        if (p != null) {
          total += writeFile(p, h);
        }
      }
      tree.commit();
      return total;
    } catch (IOException | RuntimeException e) {
      tree.abandon();
      throw e;
    }
  }

  private long writeFile(Path p, EntryHeader h) throws IOException {
    long remaining = h.getSize();
    try (FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      EntryTree.executable(p, h);
      while (remaining > 0) {
        if (!buf.hasRemaining()) {
          fill(remaining);
        }
        int n = (int) Math.min(remaining, buf.remaining());
        int limit = buf.limit();
        buf.limit(buf.position() + n);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        buf.limit(limit);
        remaining -= n;
      }
    }
    return h.getSize();
  }

  /** Reads more into the (empty or compacted) buffer; at least one byte, or fails. */
  private void fill(long entryRemaining) throws IOException {
    buf.compact();
    try {
      int n;
      do {
        n = in.read(buf);
      } while (n == 0);
      if (n < 0) {
        throw new EOFException(entryRemaining > 0 ? "the stream ended " + entryRemaining + " bytes before the end of an"
            + " entry" : "the stream ended before its end frame");
      }
    } finally {
      buf.flip();
    }
    progress.run();
  }

  private int next() throws IOException {
    if (!buf.hasRemaining()) {
      fill(0);
    }
    return buf.get() & 0xff;
  }

  private TransferFrame frame() throws IOException {
    int length = 0;
    for (int shift = 0; ; shift += 7) {
      if (shift >= 35) {
        throw new IOException("a malformed frame length");
      }
      int b = next();
      length |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (length < 0 || length > DataStream.MAX_FRAME_BYTES) {
      throw new IOException("a frame of " + Integer.toUnsignedString(length) + " bytes, more than "
          + DataStream.MAX_FRAME_BYTES);
    }
    while (buf.remaining() < length) {
      fill(0);
    }
    int limit = buf.limit();
    buf.limit(buf.position() + length);
    try {
      return TransferFrame.parseFrom(buf);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("a malformed frame: " + e.getMessage(), e);
    } finally {
      buf.position(buf.limit());
      buf.limit(limit);
    }
  }
}

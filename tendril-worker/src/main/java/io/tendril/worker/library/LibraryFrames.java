package io.tendril.worker.library;

import com.google.protobuf.MessageLite;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The framing of the conversation between a worker and its library processes: every message
 * (LibraryReady and LibraryReply on the library's standard output, LibraryRequest on its standard
 * input) is preceded by its length as 4 big-endian bytes. Shared by the worker's side ({@code
 * io.tendril.worker.internal.Library}) and the library's ({@link LibraryMain}). Stateless; callers
 * serialise their own writes.
 */
public final class LibraryFrames {
  /**
   * The largest frame either side accepts: a request holds at most one RunTask's call (itself
   * bounded by {@link io.tendril.protocol.Protocol#MAX_MESSAGE_BYTES}), a reply at most one
   * encoded failure.
   */
  public static final int MAX_FRAME_BYTES = 4 * io.tendril.protocol.Protocol.MAX_MESSAGE_BYTES;

  private LibraryFrames() {}

  /**
   * Writes one message with its length; does not flush.
   *
   * @param out the stream
   * @param message the message
   * @throws IOException if the stream fails, or the message is larger than {@link #MAX_FRAME_BYTES}
   */
  public static void write(OutputStream out, MessageLite message) throws IOException {
    byte[] bytes = message.toByteArray();
    if (bytes.length > MAX_FRAME_BYTES) {
      throw new IOException("a library message of " + bytes.length + " bytes is larger than the limit of "
          + MAX_FRAME_BYTES + " bytes");
    }
    int n = bytes.length;
    out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    out.write(bytes);
  }

  /**
   * Reads the bytes of one message.
   *
   * @param in the stream
   * @return the message's bytes, or null if the stream ended cleanly before a new frame
   * @throws EOFException if the stream ends inside a frame
   * @throws IOException if the stream fails or announces a length out of range
   */
  public static byte[] read(InputStream in) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return null;
    }
    byte[] rest = in.readNBytes(3);
    if (rest.length < 3) {
      throw new EOFException("the stream ended inside a frame's length");
    }
    int n = (b0 << 24) | ((rest[0] & 0xff) << 16) | ((rest[1] & 0xff) << 8) | (rest[2] & 0xff);
    if (n < 0 || n > MAX_FRAME_BYTES) {
      throw new IOException("a frame announces " + Integer.toUnsignedString(n) + " bytes, more than the limit of "
          + MAX_FRAME_BYTES + "; the stream is corrupted (did something else write to it?)");
    }
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new EOFException("the stream ended inside a frame of " + n + " bytes, after " + bytes.length);
    }
    return bytes;
  }
}

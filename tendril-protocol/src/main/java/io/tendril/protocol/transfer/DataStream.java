package io.tendril.protocol.transfer;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tendril.protocol.wire.EntryHeader;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.TransferEnd;
import io.tendril.protocol.wire.TransferFrame;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The framing of the transfer data port (docs/protocol.md, "Transfer data port"): the client's
 * preamble ({@link #MAGIC}) and its length-delimited FetchRequest, then the server's
 * length-delimited {@link TransferFrame}s with the raw bytes of each regular file right after its
 * header. Only small messages are framed; file bytes never are, so they can go from the file to
 * the socket and from the socket to the file without being parsed or copied into messages.
 * Stateless; used by {@link DataSender}, {@link DataReceiver} and the data servers.
 */
public final class DataStream {
  /** What a client sends first: "TDRLDAT1", version 1 of the data port's framing. */
  public static final byte[] MAGIC = "TDRLDAT1".getBytes(StandardCharsets.US_ASCII);

  /** The largest request or frame accepted, in bytes: entry paths and messages are far smaller. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  /** The first byte of a TLS handshake record: what a TLS client sends first. */
  public static final int TLS_HANDSHAKE = 0x16;

  /** The status of a complete transfer. */
  public static final String OK = "OK";

  private DataStream() {}

  /** A message preceded by its length as a varint. */
  public static byte[] delimited(com.google.protobuf.MessageLite m) {
    int size = m.getSerializedSize();
    byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    try {
      c.writeUInt32NoTag(size);
      m.writeTo(c);
      c.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException(e); // writing to an array of the right size
    }
    return out;
  }

  /** What a client sends: the preamble, then the request. */
  public static byte[] request(FetchRequest r) {
    byte[] m = delimited(r);
    byte[] out = new byte[MAGIC.length + m.length];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    System.arraycopy(m, 0, out, MAGIC.length, m.length);
    return out;
  }

  /** An entry header frame. */
  public static byte[] header(EntryHeader h) {
    return delimited(TransferFrame.newBuilder().setHeader(h).build());
  }

  /** An end frame. */
  public static byte[] end(String status, String message) {
    return delimited(TransferFrame.newBuilder().setEnd(TransferEnd.newBuilder().setStatus(status).setMessage(message))
        .build());
  }

  /**
   * Reads the length of a delimited message from a stream, refusing one over {@link
   * #MAX_FRAME_BYTES}.
   *
   * @param in the stream
   * @param first the first byte, already read, or -1 to read it
   * @return the length
   * @throws EOFException if the stream ends
   * @throws IOException if the varint is malformed or too large
   */
  static int readLength(InputStream in, int first) throws IOException {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = shift == 0 && first >= 0 ? first : in.read();
      if (b < 0) {
        throw new EOFException("the stream ended inside a frame's length");
      }
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (result < 0 || result > MAX_FRAME_BYTES) {
          throw new IOException("a frame of " + Integer.toUnsignedString(result) + " bytes, more than "
              + MAX_FRAME_BYTES);
        }
        return result;
      }
    }
    throw new IOException("a malformed frame length");
  }

  /**
   * Reads a client's preamble and request, as a server does.
   *
   * @param in the connection's input
   * @param first the first byte, already read by the server to tell TLS from plaintext
   * @return the request
   * @throws IOException if the preamble is not {@link #MAGIC}, the request is malformed or the
   *     stream ends
   */
  public static FetchRequest readRequest(InputStream in, int first) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    magic[0] = (byte) first;
    int n = in.readNBytes(magic, 1, MAGIC.length - 1);
    if (n != MAGIC.length - 1 || !java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Tendril data-port client (no TDRLDAT1 preamble)");
    }
    int length = readLength(in, -1);
    byte[] body = in.readNBytes(length);
    if (body.length != length) {
      throw new EOFException("the stream ended inside the request");
    }
    try {
      return FetchRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("a malformed request: " + e.getMessage(), e);
    }
  }
}

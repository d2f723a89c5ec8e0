package io.tendril.protocol.codec;

import io.tendril.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The binary form of a {@link FunctionDescriptor}, version 1:
 *
 * <pre>
 * 'T' 'D'  magic            2 bytes
 * 1        version          1 byte
 * kind     FunctionKind code 1 byte
 * arity    signed byte, -1 for varargs
 * class    modified UTF-8 with a 2-byte length (DataOutput.writeUTF)
 * method   same
 * type     same
 * captured 4-byte length, then the value codec's encoding of the captured Object[]
 * </pre>
 *
 * <p>Nothing may follow. Used by {@link FunctionDescriptors#encode} and {@link
 * FunctionDescriptors#decode}; the decoder bounds every length before it allocates.
 */
final class DescriptorFormat {
  private static final byte[] MAGIC = {'T', 'D'};
  private static final int VERSION = 1;

  /** The largest encoding of captured values accepted: one control message. */
  static final int MAX_CAPTURED_BYTES = Protocol.MAX_MESSAGE_BYTES;

  /** The largest descriptor accepted: the captured values plus three names. */
  private static final int MAX_BYTES =
      MAX_CAPTURED_BYTES + 3 * (2 + 3 * FunctionDescriptor.MAX_NAME_CHARS) + 16;

  private DescriptorFormat() {}

  static byte[] encode(FunctionDescriptor d) {
    byte[] captured = d.capturedArgsNoCopy();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + captured.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(VERSION);
      out.writeByte(d.kind().code());
      out.writeByte(d.arity());
      out.writeUTF(d.className());
      out.writeUTF(d.methodName());
      out.writeUTF(d.methodType());
      out.writeInt(captured.length);
      out.write(captured);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  static FunctionDescriptor decode(byte[] data) {
    BoundedInput in = new BoundedInput("a function descriptor", data, MAX_BYTES);
    in.expectHeader(MAGIC, VERSION);
    int code = in.readUnsignedByte();
    FunctionKind kind = FunctionKind.ofCode(code);
    if (kind == null) {
      throw in.corrupt("unknown function kind " + code);
    }
    int arity = in.readByte();
    String className = in.readString("class name", FunctionDescriptor.MAX_NAME_CHARS);
    String methodName = in.readString("method name", FunctionDescriptor.MAX_NAME_CHARS);
    String methodType = in.readString("method type", FunctionDescriptor.MAX_NAME_CHARS);
    byte[] captured = in.readBytes("captured values", MAX_CAPTURED_BYTES);
    in.expectEnd();
    try {
      return new FunctionDescriptor(kind, className, methodName, methodType, arity, captured);
    } catch (IllegalArgumentException e) {
      throw in.corrupt(e.getMessage());
    }
  }
}

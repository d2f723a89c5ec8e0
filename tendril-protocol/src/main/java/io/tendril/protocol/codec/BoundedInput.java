package io.tendril.protocol.codec;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Reads the binary forms this package writes itself (function descriptors, remote failures) from
 * untrusted bytes: every length and count is checked against a limit and against the bytes that
 * are left before anything is allocated, and every failure, whatever its cause, becomes a {@link
 * CodecException} naming what was being read. The writers are plain {@link
 * java.io.DataOutputStream}s; see docs/codec.md for the layouts.
 */
final class BoundedInput {
  private final String what;
  private final ByteArrayInputStream bytes;
  private final DataInputStream in;

  /**
   * Starts reading.
   *
   * @param what what the bytes should hold, for messages, e.g. "a function descriptor"
   * @param data the bytes
   * @param maxBytes the most bytes such a thing may take
   */
  BoundedInput(String what, byte[] data, int maxBytes) {
    this.what = what;
    if (data == null) {
      throw new CodecException("cannot decode " + what + " from null");
    }
    if (data.length > maxBytes) {
      throw new CodecException(
          "cannot decode " + what + " of " + data.length + " bytes: at most " + maxBytes
              + " are accepted");
    }
    this.bytes = new ByteArrayInputStream(data);
    this.in = new DataInputStream(bytes);
  }

  /** Checks a magic number and a version, each a fixed byte sequence. */
  void expectHeader(byte[] magic, int version) {
    for (byte b : magic) {
      if (readByte() != b) {
        throw corrupt("not " + what + " (wrong magic number)");
      }
    }
    int v = readUnsignedByte();
    if (v != version) {
      throw corrupt(what + " of format version " + v + ", but this side reads version " + version);
    }
  }

  byte readByte() {
    try {
      return in.readByte();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  int readUnsignedByte() {
    return readByte() & 0xff;
  }

  boolean readBoolean() {
    int b = readUnsignedByte();
    if (b > 1) {
      throw corrupt("a boolean byte is " + b);
    }
    return b == 1;
  }

  int readInt() {
    try {
      return in.readInt();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  /**
   * Reads a string written by {@link java.io.DataOutput#writeUTF}.
   *
   * @param field what the string is, for messages
   * @param maxChars the longest string accepted
   */
  String readString(String field, int maxChars) {
    String s;
    try {
      s = in.readUTF();
    } catch (IOException | RuntimeException e) {
      throw new CodecException(
          "cannot decode " + what + ": its " + field + " is truncated or not valid text", e);
    }
    if (s.length() > maxChars) {
      throw corrupt("its " + field + " has " + s.length() + " characters, more than " + maxChars);
    }
    return s;
  }

  /** Reads a string preceded by a presence flag, or null when absent. */
  String readOptionalString(String field, int maxChars) {
    return readBoolean() ? readString(field, maxChars) : null;
  }

  /**
   * Reads a count of items, checking it against a limit and against the bytes left.
   *
   * @param field what is counted, for messages
   * @param max the largest count accepted
   * @param minBytesEach the fewest bytes one item takes
   */
  int readCount(String field, int max, int minBytesEach) {
    int n = readInt();
    if (n < 0 || n > max) {
      throw corrupt(
          "it claims " + Integer.toUnsignedString(n) + " " + field + " (at most " + max + ")");
    }
    if ((long) n * minBytesEach > bytes.available()) {
      throw corrupt(
          "it claims " + n + " " + field + " but only " + bytes.available() + " bytes are left");
    }
    return n;
  }

  /** Reads a length-prefixed byte array of at most {@code max} bytes. */
  byte[] readBytes(String field, int max) {
    int n = readCount(field + " bytes", max, 1);
    byte[] b = new byte[n];
    try {
      in.readFully(b);
    } catch (IOException e) {
      throw truncated(e);
    }
    return b;
  }

  /** Checks that every byte was read. */
  void expectEnd() {
    if (bytes.available() > 0) {
      throw corrupt(bytes.available() + " bytes are left over after it");
    }
  }

  CodecException corrupt(String why) {
    return new CodecException("cannot decode " + what + ": " + why);
  }

  private CodecException truncated(IOException e) {
    return new CodecException("cannot decode " + what + ": the bytes end too early", e);
  }
}

package io.tendril.protocol.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The few pieces of ASN.1 DER that a self-signed X.509 certificate and PEM private keys need:
 * encoding (for {@link SelfSigned}) and reading one element at a time (for {@link Pem}). Not a
 * general ASN.1 library: only definite lengths, only the types used here. Stateless.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int UTF8_STRING = 0x0c;
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;

  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private Der() {}

  /** One element: its tag and its content. */
  record Element(int tag, byte[] content) {}

  static byte[] sequence(byte[]... items) {
    return tlv(SEQUENCE, concat(items));
  }

  static byte[] set(byte[]... items) {
    return tlv(SET, concat(items));
  }

  static byte[] integer(BigInteger v) {
    return tlv(INTEGER, v.toByteArray());
  }

  static byte[] integer(long v) {
    return integer(BigInteger.valueOf(v));
  }

  static byte[] nullValue() {
    return new byte[] {NULL, 0};
  }

  static byte[] bool(boolean v) {
    return new byte[] {0x01, 1, (byte) (v ? 0xff : 0)};
  }

  static byte[] utf8(String s) {
    return tlv(UTF8_STRING, s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] octetString(byte[] b) {
    return tlv(OCTET_STRING, b);
  }

  /** A BIT STRING of whole bytes. */
  static byte[] bitString(byte[] b) {
    byte[] content = new byte[b.length + 1];
    System.arraycopy(b, 0, content, 1, b.length);
    return tlv(BIT_STRING, content);
  }

  /** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 asks. */
  static byte[] time(Instant t) {
    int year = t.atZone(ZoneOffset.UTC).getYear();
    if (year >= 1950 && year < 2050) {
      return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
    }
    return tlv(0x18, GENERALIZED_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  /** An explicitly tagged, constructed element {@code [n]}. */
  static byte[] explicit(int n, byte[] content) {
    return tlv(0xa0 | n, content);
  }

  /** An implicitly tagged, primitive element {@code [n]}. */
  static byte[] implicit(int n, byte[] content) {
    return tlv(0x80 | n, content);
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return tlv(OID, out.toByteArray());
  }

  private static void base128(ByteArrayOutputStream out, long v) {
    int groups = 1;
    for (long x = v >>> 7; x != 0; x >>>= 7) {
      groups++;
    }
    for (int g = groups - 1; g >= 0; g--) {
      int b = (int) ((v >>> (7 * g)) & 0x7f);
      out.write(g == 0 ? b : b | 0x80);
    }
  }

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * The elements that follow one another in {@code der}, e.g. the content of a SEQUENCE.
   *
   * @throws IllegalArgumentException if the bytes are not well-formed DER of definite lengths
   */
  static List<Element> read(byte[] der) {
    List<Element> out = new ArrayList<>();
    int i = 0;
    while (i < der.length) {
      if (der.length - i < 2) {
        throw new IllegalArgumentException("truncated DER");
      }
      int tag = der[i++] & 0xff;
      int len = der[i++] & 0xff;
      if (len >= 0x80) {
        int bytes = len & 0x7f;
        if (bytes == 0 || bytes > 3 || der.length - i < bytes) {
          throw new IllegalArgumentException("unsupported DER length");
        }
        len = 0;
        for (int k = 0; k < bytes; k++) {
          len = (len << 8) | (der[i++] & 0xff);
        }
      }
      if (der.length - i < len) {
        throw new IllegalArgumentException("truncated DER");
      }
      byte[] content = new byte[len];
      System.arraycopy(der, i, content, 0, len);
      out.add(new Element(tag, content));
      i += len;
    }
    return out;
  }
}

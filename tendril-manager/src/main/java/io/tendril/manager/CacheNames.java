package io.tendril.manager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives cache names: from content for buffers, from origin for local files (absolute path, size,
 * modification time), URLs and mini-tasks, fresh for temps. Names are safe file names
 * ({@code io.tendril.protocol.Protocol#isValidCacheName}).
 */
final class CacheNames {
  private CacheNames() {}

  static String of(String prefix, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
        md.update((byte) 0);
      }
      return prefix + "-" + HexFormat.of().formatHex(md.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String of(String prefix, String... parts) {
    byte[][] bytes = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      bytes[i] = parts[i].getBytes(StandardCharsets.UTF_8);
    }
    return of(prefix, bytes);
  }

  static String temp() {
    // A random half drawn once per process and a counter: unique as a random UUID each would be,
    // without a secure random draw per name (a graph run names one temp per call).
    return "temp-" + TEMP_PREFIX + HexFormat.of().toHexDigits(TEMP_COUNTER.incrementAndGet());
  }

  private static final String TEMP_PREFIX = HexFormat.of().toHexDigits(new java.security.SecureRandom().nextLong());
  private static final java.util.concurrent.atomic.AtomicLong TEMP_COUNTER = new java.util.concurrent.atomic.AtomicLong();
}

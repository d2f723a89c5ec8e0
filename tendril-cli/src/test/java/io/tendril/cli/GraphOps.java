package io.tendril.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Functions of the graphs that {@link ClusterGetTest} runs on worker processes. */
public final class GraphOps {
  private GraphOps() {}

  /** A chunk of {@code mb} megabytes whose bytes are {@code (i + seed) mod 251}. */
  public static byte[] chunk(long seed, long mb) {
    byte[] b = new byte[(int) (mb << 20)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) ((i + seed) % 251);
    }
    return b;
  }

  /** The sum of the bytes of a chunk (unsigned). */
  public static long checksum(byte[] chunk) {
    long s = 0;
    for (byte x : chunk) {
      s += x & 0xff;
    }
    return s;
  }

  /** The element-wise sum of two chunks mod 256: a large intermediate from two large inputs. */
  public static byte[] combine(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] + b[i]);
    }
    return out;
  }

  /**
   * The trimmed text of a file in the current directory (the library's working directory, where
   * GetOptions.extraFiles places files) followed by the variable TENDRIL_TEST_MARK.
   */
  public static String setting(String fileName) throws IOException {
    return Files.readString(Path.of(fileName)).trim() + System.getenv("TENDRIL_TEST_MARK");
  }

  /** {@code kb} kilobytes whose bytes follow {@code prev}'s first byte plus one: a link of a chain of files. */
  public static byte[] link(byte[] prev, long kb) {
    byte[] b = new byte[(int) (kb << 10)];
    java.util.Arrays.fill(b, (byte) (prev.length == 0 ? 1 : prev[0] + 1));
    return b;
  }

  /** Throws an IllegalStateException with the message: a call that fails. */
  public static long fail(String message) {
    throw new IllegalStateException(message);
  }

  /** x + 1, after sleeping: a task that is still running when a worker is killed. */
  public static long slowInc(long x) throws InterruptedException {
    Thread.sleep(50);
    return x + 1;
  }

  /** The sum of a list of numbers. */
  public static long sum(java.util.List<Long> xs) {
    long s = 0;
    for (long x : xs) {
      s += x;
    }
    return s;
  }

  /** Appends a line to a file, then throws: its file tells how often it ran. */
  public static long failAndCount(String file) throws IOException {
    Files.writeString(Path.of(file), "ran\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    throw new IllegalStateException("bad luck in " + Path.of(file).getFileName());
  }

  /** A seed's first value, after a short sleep: a leaf of the chaos graph. */
  public static long start(long seed) throws InterruptedException {
    Thread.sleep(3);
    return seed * 2_654_435_761L % 1_000_003;
  }

  /** Two values mixed into one, after a short sleep: a task that is often running when a worker is killed. */
  public static long mix(long a, long b) throws InterruptedException {
    Thread.sleep(3);
    return (a * 31 + b * 17 + 7) % 1_000_003;
  }

  /** 200 KB (too large to travel inline) for every third {@code i}, else 8 bytes; each byte is {@code i}. */
  public static byte[] sized(long i) {
    byte[] b = new byte[i % 3 == 0 ? 200 * 1024 : 8];
    java.util.Arrays.fill(b, (byte) i);
    return b;
  }

  /** The sum of every byte of every array. */
  public static long byteSum(java.util.List<byte[]> parts) {
    long s = 0;
    for (byte[] p : parts) {
      for (byte x : p) {
        s += x;
      }
    }
    return s;
  }
}

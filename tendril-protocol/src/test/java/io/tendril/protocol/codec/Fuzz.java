package io.tendril.protocol.codec;

import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Feeds a decoder random bytes and damaged copies of valid encodings, from a fixed seed, and fails
 * on anything but a result or the decoder's own refusal ({@link CodecException} for the decoders of
 * this package). Shared by the fuzz tests of every decoder of the protocol module.
 */
public final class Fuzz {
  private Fuzz() {}

  /**
   * What one run saw, for the tests to check that both outcomes happened.
   *
   * @param decoded inputs the decoder accepted
   * @param refused inputs it refused
   */
  public record Outcome(int decoded, int refused) {}

  /**
   * Runs a decoder on {@code randoms} random arrays and {@code mutations} damaged valid encodings.
   *
   * @param seed the seed of the run
   * @param valid valid encodings to damage
   * @param randoms how many random arrays
   * @param mutations how many damaged copies
   * @param decoder the decoder under test
   * @return how many inputs decoded and how many were refused
   */
  static Outcome run(long seed, List<byte[]> valid, int randoms, int mutations, Function<byte[], ?> decoder) {
    return run(seed, valid, randoms, mutations, decoder::apply, CodecException.class);
  }

  /**
   * Runs a decoder whose refusal is an exception of a given class on {@code randoms} random arrays
   * and {@code mutations} damaged valid encodings.
   *
   * @param seed the seed of the run
   * @param valid valid encodings to damage
   * @param randoms how many random arrays
   * @param mutations how many damaged copies
   * @param decoder the decoder under test
   * @param refusal the only exception the decoder may throw
   * @return how many inputs decoded and how many were refused
   */
  public static Outcome run(long seed, List<byte[]> valid, int randoms, int mutations,
      ThrowingFunction decoder, Class<? extends Throwable> refusal) {
    Random random = new Random(seed);
    int decoded = 0;
    int refused = 0;
    for (int i = 0; i < randoms + mutations; i++) {
      byte[] input = i < randoms ? randomBytes(random, valid) : mutate(random, valid.get(random.nextInt(valid.size())));
      try {
        decoder.apply(input);
        decoded++;
      } catch (Throwable t) {
        if (!refusal.isInstance(t)) {
          fail("input " + i + " of seed " + seed + " (" + HexFormat.of().formatHex(input)
              + ") failed with " + t + " instead of " + refusal.getSimpleName(), t);
        }
        refused++;
      }
    }
    return new Outcome(decoded, refused);
  }

  /** A decoder that may throw checked exceptions. */
  @FunctionalInterface
  public interface ThrowingFunction {
    /** Decodes an input. */
    Object apply(byte[] input) throws Exception;
  }

  private static byte[] randomBytes(Random random, List<byte[]> valid) {
    byte[] b = new byte[random.nextInt(96)];
    random.nextBytes(b);
    // Half of them start like a real encoding, so they get past the first checks.
    if (b.length > 3 && random.nextBoolean()) {
      byte[] v = valid.get(random.nextInt(valid.size()));
      System.arraycopy(v, 0, b, 0, Math.min(v.length, Math.min(b.length, 1 + random.nextInt(4))));
    }
    return b;
  }

  /** A damaged copy: bit flips, truncation, a length field made huge, bytes inserted or deleted. */
  public static byte[] mutate(Random random, byte[] original) {
    byte[] b = original.clone();
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(7)) {
        case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b = Arrays.copyOf(b, at);
        case 2 -> b = inflate(random, b, at);
        case 3 -> b[at] = (byte) random.nextInt(256);
        case 4 -> b = insert(b, at, (byte) random.nextInt(256));
        case 5 -> b = delete(b, at);
        default -> {
          for (int k = at; k < Math.min(b.length, at + 4); k++) {
            b[k] = (byte) 0xff;
          }
        }
      }
    }
    return b;
  }

  /** Overwrites bytes with a large length: a varint, or a big-endian int. */
  private static byte[] inflate(Random random, byte[] b, int at) {
    byte[] big = random.nextBoolean()
        ? new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}
        : new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) random.nextInt(256)};
    byte[] out = b.clone();
    for (int i = 0; i < big.length && at + i < out.length; i++) {
      out[at + i] = big[i];
    }
    return out;
  }

  private static byte[] insert(byte[] b, int at, byte value) {
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(b, at, out, at + 1, b.length - at);
    return out;
  }

  private static byte[] delete(byte[] b, int at) {
    byte[] out = new byte[b.length - 1];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, at + 1, out, at, b.length - at - 1);
    return out;
  }
}

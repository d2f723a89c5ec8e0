package io.tendril.graph;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A tuple key, Dask's {@code ('x', 0, 1)}: an immutable sequence of strings, integral numbers and
 * nested tuple keys, compared by value.
 *
 * <p>Integral parts are stored as {@link Long}, so {@code Key.of("x", 0)} equals {@code
 * Key.of("x", 0L)}, as {@code 0 == 0L} holds in Python. {@link #toString()} prints the key the way
 * Python prints the tuple: {@code ('x', 0, 1)}.
 */
public final class Key {
  private final Object[] parts;
  private final int hash;

  private Key(Object[] parts) {
    this.parts = parts;
    this.hash = hash(parts);
  }

  /**
   * Mixes the parts' hashes multiplicatively at each step: {@code Arrays.hashCode} is linear, so
   * keys such as {@code ("add", d, j)} and {@code ("add", d + 1, j - 31)} would collide by the
   * thousand in a tree of keys.
   */
  private static int hash(Object[] parts) {
    long h = 0x9E3779B97F4A7C15L + parts.length;
    for (Object p : parts) {
      h = (h ^ p.hashCode()) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (int) (h ^ (h >>> 32));
  }

  /**
   * Creates a tuple key.
   *
   * @param parts strings, integral numbers ({@code Integer}, {@code Long}, {@code Short}, {@code
   *     Byte}) or other tuple keys
   * @return the key
   * @throws IllegalArgumentException if a part is null or of another type
   */
  public static Key of(Object... parts) {
    if (parts == null) {
      throw new IllegalArgumentException("Key.of(null): give the parts of the key, e.g. Key.of(\"x\", 0)");
    }
    Object[] normalized = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Object part = Keys.normalize(parts[i]);
      if (!(part instanceof String || part instanceof Long || part instanceof Key)) {
        throw new IllegalArgumentException(
            "part "
                + i
                + " of a tuple key is "
                + Keys.describe(parts[i])
                + ": tuple key parts must be strings, integral numbers or other Key.of(...) keys");
      }
      normalized[i] = part;
    }
    return new Key(normalized);
  }

  /**
   * The parts of this key, integral numbers as {@link Long}.
   *
   * @return an unmodifiable list of the parts
   */
  public List<Object> parts() {
    return Collections.unmodifiableList(Arrays.asList(parts));
  }

  /**
   * The number of parts.
   *
   * @return the tuple's length
   */
  public int size() {
    return parts.length;
  }

  /**
   * One part of this key.
   *
   * @param index the position, from 0
   * @return the part at that position
   */
  public Object get(int index) {
    return parts[index];
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof Key k && hash == k.hash && Arrays.equals(parts, k.parts));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Prints the key as Python prints the tuple: {@code ('x', 0, 1)}, {@code ('x',)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(Keys.repr(parts[i]));
    }
    if (parts.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }
}

package io.tendril.graph.internal;

/**
 * Maps the keys of one graph to dense ids 0..n-1 in the graph's iteration order: an
 * open-addressing table over two flat arrays, so a graph of a million keys costs a few megabytes
 * instead of a million map entries. Keys are stored in canonical form ({@code
 * Keys.normalize}). Built once per run by {@link GraphPlan}; read-only afterwards, hence safe to
 * share between threads.
 */
public final class KeyIndex {
  private final Object[] slots;
  private final int[] ids;
  private final int mask;
  private int size;

  /**
   * Creates an empty index for up to {@code capacity} keys.
   *
   * @param capacity the number of keys it will hold
   */
  public KeyIndex(int capacity) {
    int tableSize = Integer.highestOneBit(Math.max(4, capacity * 2 - 1)) << 1;
    slots = new Object[tableSize];
    ids = new int[tableSize];
    mask = tableSize - 1;
  }

  /**
   * Adds a key with the next id.
   *
   * @param key the key in canonical form
   * @return the new id, or {@code -1 - existingId} when the key is already present
   */
  public int add(Object key) {
    int i = spread(key.hashCode()) & mask;
    while (true) {
      Object k = slots[i];
      if (k == null) {
        slots[i] = key;
        ids[i] = size;
        return size++;
      }
      if (k.equals(key)) {
        return -1 - ids[i];
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * The id of a key.
   *
   * @param key the key in canonical form
   * @return its id, or -1 when absent
   */
  public int get(Object key) {
    int i = spread(key.hashCode()) & mask;
    while (true) {
      Object k = slots[i];
      if (k == null) {
        return -1;
      }
      if (k == key || k.equals(key)) {
        return ids[i];
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * The number of keys.
   *
   * @return the size
   */
  public int size() {
    return size;
  }

  private static int spread(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}

package io.tendril.graph.internal;

import java.util.Arrays;

/** A growable list of ints without boxing, used as list, queue and stack by graph planning. */
final class IntList {
  private int[] data;
  private int size;

  IntList(int capacity) {
    data = new int[Math.max(4, capacity)];
  }

  void add(int v) {
    if (size == data.length) {
      data = Arrays.copyOf(data, data.length * 2);
    }
    data[size++] = v;
  }

  int get(int i) {
    return data[i];
  }

  int pop() {
    return data[--size];
  }

  int size() {
    return size;
  }

  int[] toArray() {
    return Arrays.copyOf(data, size);
  }
}

package io.tendril.protocol.codec;

import io.tendril.graph.Fn1;

/** A small record used as a value and as a constructor reference in tests. */
public record Point(int x, int y) {
  int manhattan() {
    return Math.abs(x) + Math.abs(y);
  }

  /** A lambda that captures this point, through its use of the fields. */
  Fn1<Integer, Integer> shifter() {
    return v -> v + x + y;
  }
}

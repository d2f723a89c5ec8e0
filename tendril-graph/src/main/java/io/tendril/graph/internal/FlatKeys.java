package io.tendril.graph.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * Owns reading the {@code keys} arguments of the graph optimizations: one key, or collections
 * (lists, sets) of keys nested to any depth, flattened iteratively into their leaves so that deep
 * nesting cannot overflow the stack. Called by {@code Optimize.cull} and {@code GraphIndex.marks}.
 */
public final class FlatKeys {
  private FlatKeys() {}

  /**
   * Flattens one key or collections of keys nested to any depth into a list of leaves.
   *
   * @param keys one key (any non-collection value) or a collection
   * @return a new list of the leaves, in iteration order
   */
  public static List<Object> of(Object keys) {
    List<Object> out = new ArrayList<>();
    if (!(keys instanceof Collection<?> root)) {
      out.add(keys);
      return out;
    }
    ArrayDeque<Iterator<?>> stack = new ArrayDeque<>();
    stack.push(root.iterator());
    while (!stack.isEmpty()) {
      Iterator<?> it = stack.peek();
      if (!it.hasNext()) {
        stack.pop();
        continue;
      }
      Object e = it.next();
      if (e instanceof Collection<?> c) {
        stack.push(c.iterator());
      } else {
        out.add(e);
      }
    }
    return out;
  }
}

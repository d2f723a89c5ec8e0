package io.tendril.graph.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code keys} argument of {@code get}: one key, or lists of keys nested to any depth. Maps
 * such a structure leaf by leaf into the same nesting, iteratively so that deep nesting cannot
 * overflow the stack.
 */
public final class NestedKeys {
  private NestedKeys() {}

  /**
   * Replaces each leaf of a nested-list structure.
   *
   * @param structure one leaf, or a list of leaves and lists
   * @param leaf the replacement of a leaf
   * @return the same nesting of replaced leaves ({@link ArrayList}s), or the replaced leaf
   */
  public static Object map(Object structure, Function<Object, Object> leaf) {
    if (!(structure instanceof List<?> root)) {
      return leaf.apply(structure);
    }
    record Frame(List<?> src, List<Object> out, int[] pos) {}
    ArrayList<Frame> stack = new ArrayList<>();
    List<Object> rootOut = new ArrayList<>(root.size());
    stack.add(new Frame(root, rootOut, new int[1]));
    while (!stack.isEmpty()) {
      Frame f = stack.get(stack.size() - 1);
      if (f.pos[0] == f.src.size()) {
        stack.remove(stack.size() - 1);
        continue;
      }
      Object e = f.src.get(f.pos[0]++);
      if (e instanceof List<?> inner) {
        List<Object> out = new ArrayList<>(inner.size());
        f.out.add(out);
        stack.add(new Frame(inner, out, new int[1]));
      } else {
        f.out.add(leaf.apply(e));
      }
    }
    return rootOut;
  }
}

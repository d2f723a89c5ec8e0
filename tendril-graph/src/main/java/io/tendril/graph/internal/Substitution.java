package io.tendril.graph.internal;

import io.tendril.graph.Keys;
import io.tendril.graph.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Owns replacing keys inside graph values: every key-shaped leaf of a value (the value itself, a
 * task argument or a list element, at any depth) can be swapped for something else, rebuilding
 * tasks and lists only where something changed and sharing the rest. Iterative, so values nested
 * 10^5 deep do not overflow the stack. Called by {@code Graphs.subs}, {@link Inliner} and {@link
 * LinearFuser}.
 */
public final class Substitution {
  /** Returned by a replacement function of {@link #replaceKeys} to keep a key as it is. */
  static final Object KEEP = new Object();

  private Substitution() {}

  /**
   * Replaces every occurrence of one key inside a value, Dask's {@code subs}.
   *
   * @param value a graph value
   * @param canonicalKey the key to replace, in canonical form ({@code Keys.normalize})
   * @param replacement what to put in its place, inserted as it is
   * @return the value with the key replaced, or {@code value} itself when it does not contain it
   */
  public static Object replaceKey(Object value, Object canonicalKey, Object replacement) {
    return replaceKeys(value, k -> k.equals(canonicalKey) ? replacement : KEEP);
  }

  /**
   * Replaces the key-shaped leaves of a value. {@code replacement} receives each leaf in canonical
   * form and returns what to put in its place, or {@link #KEEP}. Replacements are not looked into.
   * Tasks and lists are rebuilt only where something changed; the rest is shared.
   */
  static Object replaceKeys(Object value, Function<Object, Object> replacement) {
    if (!(value instanceof Task) && !(value instanceof List)) {
      return replaceLeaf(value, replacement);
    }
    ArrayList<Rebuild> stack = new ArrayList<>();
    stack.add(new Rebuild(value));
    while (true) {
      Rebuild f = stack.get(stack.size() - 1);
      if (f.pos < f.items.length) {
        Object item = f.items[f.pos];
        if (item instanceof Task || item instanceof List) {
          stack.add(new Rebuild(item));
        } else {
          f.put(replaceLeaf(item, replacement));
        }
        continue;
      }
      Object built = f.build();
      stack.remove(stack.size() - 1);
      if (stack.isEmpty()) {
        return built;
      }
      stack.get(stack.size() - 1).put(built);
    }
  }

  private static Object replaceLeaf(Object leaf, Function<Object, Object> replacement) {
    if (!Keys.isKey(leaf)) {
      return leaf;
    }
    Object r = replacement.apply(Keys.normalize(leaf));
    return r == KEEP ? leaf : r;
  }

  /** One task or list being rebuilt by {@link #replaceKeys}: copied only once a part changes. */
  private static final class Rebuild {
    final Object source;
    final Object[] items;
    Object[] out;
    int pos;

    Rebuild(Object source) {
      this.source = source;
      this.items = source instanceof Task t ? t.args().toArray() : ((List<?>) source).toArray();
    }

    void put(Object v) {
      if (out == null && v != items[pos]) {
        out = items.clone();
      }
      if (out != null) {
        out[pos] = v;
      }
      pos++;
    }

    Object build() {
      if (out == null) {
        return source;
      }
      return source instanceof Task t ? t.withArgs(Arrays.asList(out)) : new ArrayList<>(Arrays.asList(out));
    }
  }
}

package io.tendril.graph.internal;

import io.tendril.graph.Keys;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Owns the sets of keys that the graph utilities return as dependencies and dependents: an
 * unmodifiable set backed by an array, in the order given, a few dozen bytes where a hash set
 * costs hundreds, which matters for dependency maps of a million keys. Membership compares
 * integral keys by value. Built by {@link GraphIndex}, {@link DependencyMaps} and {@link
 * LinearFuser}.
 */
final class KeySet extends AbstractSet<Object> {
  private static final int LINEAR = 8;
  private final Object[] items;
  private Set<Object> index;

  KeySet(Object[] items) {
    this.items = items;
  }

  @Override
  public boolean contains(Object o) {
    if (!Keys.isKey(o)) {
      return false;
    }
    Object c = Keys.normalize(o);
    if (items.length <= LINEAR) {
      for (Object item : items) {
        if (Keys.normalize(item).equals(c)) {
          return true;
        }
      }
      return false;
    }
    Set<Object> ix = index;
    if (ix == null) {
      ix = new HashSet<>();
      for (Object item : items) {
        ix.add(Keys.normalize(item));
      }
      index = ix;
    }
    return ix.contains(c);
  }

  @Override
  public Iterator<Object> iterator() {
    return Arrays.asList(items).iterator();
  }

  @Override
  public int size() {
    return items.length;
  }
}

package io.tendril.graph.internal;

import io.tendril.graph.Keys;
import io.tendril.graph.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes a graph value from the results of its dependencies (Dask's {@code _execute_task}): a
 * key of the graph becomes its result, a list is resolved element by element, a task runs on its
 * resolved arguments, anything else is itself. Nesting up to {@value #RECURSION_LIMIT} levels is
 * resolved recursively, deeper structures by an explicit stack, so any depth is safe.
 *
 * <p>Reads {@code results} without locks: an executor only resolves an entry after all its
 * dependencies were stored, and hands the entry over through a happens-before edge.
 */
final class ValueResolver {
  static final int RECURSION_LIMIT = 200;

  private final KeyIndex index;
  private final Object[] results;

  ValueResolver(KeyIndex index, Object[] results) {
    this.index = index;
    this.results = results;
  }

  Object resolve(Object value) throws Exception {
    return resolve(value, 0);
  }

  private Object resolve(Object v, int depth) throws Exception {
    if (v instanceof Task t) {
      if (depth > RECURSION_LIMIT) {
        return resolveDeep(t);
      }
      int n = t.argCount();
      Object[] args = new Object[n];
      for (int i = 0; i < n; i++) {
        args[i] = resolve(t.arg(i), depth + 1);
      }
      return t.call(args);
    }
    if (v instanceof List<?> list) {
      if (depth > RECURSION_LIMIT) {
        return resolveDeep(list);
      }
      int n = list.size();
      Object[] out = new Object[n];
      int i = 0;
      for (Object e : list) {
        out[i++] = resolve(e, depth + 1);
      }
      return new ArrayList<>(Arrays.asList(out));
    }
    return lookup(v);
  }

  private Object lookup(Object v) {
    if (Keys.isKey(v)) {
      int id = index.get(Keys.normalize(v));
      if (id >= 0) {
        return results[id];
      }
    }
    return v;
  }

  /** One level of a deep structure being resolved: a task or a list and its resolved parts. */
  private static final class Frame {
    final Object source;
    final List<?> items;
    final Object[] out;
    int pos;

    Frame(Object source) {
      this.source = source;
      this.items = source instanceof Task t ? t.args() : (List<?>) source;
      this.out = new Object[items.size()];
    }

    Object finish() throws Exception {
      return source instanceof Task t ? t.call(out) : new ArrayList<>(Arrays.asList(out));
    }
  }

  private Object resolveDeep(Object root) throws Exception {
    ArrayList<Frame> stack = new ArrayList<>();
    stack.add(new Frame(root));
    while (true) {
      Frame f = stack.get(stack.size() - 1);
      if (f.pos < f.out.length) {
        Object e = f.items.get(f.pos);
        if (e instanceof Task || e instanceof List) {
          stack.add(new Frame(e));
        } else {
          f.out[f.pos++] = lookup(e);
        }
        continue;
      }
      Object value = f.finish();
      stack.remove(stack.size() - 1);
      if (stack.isEmpty()) {
        return value;
      }
      Frame parent = stack.get(stack.size() - 1);
      parent.out[parent.pos++] = value;
    }
  }
}

package io.tendril.graph.internal;

import io.tendril.graph.Keys;
import io.tendril.graph.Task;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds every key-shaped leaf of a graph value: descends into tasks' arguments and into lists,
 * never into maps or other literals, and reports strings, integral numbers and tuple keys (in
 * canonical form) to a consumer, which decides whether the graph holds them. Iterative, so values
 * nested 10^5 deep do not overflow the stack. Used by {@link GraphPlan} and by the public graph
 * utilities behind {@code Graphs} and {@code Optimize} ({@code GraphIndex}, {@code DependencyMaps}, {@code LinearFuser}).
 */
public final class ValueWalker {
  private final ArrayDeque<Object> stack = new ArrayDeque<>();

  /**
   * Reports each key-shaped leaf of a value.
   *
   * @param value a graph value
   * @param onKey receives each candidate key in canonical form
   */
  public void walk(Object value, Consumer<Object> onKey) {
    if (value instanceof Task t) {
      // Fast path for the common case of a task whose arguments are keys and literals.
      for (int i = 0, n = t.argCount(); i < n; i++) {
        visit(t.arg(i), onKey);
      }
    } else {
      visit(value, onKey);
    }
    while (!stack.isEmpty()) {
      Object v = stack.pop();
      if (v instanceof Task t) {
        for (int i = 0, n = t.argCount(); i < n; i++) {
          visit(t.arg(i), onKey);
        }
      } else {
        for (Object e : (List<?>) v) {
          visit(e, onKey);
        }
      }
    }
  }

  private void visit(Object v, Consumer<Object> onKey) {
    if (v instanceof Task || v instanceof List) {
      stack.push(v);
    } else if (Keys.isKey(v)) {
      onKey.accept(Keys.normalize(v));
    }
  }
}

package io.tendril.manager.makeflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The workflow's variables with Makeflow's scoping, kept by the {@link Parser}.
 *
 * <p>Makeflow keeps one table per category and one per rule. An assignment outside a rule goes to
 * the table of the category in effect (a {@code CATEGORY=} assignment itself goes to the
 * {@code default} table); one between a rule's file list and its command goes to the rule's table.
 * Each value is stamped with the number of rules read before it, so a rule sees the values
 * assigned above it and not those below. A lookup tries the rule's table, then the table of the
 * category in effect, then the {@code default} table, then the environment. A table's first
 * value for a name is seeded from the environment, as Makeflow does.
 */
final class Variables {
  /** The category of rules that name none. */
  static final String DEFAULT_CATEGORY = "default";

  /** One assigned value: where it applies from, the text, and where it was assigned. */
  static final class Value {
    final int fromRule;
    String text;
    /** Null for a value taken from the environment. */
    final SourcePosition at;

    Value(int fromRule, String text, SourcePosition at) {
      this.fromRule = fromRule;
      this.text = text;
      this.at = at;
    }
  }

  /** The values of each name in one scope, in the order they were assigned. */
  static final class Table {
    private final Map<String, List<Value>> values = new HashMap<>();

    /** The value that rule {@code ruleIndex} sees, or null. */
    Value visibleTo(String name, int ruleIndex) {
      List<Value> list = values.get(name);
      if (list == null) {
        return null;
      }
      int lo = 0;
      int hi = list.size() - 1;
      Value found = null;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        Value v = list.get(mid);
        if (v.fromRule <= ruleIndex) {
          found = v;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }

    /** The last value assigned to {@code name}, or null. */
    Value last(String name) {
      List<Value> list = values.get(name);
      return list == null || list.isEmpty() ? null : list.get(list.size() - 1);
    }

    /** Every value assigned to {@code name} in this table, oldest first. */
    List<Value> all(String name) {
      return values.getOrDefault(name, List.of());
    }
  }

  private final Map<String, String> environment;
  private final Map<String, Table> categories = new HashMap<>();
  private final Table defaults;

  Variables(Map<String, String> environment) {
    this.environment = environment;
    this.defaults = category(DEFAULT_CATEGORY);
  }

  /** The {@code default} category's table, which also holds {@code CATEGORY} itself. */
  Table defaults() {
    return defaults;
  }

  /** The table of a category, created empty on first use. */
  Table category(String name) {
    return categories.computeIfAbsent(name, n -> new Table());
  }

  /** The process environment the workflow falls back to. */
  String environment(String name) {
    return environment.get(name);
  }

  /** Assigns {@code text} to {@code name} in {@code table}, from rule {@code fromRule} on. */
  void assign(Table table, String name, int fromRule, String text, SourcePosition at) {
    List<Value> list = table.values.get(name);
    if (list == null) {
      list = new ArrayList<>();
      String seeded = environment.get(name);
      if (seeded != null) {
        list.add(new Value(0, seeded, null));
      }
      table.values.put(name, list);
    }
    Value v = new Value(fromRule, text, at);
    if (!list.isEmpty() && list.get(list.size() - 1).fromRule == fromRule) {
      list.set(list.size() - 1, v);
    } else {
      list.add(v);
    }
  }

  /**
   * The value rule {@code ruleIndex} sees: from {@code rule}'s own table (may be null), then
   * {@code category}'s, then the {@code default} table, then the environment; null if none.
   */
  String lookup(String name, Table rule, Table category, int ruleIndex) {
    Value v = rule == null ? null : rule.visibleTo(name, ruleIndex);
    if (v == null && category != null) {
      v = category.visibleTo(name, ruleIndex);
    }
    if (v == null) {
      v = defaults.visibleTo(name, ruleIndex);
    }
    return v != null ? v.text : environment.get(name);
  }
}

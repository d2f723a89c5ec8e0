package io.tendril.manager.makeflow;

import io.tendril.protocol.Resources;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Works out each rule's cores, memory, disk and GPUs for the {@link Parser}, once the whole file
 * was read, as Makeflow does: a category's amount is the last value of {@code CORES},
 * {@code MEMORY}, {@code DISK} or {@code GPUS} assigned while the category was in effect, else
 * the last in the {@code default} category, else the environment's; a value assigned inside a
 * rule overrides its category's. Memory and disk are in megabytes. Unlike Makeflow, which reads
 * the leading digits of a value ({@code 2G} as 2, {@code 0.5} cores as none), an amount must be a
 * plain number (quotes around it are allowed, cores may be fractional), or the workflow is
 * refused.
 */
final class ResourceResolver {
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  private static final Pattern WHOLE = Pattern.compile("[0-9]+");

  private final Variables variables;
  private final String sourceName;
  private final List<String> notices;
  private final Set<String> noticed = new HashSet<>();

  ResourceResolver(Variables variables, String sourceName, List<String> notices) {
    this.variables = variables;
    this.sourceName = sourceName;
    this.notices = notices;
  }

  /**
   * The resources of one rule.
   *
   * @param category the rule's category
   * @param ruleTable the variables assigned inside the rule
   * @param ruleAt where the rule starts, for errors about values from the environment
   */
  Resources forRule(String category, Variables.Table ruleTable, SourcePosition ruleAt)
      throws MakeflowException {
    return resolve(name -> pick(name, category, ruleTable), ruleAt);
  }

  /**
   * The resources a rule sets itself: only the values assigned inside it (between its file list
   * and its command).
   */
  Resources ownOfRule(Variables.Table ruleTable, SourcePosition ruleAt) throws MakeflowException {
    return resolve(ruleTable::last, ruleAt);
  }

  /**
   * The resources of a category, as Makeflow gives them to its category: the last values assigned
   * while it was in effect, else in the {@code default} category, else the environment's.
   *
   * @param at where to point errors about values from the environment (its first rule)
   */
  Resources forCategory(String category, SourcePosition at) throws MakeflowException {
    return forRule(category, new Variables.Table(), at);
  }

  private Resources resolve(java.util.function.Function<String, Variables.Value> pick, SourcePosition ruleAt)
      throws MakeflowException {
    String cores = checked("CORES", pick.apply("CORES"), ruleAt, DECIMAL,
        "a number of cores, such as 2 or 0.5");
    String memory = checked("MEMORY", pick.apply("MEMORY"), ruleAt, WHOLE,
        "a whole number of megabytes");
    String disk = checked("DISK", pick.apply("DISK"), ruleAt, WHOLE,
        "a whole number of megabytes");
    String gpus = checked("GPUS", pick.apply("GPUS"), ruleAt, WHOLE,
        "a whole number of GPUs");
    try {
      return new Resources(cores == null ? 0 : Double.parseDouble(cores),
          memory == null ? 0 : Long.parseLong(memory), disk == null ? 0 : Long.parseLong(disk),
          gpus == null ? 0 : Integer.parseInt(gpus));
    } catch (NumberFormatException e) {
      throw new MakeflowException(sourceName, ruleAt,
          "a resource amount of this rule is too large: " + e.getMessage());
    }
  }

  /** The value that applies, or null; a value taken from the environment has no position. */
  private Variables.Value pick(String name, String category, Variables.Table ruleTable) {
    Variables.Value own = ruleTable.last(name);
    if (own != null) {
      return own;
    }
    Variables.Table table = variables.category(category);
    Variables.Value v = table.last(name);
    if (v == null && !category.equals(Variables.DEFAULT_CATEGORY)) {
      table = variables.defaults();
      v = table.last(name);
    }
    if (v != null) {
      noticeRepeats(name, category, table);
      return v;
    }
    String env = variables.environment(name);
    return env == null ? null : new Variables.Value(0, env, null);
  }

  private void noticeRepeats(String name, String category, Variables.Table table) {
    if (!noticed.add(name + "\0" + category)) {
      return;
    }
    Set<String> texts = new LinkedHashSet<>();
    StringJoiner lines = new StringJoiner(", ");
    SourcePosition firstAt = null;
    for (Variables.Value v : table.all(name)) {
      if (v.at != null) {
        texts.add(v.text.strip());
        lines.add(String.valueOf(v.at.line()));
        firstAt = firstAt == null ? v.at : firstAt;
      }
    }
    if (texts.size() > 1) {
      notices.add(sourceName + ":" + firstAt.line() + ":" + firstAt.column() + ": " + name
          + " is set to different values for category " + category + " (lines " + lines
          + "): as in Makeflow, every rule of the category gets the last one, "
          + table.last(name).text.strip());
    }
  }

  /** The value's text when it is a valid amount, null when not declared (absent or blank). */
  private String checked(String name, Variables.Value v, SourcePosition ruleAt, Pattern valid,
      String expected) throws MakeflowException {
    if (v == null || v.text.isBlank()) {
      return null;
    }
    String text = v.text.strip();
    if (text.length() >= 2 && (text.charAt(0) == '"' || text.charAt(0) == '\'')
        && text.charAt(text.length() - 1) == text.charAt(0)) {
      // CORES="4" keeps its quotes in Makeflow's value, which then reads as no amount at all;
      // the quotes plainly mean 4.
      text = text.substring(1, text.length() - 1).strip();
    }
    if (!valid.matcher(text).matches()) {
      String origin = v.at == null ? " (from the environment variable " + name + ")" : "";
      throw new MakeflowException(sourceName, v.at == null ? ruleAt : v.at,
          name + " must be " + expected + ", got '" + text + "'" + origin);
    }
    return text;
  }
}

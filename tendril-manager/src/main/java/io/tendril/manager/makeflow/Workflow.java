package io.tendril.manager.makeflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import io.tendril.protocol.Resources;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * A parsed Makeflow workflow: its rules in file order and the dependencies between them.
 * {@link Makeflow#parse} makes one; whoever runs the workflow reads it. It is immutable, was
 * checked for cycles and for files made by two rules, and depends on nothing but its text and
 * the environment it was parsed with; {@link #validate(Path)} checks it against a directory.
 */
public final class Workflow {
  private final String sourceName;
  private final List<Rule> rules;
  private final List<String> notices;
  private final DependencyGraph graph;
  private final Map<String, Resources> categories;

  Workflow(String sourceName, List<Rule> rules, List<String> notices, Map<String, Resources> categories)
      throws MakeflowException {
    this.sourceName = sourceName;
    this.rules = List.copyOf(rules);
    this.notices = List.copyOf(notices);
    this.categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
    this.graph = DependencyGraph.of(this.rules, sourceName);
  }

  /** The name of the file the workflow was read from, as given. */
  public String sourceName() {
    return sourceName;
  }

  /** The rules, in file order; a rule's {@link Rule#index()} is its place in this list. */
  public List<Rule> rules() {
    return rules;
  }

  /**
   * The categories of the rules, in order of first use, each with its resources as Makeflow
   * defines them: the last {@code CORES}, {@code MEMORY}, {@code DISK} and {@code GPUS} assigned
   * while the category was in effect, else in the {@code default} category, else the
   * environment's; zero where none. Makeflow makes these the category's maximum.
   */
  public Map<String, Resources> categoryResources() {
    return categories;
  }

  /**
   * Things Makeflow accepts but that are likely mistakes or that Tendril does not act on, each as
   * {@code file:line:column: text}: a comment that makes Makeflow join the next line into a
   * value, a resource set more than once for a category, carriage returns, ignored directives.
   */
  public List<String> notices() {
    return notices;
  }

  /**
   * The rule that makes {@code file}.
   *
   * @param file a file's name in the workflow
   * @return the rule whose targets include it, or empty when no rule makes it
   */
  public Optional<Rule> producerOf(String file) {
    Integer p = graph.producerOf(file);
    return p == null ? Optional.empty() : Optional.of(rules.get(p));
  }

  /**
   * The rules {@code rule} waits for: those that make one of its sources, in file order.
   *
   * @param rule a rule of this workflow
   * @return the rules it depends on
   */
  public List<Rule> dependencies(Rule rule) {
    return toRules(graph.dependenciesOf(own(rule)));
  }

  /**
   * The rules that wait for {@code rule}: those with a source it makes, in file order.
   *
   * @param rule a rule of this workflow
   * @return the rules that depend on it
   */
  public List<Rule> dependents(Rule rule) {
    return toRules(graph.dependentsOf(own(rule)));
  }

  /**
   * The files that must exist before the run: sources that no rule makes, in the order they first
   * appear.
   */
  public List<String> sourcesNotProduced() {
    return graph.sourcesNotProduced();
  }

  /**
   * Every rule after the rules it depends on; among rules that are ready together, the one
   * written first comes first, so a workflow written in dependency order keeps its file order.
   */
  public List<Rule> topologicalOrder() {
    return toRules(graph.order());
  }

  /**
   * Checks that every source no rule makes exists, relative to {@code workingDirectory} (or as
   * an absolute path). Parsing never looks at the disk; this does.
   *
   * @param workingDirectory the directory the workflow will run in
   * @throws MakeflowException at the first rule naming the first missing file; the reason also
   *     counts and names the other missing files
   */
  public void validate(Path workingDirectory) throws MakeflowException {
    List<String> missing = new ArrayList<>();
    for (String name : graph.sourcesNotProduced()) {
      if (!Files.exists(workingDirectory.resolve(name))) {
        missing.add(name);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String first = missing.get(0);
    Rule user = rules.stream()
        .filter(r -> r.sources().stream().anyMatch(s -> s.name().equals(first)))
        .findFirst().orElseThrow();
    StringBuilder reason = new StringBuilder("source ").append(first)
        .append(" is made by no rule and does not exist in ").append(workingDirectory);
    if (missing.size() > 1) {
      List<String> others = missing.subList(1, Math.min(missing.size(), 6));
      reason.append(" (").append(missing.size() - 1).append(" more missing: ")
          .append(String.join(", ", others)).append(missing.size() > 6 ? ", ..." : "")
          .append(')');
    }
    throw new MakeflowException(sourceName, user.positionOf(first), reason.toString());
  }

  private int own(Rule rule) {
    int i = rule.index();
    if (i < 0 || i >= rules.size() || rules.get(i) != rule) {
      throw new IllegalArgumentException("not a rule of this workflow: " + rule);
    }
    return i;
  }

  private List<Rule> toRules(int[] indexes) {
    return Arrays.stream(indexes).mapToObj(rules::get).toList();
  }

  /** The workflow's name and size. */
  @Override
  public String toString() {
    return "Workflow " + sourceName + " (" + rules.size() + " rules)";
  }
}

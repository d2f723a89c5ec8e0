package io.tendril.manager.makeflow;

import io.tendril.protocol.Resources;
import java.util.List;
import java.util.Map;

/**
 * One rule of a {@link Workflow}: the files it makes, the files it needs, and the one shell command
 * that makes them. The {@link Parser} creates rules; whoever runs a workflow reads them, turning
 * each into one command task with the sources as inputs and the targets as outputs.
 *
 * <p>Everything is final: variables are already substituted, and the command is exactly the text
 * Makeflow would hand to {@code /bin/sh -c}.
 */
public final class Rule {
  private final int index;
  private final int line;
  private final List<FileRef> targets;
  private final List<FileRef> sources;
  private final String command;
  private final boolean local;
  private final String category;
  private final Resources resources;
  private final Resources ownResources;
  private final Map<String, String> environment;
  private final Map<String, SourcePosition> filePositions;

  Rule(int index, int line, List<FileRef> targets, List<FileRef> sources, String command,
      boolean local, String category, Resources resources, Resources ownResources, Map<String, String> environment,
      Map<String, SourcePosition> filePositions) {
    this.index = index;
    this.line = line;
    this.targets = List.copyOf(targets);
    this.sources = List.copyOf(sources);
    this.command = command;
    this.local = local;
    this.category = category;
    this.resources = resources;
    this.ownResources = ownResources;
    this.environment = environment;
    this.filePositions = filePositions;
  }

  /** The rule's place among the workflow's rules, from 0, in file order (Makeflow's rule id). */
  public int index() {
    return index;
  }

  /** The 1-based line of the rule's {@code targets: sources} line. */
  public int line() {
    return line;
  }

  /** The files the rule makes, in the order written, without repeats. */
  public List<FileRef> targets() {
    return targets;
  }

  /** The files the rule needs, in the order written, without repeats. */
  public List<FileRef> sources() {
    return sources;
  }

  /** The shell command, after substitution and without the {@code LOCAL} prefix. */
  public String command() {
    return command;
  }

  /**
   * Whether the rule runs on the manager's machine rather than on a worker: its command started
   * with {@code LOCAL}, or the variable {@code BATCH_LOCAL} was true for it.
   */
  public boolean local() {
    return local;
  }

  /** The rule's category: the value of {@code CATEGORY} for it, or {@code "default"}. */
  public String category() {
    return category;
  }

  /**
   * Cores, memory (MB), disk (MB) and GPUs for the rule; zero means not declared. As in Makeflow,
   * a category's resources are the last values of {@code CORES}, {@code MEMORY}, {@code DISK} and
   * {@code GPUS} assigned while it was in effect (else in the {@code default} category, else in
   * the environment), and a value assigned inside the rule overrides its category's.
   */
  public Resources resources() {
    return resources;
  }

  /**
   * The resources the rule sets itself, with assignments between its file list and its command;
   * zero where it sets none. A runner declares these on the rule's task and gives the rest of
   * {@link #resources()} to the rule's category ({@link Workflow#categoryResources}), as Makeflow
   * does: amounts a rule sets are fixed, its category's are the category's maximum.
   */
  public Resources ownResources() {
    return ownResources;
  }

  /**
   * The environment variables to set for the command, sorted by name: each variable named by an
   * {@code export} anywhere in the workflow, and {@code CATEGORY}, {@code CORES}, {@code MEMORY},
   * {@code DISK}, {@code GPUS} and {@code WALL_TIME}, with the value the rule sees, when it has
   * one.
   */
  public Map<String, String> environment() {
    return environment;
  }

  /** Where the rule's line names {@code file}, or where the rule starts. */
  SourcePosition positionOf(String file) {
    return filePositions.getOrDefault(file, new SourcePosition(line, 1));
  }

  /** The rule as Makeflow would print it, with its line. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("rule ").append(index).append(" (line ").append(line)
        .append("): ");
    targets.forEach(t -> sb.append(t).append(' '));
    sb.append(':');
    sources.forEach(s -> sb.append(' ').append(s));
    return sb.append(" | ").append(local ? "LOCAL " : "").append(command).toString();
  }
}

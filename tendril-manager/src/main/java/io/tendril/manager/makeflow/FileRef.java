package io.tendril.manager.makeflow;

import java.util.Objects;

/**
 * A file as a {@link Rule} names it: by its name in the workflow and by the name the task's
 * sandbox gives it. Makeflow's remote renaming {@code local->remote} (in a target or a source)
 * makes the two differ; otherwise they are equal.
 *
 * <p>In {@code c->out: a->in1}, the rule's command reads {@code in1} and writes {@code out} in its
 * sandbox, while the workflow's files are {@code a} and {@code c}.
 *
 * @param name the file's name in the workflow, relative to the working directory unless absolute;
 *     dependencies between rules are by this name, compared exactly as written
 * @param sandboxName the file's name in the task's sandbox
 */
public record FileRef(String name, String sandboxName) {
  /** Checks that both names are present. */
  public FileRef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sandboxName, "sandboxName");
  }

  /**
   * A file with the same name in the workflow and in the sandbox.
   *
   * @param name the file's name
   * @return the file
   */
  public static FileRef of(String name) {
    return new FileRef(name, name);
  }

  /** Whether the sandbox name differs from the workflow name. */
  public boolean renamed() {
    return !name.equals(sandboxName);
  }

  /** The file as Makeflow writes it: {@code name}, or {@code name->sandboxName}. */
  @Override
  public String toString() {
    return renamed() ? name + "->" + sandboxName : name;
  }
}

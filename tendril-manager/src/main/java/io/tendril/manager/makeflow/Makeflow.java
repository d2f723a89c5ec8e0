package io.tendril.manager.makeflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Reads workflows written in Makeflow's classic language into {@link Workflow}s. This is the
 * package's entry point: {@code tendril run WORKFLOW} calls it, then hands the rules to the
 * manager. Parsing is pure: it reads the text and the given environment, never the disk (see
 * {@link Workflow#validate} for that) and never a manager.
 *
 * <pre>{@code
 * Workflow w = Makeflow.parse(Path.of("example.makeflow"));
 * w.validate(Path.of("."));
 * for (Rule r : w.topologicalOrder()) {
 *   System.out.println(r.command() + "  needs " + r.sources() + ", makes " + r.targets());
 * }
 * }</pre>
 */
public final class Makeflow {
  private Makeflow() {}

  /**
   * Reads a workflow file (UTF-8), with this process's environment as the variables' fallback.
   *
   * @param file the workflow file
   * @return the workflow
   * @throws IOException when the file cannot be read or is not UTF-8
   * @throws MakeflowException when the workflow is not valid Makeflow, or cannot be run
   */
  public static Workflow parse(Path file) throws IOException, MakeflowException {
    return parse(Files.readString(file), file.toString(), System.getenv());
  }

  /**
   * Reads a workflow from text.
   *
   * @param text the workflow; a missing newline at the end is supplied
   * @param sourceName the name errors give the text, usually its file name
   * @param environment the environment variables that stand in for variables the workflow does
   *     not define, and that {@code export NAME} passes on
   * @return the workflow
   * @throws MakeflowException when the workflow is not valid Makeflow, or cannot be run
   */
  public static Workflow parse(String text, String sourceName, Map<String, String> environment)
      throws MakeflowException {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(environment, "environment");
    String complete = text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    return new Parser(complete, sourceName, Map.copyOf(environment)).parse();
  }
}

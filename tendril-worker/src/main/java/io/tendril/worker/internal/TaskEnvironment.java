package io.tendril.worker.internal;

import io.tendril.protocol.Resources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the environment of a task's command: a few variables of the worker's own environment
 * that programs commonly need ({@link #KEPT}, and every {@code LC_*}), then the resources the task
 * was given as {@code CORES}, {@code MEMORY} (MB), {@code DISK} (MB) and {@code GPUS} (as TaskVine
 * sets them), {@code TENDRIL_SANDBOX}, and finally the variables of the RunTask, which win.
 * Nothing else of the worker's environment leaks into tasks. Stateless; used by task executions,
 * mini-tasks and library processes ({@link #base()}).
 */
final class TaskEnvironment {
  /** Variables passed through from the worker's environment when set. */
  static final List<String> KEPT = List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE",
      "TZ", "TERM", "TMPDIR", "JAVA_HOME");

  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private TaskEnvironment() {}

  /**
   * The environment for a command.
   *
   * @param sandbox the command's working directory
   * @param allocation the resources it was given, or null for none to announce
   * @param taskEnv the variables the manager asked for
   * @return the whole environment
   */
  static Map<String, String> build(Path sandbox, Resources allocation, Map<String, String> taskEnv) {
    Map<String, String> env = base();
    if (allocation != null) {
      env.put("CORES", Long.toString((long) Math.ceil(allocation.cores())));
      env.put("MEMORY", Long.toString(allocation.memoryMb()));
      env.put("DISK", Long.toString(allocation.diskMb()));
      env.put("GPUS", Integer.toString(allocation.gpus()));
    }
    env.put("TENDRIL_SANDBOX", sandbox.toString());
    env.putAll(taskEnv);
    return env;
  }

  /**
   * The part of the worker's environment every child gets: the {@link #KEPT} variables and every
   * {@code LC_*} that are set, and a default {@code PATH}. Also the whole environment of a library
   * process, which serves many calls and so gets no task's variables.
   *
   * @return a new mutable map
   */
  static Map<String, String> base() {
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> own = System.getenv();
    for (String k : KEPT) {
      String v = own.get(k);
      if (v != null) {
        env.put(k, v);
      }
    }
    own.forEach((k, v) -> {
      if (k.startsWith("LC_")) {
        env.put(k, v);
      }
    });
    env.putIfAbsent("PATH", DEFAULT_PATH);
    return env;
  }
}

package io.tendril.worker.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the commands of a worker's tasks: spawned directly ({@code PosixSpawner}: {@code
 * posix_spawn} through the foreign-function API, one exec and no copy of the worker) where the
 * JDK and platform allow, otherwise by the JVM's {@link ProcessBuilder}. Which one is decided once,
 * when the worker starts, and logged.
 *
 * <p>Safe from any thread.
 */
final class ProcessLauncher {
  private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);

  /** Starts every command with the JVM. */
  static final ProcessLauncher JVM = new ProcessLauncher(null);

  private static final String SPAWNER = "io.tendril.worker.internal.PosixSpawner";

  private final Spawner spawner;

  private ProcessLauncher(Spawner spawner) {
    this.spawner = spawner;
  }

  /**
   * A launcher for a worker.
   *
   * @param direct whether to spawn commands directly when the JDK (22 or later) and the platform
   *     (Linux with glibc, x86-64 or AArch64) allow
   */
  static ProcessLauncher create(boolean direct) {
    if (!direct) {
      return JVM;
    }
    if (Runtime.version().feature() < 22) {
      log.info("commands are started by the JVM: spawning them directly needs JDK 22 or later, this is {}",
          Runtime.version());
      return JVM;
    }
    try {
      Spawner s = (Spawner) Class.forName(SPAWNER).getDeclaredMethod("create").invoke(null);
      return new ProcessLauncher(s);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      Throwable why = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
      log.info("commands are started by the JVM: cannot spawn them directly ({})", why.toString());
      return JVM;
    }
  }

  /** Whether commands are spawned directly rather than by the JVM. */
  boolean direct() {
    return spawner != null;
  }

  /**
   * Starts {@code argv} in {@code directory} with exactly {@code environment}, standard input
   * from /dev/null and standard output and error into {@code output} (replaced).
   *
   * @return the running program
   * @throws IOException if the program cannot be started, saying why; nothing runs then
   */
  Child start(List<String> argv, Path directory, Map<String, String> environment, Path output) throws IOException {
    if (spawner != null) {
      return spawner.spawn(argv, directory, environment, output);
    }
    return Child.of(jvmBuilder(argv, directory, environment).redirectOutput(output.toFile()).start());
  }

  /**
   * A JVM process builder for {@code argv} in {@code directory} with exactly {@code environment},
   * standard input from /dev/null and standard error merged into standard output (a pipe unless
   * redirected).
   */
  static ProcessBuilder jvmBuilder(List<String> argv, Path directory, Map<String, String> environment) {
    ProcessBuilder pb = new ProcessBuilder(argv)
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(environment);
    return pb;
  }
}

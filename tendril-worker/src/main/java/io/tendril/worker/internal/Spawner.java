package io.tendril.worker.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a program with exactly the given working directory, environment and output file, and
 * hands back the running {@link Child}. The {@link ProcessLauncher} uses one when the platform
 * offers it; see {@code PosixSpawner}.
 */
interface Spawner {
  /**
   * Starts {@code argv} in {@code directory} with exactly {@code environment}, standard input
   * from /dev/null and standard output and error into {@code output} (created or truncated).
   *
   * @return the running program, which its caller must wait for until it has ended
   * @throws IOException if it cannot be started, saying why; nothing runs then
   */
  Child spawn(List<String> argv, Path directory, Map<String, String> environment, Path output) throws IOException;
}

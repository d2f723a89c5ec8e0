package io.tendril.worker;

import io.tendril.protocol.Protocol;
import io.tendril.protocol.transfer.EntryReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One task's directory under {@code workspace/sandbox}: inputs are linked in from the cache under
 * the names the task asked for, outputs are found (never outside it, symlinks included) and moved
 * out, and the whole directory is deleted afterwards. Used by {@link TaskProcess} and by
 * mini-tasks.
 */
final class Sandbox implements AutoCloseable {
  final Path dir;

  Sandbox(Path dir) throws IOException {
    EntryReceiver.deleteRecursively(dir);
    this.dir = Files.createDirectories(dir);
  }

  /** Links a cached entry into the sandbox under a relative name. */
  void link(Path cached, String name) throws IOException {
    Path target = resolve(name);
    Files.createDirectories(target.getParent());
    Files.createSymbolicLink(target, cached.toAbsolutePath());
  }

  /** The path of a sandbox name, refusing names that would leave the sandbox. */
  Path resolve(String name) {
    if (!Protocol.isSafeSandboxName(name)) {
      throw new IllegalArgumentException("sandbox name '" + name + "' would leave the sandbox");
    }
    return dir.resolve(name);
  }

  /**
   * The output left under a name, or null if none; refuses a name whose real location (symlinks
   * followed) lies outside the sandbox.
   */
  Path output(String name) throws IOException {
    Path p = resolve(name);
    if (!Files.exists(p)) {
      return null;
    }
    Path real = p.toRealPath();
    if (!real.startsWith(dir.toRealPath())) {
      throw new IOException("output '" + name + "' points outside the sandbox, to " + real);
    }
    if (Files.isSymbolicLink(p)) {
      // An input passed through as an output: copy the content rather than the link.
      Path copy = dir.resolve(".copy-" + System.nanoTime());
      Files.copy(real, copy);
      return copy;
    }
    return p;
  }

  @Override
  public void close() {
    try {
      EntryReceiver.deleteRecursively(dir);
    } catch (IOException e) {
      // Left behind; the next start of the worker cleans the workspace.
    }
  }
}

package io.tendril.protocol.transfer;

import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.EntryHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where the entries of one incoming transfer go: a temporary path next to the target, below which
 * every entry header is checked (the first is the root, with an empty path; the others have safe
 * relative paths, {@link Protocol#isSafeSandboxName}; no negative size) before its place is made.
 * Shared by the two receivers, {@link EntryReceiver} (gRPC chunks) and {@link DataReceiver} (the
 * data port's raw bytes), so that both refuse the same streams. Not thread-safe: one per transfer.
 */
final class EntryTree {
  private final Path target;
  private final Path tmp;
  private boolean sawRoot;

  EntryTree(Path target) throws IOException {
    this.target = target;
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    this.tmp = parent.resolve("." + target.getFileName() + ".part-" + Long.toHexString(System.nanoTime()));
  }

  /**
   * Checks a header and makes its place: a directory is created; for a regular file, its parent
   * directories are, and the path to write is returned.
   *
   * @param h the header
   * @return the file to write, or null for a directory
   * @throws IOException if the header would leave the root, comes out of order, or has a bad size
   */
  Path place(EntryHeader h) throws IOException {
    Path p;
    if (!sawRoot) {
      if (!h.getPath().isEmpty()) {
        throw new IOException("the first entry of a transfer must be its root, got '" + h.getPath() + "'");
      }
      sawRoot = true;
      p = tmp;
    } else {
      if (!Protocol.isSafeSandboxName(h.getPath())) {
        throw new IOException("refusing entry path '" + h.getPath() + "': it would leave the directory");
      }
      p = tmp.resolve(h.getPath());
    }
    if (h.getSize() < 0) {
      throw new IOException("negative entry size " + h.getSize());
    }
    if (h.getDirectory()) {
      Files.createDirectories(p);
      return null;
    }
    Files.createDirectories(p.toAbsolutePath().getParent());
    return p;
  }

  /** Marks a file executable once it is open. */
  static void executable(Path p, EntryHeader h) {
    if (h.getExecutable()) {
      p.toFile().setExecutable(true, false);
    }
  }

  /** Moves the complete tree into place, replacing the target. */
  void commit() throws IOException {
    if (!sawRoot) {
      throw new IOException("the transfer was empty");
    }
    EntryReceiver.deleteRecursively(target);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes whatever a failed transfer left. */
  void abandon() throws IOException {
    EntryReceiver.deleteRecursively(tmp);
  }
}

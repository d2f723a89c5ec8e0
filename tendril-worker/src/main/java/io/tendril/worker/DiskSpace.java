package io.tendril.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a worker learns the usable space left where its workspace lives. The worker compares it with
 * its disk floor ({@link WorkerOptions#diskFloorMb()}) every second: below the floor, its disk
 * counts as full, it tells the manager, and it takes no task that needs disk until there is room
 * again (docs/manager.md, "Workers whose disk fills").
 *
 * <p>The default, {@link #fileSystem()}, asks the file system. Give another one ({@link
 * WorkerOptions.Builder#diskSpace(DiskSpace)}) when the file system's count is not what the worker
 * may use, such as under a quota it does not report, or to drive the worker's disk state in a test.
 * Called from the worker's threads; an implementation must be thread-safe and quick.
 */
@FunctionalInterface
public interface DiskSpace {
  /**
   * The bytes the worker may still write below a directory.
   *
   * @param workspace the worker's workspace directory (absolute)
   * @return the usable bytes, 0 or more
   * @throws IOException if the space cannot be read; the worker then keeps its last view
   */
  long usableBytes(Path workspace) throws IOException;

  /**
   * The file system's own count: {@link java.nio.file.FileStore#getUsableSpace()} of the store
   * holding the workspace.
   *
   * @return the default probe
   */
  static DiskSpace fileSystem() {
    return workspace -> Files.getFileStore(workspace).getUsableSpace();
  }
}

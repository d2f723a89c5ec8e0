package io.tendril.worker.internal;

import java.io.IOException;

/**
 * A write in the workspace failed and the {@link DiskWatch} blamed the disk: the task that was
 * writing ends {@code TASK_RESULT_DISK_FULL}, which the manager does not count against it. The
 * message says what was being written and the error of the write.
 */
final class DiskFullException extends IOException {
  private static final long serialVersionUID = 1L;

  DiskFullException(String message, IOException cause) {
    super(message, cause);
  }
}

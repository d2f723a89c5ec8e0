package io.tendril.manager;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The manager's record of one declared file: the declaration, the workers holding a replica (the
 * replica table), its size once known, and, for a temp, the task that produces it. Accessed only
 * on the manager's loop.
 */
final class FileEntry {
  final DeclaredFile file;
  final Set<WorkerEntry> replicas = new LinkedHashSet<>();
  long size;
  /** For a temp: the task whose output it is, once such a task was submitted. */
  TaskEntry producer;
  /** Whether a recovery of the producer is under way. */
  boolean recovering;
  /**
   * Why the temp will not be made, when its producer ended without making it (failed, or ran out
   * of retries); null while it is made, may be made, or was made. Cleared when a new producer is
   * submitted.
   */
  String notMade;

  FileEntry(DeclaredFile file) {
    this.file = file;
    this.size = Math.max(0, file.size());
  }

  String cacheName() {
    return file.cacheName();
  }
}

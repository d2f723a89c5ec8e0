package io.tendril.manager;

import io.tendril.protocol.CacheLevel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file the manager knows about and can place on workers: made by one of the {@code declare…}
 * methods of {@link Manager}, then used as a task's input or output. Its {@link #cacheName()} is
 * derived from its content or origin, so a worker receives a given file at most once.
 *
 * <p>Instances are immutable handles; the manager keeps where the file's replicas are.
 */
public final class DeclaredFile {
  /** Where a file's content comes from. */
  public enum Kind {
    /** A file or directory on the manager's disk, sent by the manager or a peer. */
    LOCAL,
    /** Bytes held by the manager. */
    BUFFER,
    /** A URL each worker fetches itself (http, https, file), or gets from a peer. */
    URL,
    /** Produced by a task and kept on the worker that made it until someone needs it. */
    TEMP,
    /** Produced on the worker by running a command. */
    MINI_TASK,
    /** A directory unpacked on the worker from a tar archive. */
    UNTAR
  }

  private final Kind kind;
  private final String cacheName;
  private final CacheLevel cacheLevel;
  private final Path path;
  private final String url;
  private final long size;
  private final CommandTask miniTask;
  private final String miniTaskOutput;
  private final DeclaredFile archive;
  private final boolean callResult;

  DeclaredFile(Kind kind, String cacheName, CacheLevel cacheLevel, Path path, String url, long size,
      CommandTask miniTask, String miniTaskOutput, DeclaredFile archive) {
    this(kind, cacheName, cacheLevel, path, url, size, miniTask, miniTaskOutput, archive, false);
  }

  private DeclaredFile(Kind kind, String cacheName, CacheLevel cacheLevel, Path path, String url, long size,
      CommandTask miniTask, String miniTaskOutput, DeclaredFile archive, boolean callResult) {
    this.callResult = callResult;
    this.kind = kind;
    this.cacheName = cacheName;
    this.cacheLevel = cacheLevel;
    this.path = path;
    this.url = url;
    this.size = size;
    this.miniTask = miniTask;
    this.miniTaskOutput = miniTaskOutput;
    this.archive = archive;
  }

  /**
   * The temp of a function call's result in a graph run: made and used only by that run, which
   * alone holds the handle, so the manager does not keep it among the declared names.
   */
  static DeclaredFile callResult(String cacheName) {
    return new DeclaredFile(Kind.TEMP, cacheName, CacheLevel.WORKFLOW, null, null, -1, null, null, null, true);
  }

  /** Whether this is the temp of a call's result in a graph run (see {@link #callResult}). */
  boolean isCallResult() {
    return callResult;
  }

  /** Where the content comes from. */
  public Kind kind() {
    return kind;
  }

  /** The file's name in worker caches. */
  public String cacheName() {
    return cacheName;
  }

  /** How long workers keep it. */
  public CacheLevel cacheLevel() {
    return cacheLevel;
  }

  /** The path on the manager's disk, for local files and for outputs that come back. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /** The URL of a URL file. */
  public Optional<String> url() {
    return Optional.ofNullable(url);
  }

  /** The size in bytes when known at declaration (local files, buffers), else -1. */
  public long size() {
    return size;
  }

  /** The command that makes a mini-task file. */
  public Optional<CommandTask> miniTask() {
    return Optional.ofNullable(miniTask);
  }

  /** The name, in the mini-task's sandbox, of the output that becomes this file. */
  public Optional<String> miniTaskOutput() {
    return Optional.ofNullable(miniTaskOutput);
  }

  /** The archive an untar file unpacks. */
  public Optional<DeclaredFile> archive() {
    return Optional.ofNullable(archive);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase() + " " + cacheName
        + (path != null ? " (" + path + ")" : url != null ? " (" + url + ")" : "");
  }
}

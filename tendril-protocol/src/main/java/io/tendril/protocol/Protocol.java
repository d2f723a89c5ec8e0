package io.tendril.protocol;

import java.util.regex.Pattern;

/**
 * Constants both sides of the wire agree on: the protocol version, chunk and message sizes, and
 * the shape of cache names. The message flow itself is described in docs/protocol.md.
 */
public final class Protocol {
  private Protocol() {}

  /** The version carried by Hello and Welcome; a peer of another version is refused. */
  public static final int VERSION = 2;

  /** Bytes of file data per FileChunk. */
  public static final int CHUNK_BYTES = 256 * 1024;

  /**
   * The HTTP/2 flow-control window of transfer connections: large enough that a fast receiver is
   * never stalled waiting for window updates (gRPC's default is 1 MiB).
   */
  public static final int TRANSFER_WINDOW_BYTES = 8 * 1024 * 1024;

  /** The largest control or transfer message accepted, in bytes. */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  /** Bytes of a task's standard output kept by default; the rest is dropped. */
  public static final long DEFAULT_STDOUT_LIMIT = 1024 * 1024;

  /** The name under which the manager's TransferService is reported as a transfer source. */
  public static final String MANAGER_SOURCE = "manager";

  private static final Pattern CACHE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  /**
   * Whether a string may be a cache name: letters, digits, '.', '_' and '-', starting with a
   * letter or digit, at most 200 characters. Cache names are file names in worker caches, so
   * nothing else is allowed.
   *
   * @param name the candidate
   * @return true if valid
   */
  public static boolean isValidCacheName(String name) {
    return name != null && CACHE_NAME.matcher(name).matches();
  }

  /**
   * Whether a sandbox name is a safe relative path: not empty, not absolute, no {@code ..} or
   * {@code .} segment, no empty segment, no NUL.
   *
   * @param name the candidate
   * @return true if the name stays inside the sandbox
   */
  public static boolean isSafeSandboxName(String name) {
    if (name == null || name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0
        || name.indexOf('\\') >= 0) {
      return false;
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.equals("..") || segment.equals(".")) {
        return false;
      }
    }
    return true;
  }
}

package io.tendril.protocol;


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

  /**
   * Whether a string may be a cache name: letters, digits, '.', '_' and '-', starting with a
   * letter or digit, at most 200 characters. Cache names are file names in worker caches, so
   * nothing else is allowed.
   *
   * @param name the candidate
   * @return true if valid
   */
  public static boolean isValidCacheName(String name) {
    // [A-Za-z0-9][A-Za-z0-9._-]{0,199}, scanned without a matcher: workers check every name of every task.
    if (name == null || name.isEmpty() || name.length() > 200) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
        return false;
      }
    }
    return true;
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
    int start = 0;
    while (true) {
      int end = name.indexOf('/', start);
      int stop = end < 0 ? name.length() : end;
      int len = stop - start;
      if (len == 0 || (len == 1 && name.charAt(start) == '.')
          || (len == 2 && name.charAt(start) == '.' && name.charAt(start + 1) == '.')) {
        return false;
      }
      if (end < 0) {
        return true;
      }
      start = end + 1;
    }
  }
}

package io.tendril.cli;

/**
 * A manager's {@code HOST:PORT} as the commands that connect to one take it; an IPv6 host may be
 * bracketed ({@code [::1]:9123}).
 *
 * @param host the host, without brackets
 * @param port the port, 1–65535
 */
record ManagerAddress(String host, int port) {
  /**
   * Reads {@code HOST:PORT}.
   *
   * @throws IllegalArgumentException if it is not of that form; the message shows what was given
   */
  static ManagerAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      port = -1;
    }
    String host = colon <= 0 ? "" : text.substring(0, colon).replace("[", "").replace("]", "");
    if (host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("the manager must be given as HOST:PORT, got '" + text + "'");
    }
    return new ManagerAddress(host, port);
  }

  /** Whether {@code text} looks like {@code HOST:PORT} rather than a path. */
  static boolean looksLikeOne(String text) {
    return text.matches("(\\[[0-9a-fA-F:.]+]|[^/:\\[\\]]+):[0-9]+");
  }
}

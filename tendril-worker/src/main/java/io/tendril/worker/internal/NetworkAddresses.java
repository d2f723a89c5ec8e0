package io.tendril.worker.internal;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the addresses a worker announces: the local address this machine uses to reach the
 * manager (where the transfer server listens by default, so that the manager and peers on that
 * network can reach it) and the host name sent in Hello. Stateless; used once at start.
 */
final class NetworkAddresses {
  private static final Logger log = LoggerFactory.getLogger(NetworkAddresses.class);

  private NetworkAddresses() {}

  /**
   * The local address of the route towards a host, found by connecting a UDP socket (nothing is
   * sent); the loopback address if there is no route.
   *
   * @param host the manager's host
   * @param port the manager's port
   * @return the local address
   */
  static InetAddress localAddressTowards(String host, int port) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(host, port));
      InetAddress a = s.getLocalAddress();
      if (a != null && !a.isAnyLocalAddress()) {
        return a;
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cannot find the local address towards {}:{}: {}", host, port, e.toString());
    }
    return InetAddress.getLoopbackAddress();
  }

  /** This machine's host name, or "localhost" if it has none. */
  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** {@code host:port}, with an IPv6 address in brackets. */
  static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}

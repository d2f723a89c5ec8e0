package io.tendril.protocol.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Finds out whether a gRPC endpoint speaks TLS, to explain a connection that failed: a plaintext
 * client to a TLS server and a TLS client to a plaintext one both see only a connection closed
 * during the handshake. Two bounded probes on fresh sockets, sending nothing of value:
 *
 * <ul>
 *   <li>plaintext HTTP/2: send the client preface and an empty SETTINGS frame; a plaintext gRPC
 *       server answers with a SETTINGS frame of its own, while a TLS server answers with an alert
 *       or closes;
 *   <li>TLS: a handshake that accepts any certificate and then closes; it completes only with a
 *       TLS server.
 * </ul>
 *
 * Used by the worker when it cannot open its control stream. Stateless.
 */
public final class TlsProbe {
  /** What the endpoint speaks. */
  public enum Answer {
    /** It completed a TLS handshake. */
    TLS,
    /** It answered the HTTP/2 preface in plaintext. */
    PLAINTEXT,
    /** Neither: unreachable, or something else listens there. */
    UNKNOWN
  }

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
  private static final int SETTINGS = 4;

  private TlsProbe() {}

  /**
   * Probes an endpoint.
   *
   * @param host the host
   * @param port the port
   * @param timeout the limit of each connect and each read
   * @return what it speaks
   */
  public static Answer probe(String host, int port, Duration timeout) {
    if (speaksPlaintextHttp2(host, port, timeout)) {
      return Answer.PLAINTEXT;
    }
    return completesTlsHandshake(host, port, timeout) ? Answer.TLS : Answer.UNKNOWN;
  }

  static boolean speaksPlaintextHttp2(String host, int port, Duration timeout) {
    int ms = (int) Math.max(1, timeout.toMillis());
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), ms);
      s.setSoTimeout(ms);
      OutputStream out = s.getOutputStream();
      out.write(PREFACE);
      out.write(EMPTY_SETTINGS);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] header = in.readNBytes(9);
      return header.length == 9 && header[3] == SETTINGS && (header[4] & 0x01) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static boolean completesTlsHandshake(String host, int port, Duration timeout) {
    int ms = (int) Math.max(1, timeout.toMillis());
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AcceptAny()}, null);
      try (Socket raw = new Socket()) {
        raw.connect(new InetSocketAddress(host, port), ms);
        raw.setSoTimeout(ms);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, false)) {
          SSLParameters p = s.getSSLParameters();
          p.setApplicationProtocols(new String[] {"h2"});
          s.setSSLParameters(p);
          s.startHandshake();
          return true;
        }
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** Trusts anything: the probe only asks whether a handshake happens, and sends nothing after it. */
  private static final class AcceptAny implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

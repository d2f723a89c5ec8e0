package io.tendril.worker.internal;

import io.grpc.BindableService;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.tls.ServerTrust;
import io.tendril.protocol.tls.TlsIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The one place where the worker opens gRPC channels (to its manager and to transfer servers) and
 * builds its gRPC server, in plaintext or over TLS: to the manager as the worker's {@link
 * ServerTrust} says, to a transfer server pinning the fingerprint the manager passed for it, and
 * its own transfer server with the self-signed {@link TlsIdentity} made at start. The shared
 * password's handshake runs on top, in the control channel. Stateless; used by the control
 * channel, the transfer client and the transfer server.
 */
final class Transport {
  /** How a refused manager certificate is named in messages. */
  static final String MANAGER = "the manager";

  /** How a refused transfer server certificate is named in messages. */
  static final String TRANSFER_SERVER = "the transfer server";

  private Transport() {}

  /**
   * A channel to the manager's control endpoint.
   *
   * @param host the manager's host
   * @param port the manager's port
   * @param trust how to trust the manager's certificate, or null for plaintext
   * @return a new channel; the caller shuts it down
   */
  static ManagedChannel managerChannel(String host, int port, ServerTrust trust) {
    ChannelCredentials creds = trust == null ? InsecureChannelCredentials.create() : trust.credentials(MANAGER);
    return NettyChannelBuilder.forAddress(host, port, creds)
        .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
        .build();
  }

  /**
   * A channel to a transfer server.
   *
   * @param address {@code host:port} as announced by a worker or the manager
   * @param fingerprint the SHA-256 fingerprint of its certificate to pin, or empty for plaintext
   * @return a new channel; the caller shuts it down
   */
  static ManagedChannel transferChannel(String address, String fingerprint) {
    ChannelCredentials creds = fingerprint.isEmpty() ? InsecureChannelCredentials.create()
        : ServerTrust.pinned(fingerprint).credentials(TRANSFER_SERVER);
    return NettyChannelBuilder.forTarget(address, creds)
        .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
        .flowControlWindow(Protocol.TRANSFER_WINDOW_BYTES)
        .build();
  }

  /**
   * Starts a server for one service.
   *
   * @param address where to listen; port 0 picks a free port
   * @param service the service
   * @param executor the threads calls run on
   * @param identity the key and certificate to serve TLS with, or null for plaintext
   * @return the started server
   * @throws IOException if it cannot listen
   */
  static Server startServer(InetSocketAddress address, BindableService service, java.util.concurrent.Executor executor,
      TlsIdentity identity) throws IOException {
    ServerCredentials creds = identity == null ? InsecureServerCredentials.create() : identity.serverCredentials();
    return NettyServerBuilder.forAddress(address, creds)
        .addService(service)
        .executor(executor)
        .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
        .flowControlWindow(Protocol.TRANSFER_WINDOW_BYTES)
        .build()
        .start();
  }
}

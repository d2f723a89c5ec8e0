package io.tendril.worker.internal;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.tendril.protocol.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The one place where the worker opens gRPC channels (to its manager and to transfer servers) and
 * builds its gRPC server. Plaintext for now; TLS and the shared-secret handshake of the design
 * are to be added here, so that the control stream, fetches and the transfer server all get them
 * at once. Stateless; used by the control channel, the transfer client and the transfer server.
 */
final class Transport {
  private Transport() {}

  /**
   * A channel to the manager's control endpoint.
   *
   * @param host the manager's host
   * @param port the manager's port
   * @return a new channel; the caller shuts it down
   */
  static ManagedChannel managerChannel(String host, int port) {
    return NettyChannelBuilder.forAddress(host, port)
        .usePlaintext()
        .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
        .build();
  }

  /**
   * A channel to a transfer server.
   *
   * @param address {@code host:port} as announced by a worker or the manager
   * @return a new channel; the caller shuts it down
   */
  static ManagedChannel transferChannel(String address) {
    return NettyChannelBuilder.forTarget(address)
        .usePlaintext()
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
   * @return the started server
   * @throws IOException if it cannot listen
   */
  static Server startServer(InetSocketAddress address, BindableService service, java.util.concurrent.Executor executor)
      throws IOException {
    return NettyServerBuilder.forAddress(address)
        .addService(service)
        .executor(executor)
        .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
        .flowControlWindow(Protocol.TRANSFER_WINDOW_BYTES)
        .build()
        .start();
  }
}

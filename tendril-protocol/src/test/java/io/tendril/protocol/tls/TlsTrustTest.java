package io.tendril.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.FileChunk;
import io.tendril.protocol.wire.TransferServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients trusting TLS servers over real gRPC on 127.0.0.1: pinning a fingerprint (host names do
 * not matter), trusting a CA file (host names do), the refusals' messages, and the probe that
 * tells a TLS endpoint from a plaintext one.
 */
@Timeout(120)
class TlsTrustTest {
  private static final TlsIdentity SERVER = TlsIdentity.selfSigned("tendril test server", List.of());

  @TempDir Path dir;
  private Server tls;
  private Server plain;
  /** A TLS server on 127.0.0.2, an address the certificate does not name. */
  private Server unnamed;

  /** Answers every fetch with NOT_FOUND: reaching it at all is what the tests look for. */
  private static final class NotFound extends TransferServiceGrpc.TransferServiceImplBase {
    @Override
    public void fetch(FetchRequest request, StreamObserver<FileChunk> out) {
      out.onError(Status.NOT_FOUND.withDescription("reached").asRuntimeException());
    }
  }

  private static Server start(ServerCredentials creds) throws Exception {
    return start("127.0.0.1", creds);
  }

  private static Server start(String host, ServerCredentials creds) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, 0), creds)
        .addService(new NotFound()).build().start();
  }

  @AfterEach
  void stop() {
    for (Server s : new Server[] {tls, plain, unnamed}) {
      if (s != null) {
        s.shutdownNow();
      }
    }
  }

  /** The status of one fetch through a fresh channel. */
  private static StatusRuntimeException fetch(String host, int port, ChannelCredentials creds) {
    ManagedChannel ch = NettyChannelBuilder.forAddress(host, port, creds).build();
    try {
      return catchThrowableOfType(StatusRuntimeException.class, () -> TransferServiceGrpc.newBlockingStub(ch)
          .withDeadlineAfter(60, TimeUnit.SECONDS).fetch(FetchRequest.newBuilder().setCacheName("x").build())
          .hasNext());
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void aPinnedFingerprintIsTrustedWhateverTheHostNameAndAnyOtherIsRefusedSayingBoth() throws Exception {
    tls = start(SERVER.serverCredentials());
    ServerTrust right = ServerTrust.pinned(SERVER.fingerprint());
    assertThat(fetch("127.0.0.1", tls.getPort(), right.credentials("the manager")).getStatus().getDescription())
        .isEqualTo("reached");
    // 127.0.0.2 is not among the certificate's names: a pin does not care.
    unnamed = start("127.0.0.2", SERVER.serverCredentials());
    assertThat(fetch("127.0.0.2", unnamed.getPort(), right.credentials("the manager")).getStatus().getDescription())
        .isEqualTo("reached");
    String other = TlsIdentity.selfSigned("other", List.of()).fingerprint();
    StatusRuntimeException refused = fetch("127.0.0.1", tls.getPort(),
        ServerTrust.pinned(other).credentials("the manager"));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(UntrustedServerException.find(refused)).contains(
        "the manager's certificate fingerprint is " + SERVER.fingerprint() + ", expected " + other);
  }

  @Test
  void aCaFileIsTrustedForTheNamesItsCertificatesHold() throws Exception {
    tls = start(SERVER.serverCredentials());
    Path ca = Files.writeString(dir.resolve("ca.pem"), SERVER.certificatePem());
    ServerTrust trust = ServerTrust.certificates(ca);
    assertThat(fetch("127.0.0.1", tls.getPort(), trust.credentials("the manager")).getStatus().getDescription())
        .isEqualTo("reached");
    assertThat(fetch("localhost", tls.getPort(), trust.credentials("the manager")).getStatus().getDescription())
        .isEqualTo("reached");
    unnamed = start("127.0.0.2", SERVER.serverCredentials());
    assertThat(UntrustedServerException.find(fetch("127.0.0.2", unnamed.getPort(), trust.credentials("the manager"))))
        .hasValueSatisfying(m -> assertThat(m).contains("not trusted by the certificates of " + ca)
            .contains("127.0.0.2"));
    Path otherCa = Files.writeString(dir.resolve("other.pem"), TlsIdentity.selfSigned("o", List.of()).certificatePem());
    assertThat(UntrustedServerException.find(fetch("127.0.0.1", tls.getPort(),
        ServerTrust.certificates(otherCa).credentials("the manager"))))
        .hasValueSatisfying(m -> assertThat(m).startsWith("the manager showed a certificate with fingerprint "
            + SERVER.fingerprint() + ", not trusted by the certificates of " + otherCa));
  }

  @Test
  void theProbeTellsTlsFromPlaintextAndFromNothing() throws Exception {
    tls = start(SERVER.serverCredentials());
    plain = start(InsecureServerCredentials.create());
    Duration t = Duration.ofSeconds(20);
    assertThat(TlsProbe.probe("127.0.0.1", tls.getPort(), t)).isEqualTo(TlsProbe.Answer.TLS);
    assertThat(TlsProbe.probe("127.0.0.1", plain.getPort(), t)).isEqualTo(TlsProbe.Answer.PLAINTEXT);
    int closed = plain.getPort();
    plain.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    plain = null;
    assertThat(TlsProbe.probe("127.0.0.1", closed, t)).isEqualTo(TlsProbe.Answer.UNKNOWN);
    // A plaintext client to the TLS server, and the other way round, just fail: hence the probe.
    assertThat(fetch("127.0.0.1", tls.getPort(), InsecureChannelCredentials.create()).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }
}

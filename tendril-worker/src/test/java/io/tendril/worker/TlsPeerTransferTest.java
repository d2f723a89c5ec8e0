package io.tendril.worker;

import static io.tendril.worker.Messages.fromAddress;
import static io.tendril.worker.Messages.mount;
import static io.tendril.worker.Messages.output;
import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.tls.ServerTrust;
import io.tendril.protocol.tls.TlsIdentity;
import io.tendril.protocol.tls.TlsProbe;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers of a TLS manager: each serves its files over TLS with a certificate of its own, announced
 * by fingerprint in Hello, and fetches from a transfer server (a peer's or the manager's) only over
 * TLS, trusting only the certificate whose fingerprint the manager passed in FetchFile.
 */
class TlsPeerTransferTest extends WorkerTestSupport {
  private static final TlsIdentity MANAGER = TlsIdentity.selfSigned("fake manager", List.of());

  @BeforeEach
  void startTlsManager() {
    manager.close();
    manager = FakeManager.startTls(MANAGER);
  }

  private Worker tlsWorker(String id) {
    return startWorker(id, b -> b.tls(ServerTrust.pinned(MANAGER.fingerprint())));
  }

  private static String port(Worker w) {
    return w.transferAddress().substring(w.transferAddress().lastIndexOf(':') + 1);
  }

  @Test
  void filesComeFromTheManagerAndFromPeersOverTlsPinnedByTheFingerprintsGiven() throws Exception {
    Worker a = tlsWorker("a");
    Worker b = tlsWorker("b");
    FakeManager.Connection ca = manager.awaitConnection("a");
    FakeManager.Connection cb = manager.awaitConnection("b");
    awaitConnected(a);
    awaitConnected(b);
    String fa = ca.hello.getTransferFingerprint();
    assertThat(fa).matches("[0-9a-f]{64}").isNotEqualTo(cb.hello.getTransferFingerprint())
        .isNotEqualTo(MANAGER.fingerprint());
    assertThat(TlsProbe.probe("127.0.0.1", Integer.parseInt(port(a)), Duration.ofSeconds(20)))
        .as("a worker of a TLS manager serves its files over TLS").isEqualTo(TlsProbe.Answer.TLS);

    manager.serve("buffer-seed", "seed\n".getBytes(StandardCharsets.UTF_8));
    ca.send(fromAddress("buffer-seed", "m1", manager.transferAddress(), 5).toBuilder()
        .setSourceFingerprint(MANAGER.fingerprint()).build());
    assertThat(ca.awaitCacheUpdate("m1").getError()).isEmpty();
    ca.send(task(1, "cat seed seed > t").addInputs(mount("buffer-seed", "seed"))
        .addOutputs(output("t", "temp-t")).build());
    TaskFinished made = ca.awaitFinished(1);
    assertThat(made.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);

    cb.send(fromAddress("temp-t", "p1", a.transferAddress(), 10).toBuilder().setSourceFingerprint(fa).build());
    cb.send(task(2, "cat t").addInputs(mount("temp-t", "t")).build());
    CacheUpdate u = cb.awaitCacheUpdate("p1");
    assertThat(u.getError()).isEmpty();
    assertThat(text(cb.awaitFinished(2).getStdout())).isEqualTo("seed\nseed\n");
    assertThat(a.bytesServed()).isEqualTo(10);

    // The same over the data port, in TLS with the same certificate; a wrong fingerprint fails.
    String data = ca.hello.getTransferDataAddress();
    assertThat(data).isNotEmpty().isNotEqualTo(a.transferAddress());
    assertThat(TlsProbe.probe("127.0.0.1", Integer.parseInt(data.substring(data.lastIndexOf(':') + 1)),
        Duration.ofSeconds(20))).as("the data port speaks TLS too").isEqualTo(TlsProbe.Answer.TLS);
    ca.send(task(3, "head -c 3000000 /dev/zero | tr '\\0' x > big; mkdir -p d/e; echo f > d/e/f; echo s > s")
        .addOutputs(output("big", "temp-big")).addOutputs(output("d", "temp-dir")).addOutputs(output("s", "temp-s"))
        .build());
    assertThat(ca.awaitFinished(3).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    cb.send(fromAddress("temp-big", "d1", a.transferAddress(), 3_000_000).toBuilder().setDataAddress(data)
        .setSourceFingerprint(fa).build());
    cb.send(fromAddress("temp-dir", "d2", a.transferAddress(), 0).toBuilder().setDataAddress(data)
        .setSourceFingerprint(fa).build());
    cb.send(task(4, "tr -d x < big | wc -c; wc -c < big; cat d/e/f").addInputs(mount("temp-big", "big"))
        .addInputs(mount("temp-dir", "d")).build());
    assertThat(cb.awaitCacheUpdate("d1").getError()).isEmpty();
    assertThat(cb.awaitCacheUpdate("d2").getError()).isEmpty();
    assertThat(text(cb.awaitFinished(4).getStdout())).isEqualTo("0\n3000000\nf\n");
    assertThat(a.bytesServed()).isEqualTo(10 + 3_000_000 + 2);
    cb.send(fromAddress("temp-s", "d3", a.transferAddress(), 2).toBuilder().setDataAddress(data)
        .setSourceFingerprint(MANAGER.fingerprint()).build());
    assertThat(cb.awaitCacheUpdate("d3").getError()).contains("fingerprint is " + fa);
  }

  @Test
  void aWrongOrMissingFingerprintFailsTheFetchSayingWhy() throws Exception {
    Worker a = tlsWorker("holder");
    Worker b = tlsWorker("fetcher");
    FakeManager.Connection ca = manager.awaitConnection("holder");
    FakeManager.Connection cb = manager.awaitConnection("fetcher");
    awaitConnected(a);
    awaitConnected(b);
    ca.send(task(1, "echo x > t").addOutputs(output("t", "temp-x")).build());
    assertThat(ca.awaitFinished(1).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    String wrong = cb.hello.getTransferFingerprint();
    cb.send(fromAddress("temp-x", "w", a.transferAddress(), 2).toBuilder().setSourceFingerprint(wrong).build());
    assertThat(cb.awaitCacheUpdate("w").getError()).isEqualTo("fetching temp-x from " + a.transferAddress()
        + " failed: the transfer server's certificate fingerprint is " + ca.hello.getTransferFingerprint()
        + ", expected " + wrong);
    cb.send(fromAddress("temp-x", "none", a.transferAddress(), 2));
    assertThat(cb.awaitCacheUpdate("none").getError()).contains("the manager gave no certificate fingerprint for it")
        .contains("fetches nothing in plaintext");
    assertThat(a.bytesServed()).isZero();
  }
}

package io.tendril.worker;

import static io.tendril.worker.Messages.fromAddress;
import static io.tendril.worker.Messages.mount;
import static io.tendril.worker.Messages.output;
import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.FetchRequest;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.TransferServiceGrpc;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Files moving between two real workers: a file and a directory made by a task on one are fetched
 * by the other from its transfer server, over the gRPC stream and over the data port; unknown
 * names are NOT_FOUND.
 */
class PeerTransferTest extends WorkerTestSupport {

  @Test
  void aFileMadeOnOneWorkerIsFetchedByAnotherFromItsTransferServer() throws Exception {
    Worker a = startWorker("a");
    Worker b = startWorker("b");
    FakeManager.Connection ca = manager.awaitConnection("a");
    FakeManager.Connection cb = manager.awaitConnection("b");
    awaitConnected(a);
    awaitConnected(b);

    ca.send(task(1, "seq 1 100000 > numbers; mkdir -p tree/x; echo leaf > tree/x/leaf")
        .addOutputs(output("numbers", "temp-numbers")).addOutputs(output("tree", "temp-tree")).build());
    TaskFinished made = ca.awaitFinished(1);
    assertThat(made.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    long size = made.getOutputs(0).getSize();
    assertThat(size).isEqualTo(588895);

    cb.send(fromAddress("temp-numbers", "p1", a.transferAddress(), size));
    cb.send(fromAddress("temp-tree", "p2", a.transferAddress(), 0));
    cb.send(task(2, "tail -n 1 n; wc -l < n; cat t/x/leaf").addInputs(mount("temp-numbers", "n"))
        .addInputs(mount("temp-tree", "t")).build());
    CacheUpdate u = cb.awaitCacheUpdate("p1");
    assertThat(u.getError()).isEmpty();
    assertThat(u.getSize()).isEqualTo(size);
    assertThat(u.getSource()).isEqualTo(a.transferAddress());
    assertThat(cb.awaitCacheUpdate("p2").getError()).isEmpty();
    TaskFinished used = cb.awaitFinished(2);
    assertThat(text(used.getStdout())).isEqualTo("100000\n100000\nleaf\n");
    assertThat(a.bytesServed()).isEqualTo(size + 5);
    assertThat(b.bytesFetched()).isEqualTo(size + 5);
  }

  @Test
  void overTheDataPortAMultiMegabyteFileAndADirectoryMoveWhole() throws Exception {
    Worker a = startWorker("a");
    Worker b = startWorker("b");
    FakeManager.Connection ca = manager.awaitConnection("a");
    FakeManager.Connection cb = manager.awaitConnection("b");
    awaitConnected(a);
    awaitConnected(b);
    assertThat(ca.hello.getTransferDataAddress()).isEqualTo(a.transferDataAddress()).startsWith("127.0.0.1:")
        .isNotEqualTo(a.transferAddress());

    ca.send(task(1, "head -c 12000000 /dev/urandom > big; cksum < big; mkdir -p tree/x tree/e; echo leaf > tree/x/leaf;"
        + " printf '#!/bin/sh\\necho ran\\n' > tree/x/run; chmod +x tree/x/run")
        .addOutputs(output("big", "temp-big")).addOutputs(output("tree", "temp-tree")).build());
    TaskFinished made = ca.awaitFinished(1);
    assertThat(made.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    String sum = text(made.getStdout());

    cb.send(fromAddress("temp-big", "d1", a.transferAddress(), 12_000_000).toBuilder()
        .setDataAddress(a.transferDataAddress()).build());
    cb.send(fromAddress("temp-tree", "d2", a.transferAddress(), 0).toBuilder()
        .setDataAddress(a.transferDataAddress()).build());
    cb.send(task(2, "cksum < big; cat t/x/leaf; t/x/run; ls t").addInputs(mount("temp-big", "big"))
        .addInputs(mount("temp-tree", "t")).build());
    CacheUpdate u = cb.awaitCacheUpdate("d1");
    assertThat(u.getError()).isEmpty();
    assertThat(u.getSize()).isEqualTo(12_000_000);
    assertThat(cb.awaitCacheUpdate("d2").getError()).isEmpty();
    TaskFinished used = cb.awaitFinished(2);
    assertThat(text(used.getStdout())).isEqualTo(sum + "leaf\nran\ne\nx\n");
    assertThat(a.bytesServed()).isEqualTo(12_000_000 + 5 + 19);
    assertThat(b.bytesFetched()).isEqualTo(12_000_000 + 5 + 19);
  }

  @Test
  void aWorkerWithoutADataPortAnnouncesNone() throws Exception {
    Worker a = startWorker("plain", o -> o.transferDataPort(-1));
    FakeManager.Connection c = manager.awaitConnection("plain");
    awaitConnected(a);
    assertThat(c.hello.getTransferDataAddress()).isEmpty();
    assertThat(a.transferDataAddress()).isEmpty();
  }

  @Test
  void aNameTheWorkerDoesNotHoldIsNotFound() throws Exception {
    Worker a = startWorker("holder");
    ManagedChannel ch = NettyChannelBuilder.forTarget(a.transferAddress()).usePlaintext().build();
    try {
      var stub = TransferServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> stub.fetch(FetchRequest.newBuilder().setCacheName("nothing-here").build()).next())
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getStatus().getDescription()).contains("nothing-here").contains("holder");
          });
      assertThatThrownBy(() -> stub.fetch(FetchRequest.newBuilder().setCacheName("../etc/passwd").build()).next())
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void aFetchFromAPeerThatIsGoneFails() throws Exception {
    Worker a = startWorker("gone");
    String address = a.transferAddress();
    a.close();
    FakeManager.Connection c = connectWorker("left");
    c.send(fromAddress("temp-x", "p", address, 10));
    assertThat(c.awaitCacheUpdate("p").getError()).contains("UNAVAILABLE");
  }
}

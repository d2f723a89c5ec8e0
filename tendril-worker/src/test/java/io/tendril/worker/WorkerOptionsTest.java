package io.tendril.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Defaults of {@link WorkerOptions} and the messages of its checks, which name the field. */
class WorkerOptionsTest {

  @Test
  void defaultsAreDocumentedValues() {
    WorkerOptions o = WorkerOptions.builder("manager.example", 9123).build();
    assertThat(o.managerHost()).isEqualTo("manager.example");
    assertThat(o.managerPort()).isEqualTo(9123);
    assertThat(o.cores()).isEmpty();
    assertThat(o.memoryMb()).isEmpty();
    assertThat(o.diskMb()).isEmpty();
    assertThat(o.gpus()).isEmpty();
    assertThat(o.workspace()).isEmpty();
    assertThat(o.idleTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(o.heartbeatInterval()).isEqualTo(WorkerOptions.DEFAULT_HEARTBEAT_INTERVAL);
    assertThat(o.transferHost()).isEmpty();
    assertThat(o.transferPort()).isZero();
    assertThat(o.transferConcurrency()).isEqualTo(10);
    assertThat(o.libraryHeapMb()).isEmpty();
    assertThat(o.monitorInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.diskFloorMb()).isEqualTo(WorkerOptions.DEFAULT_DISK_FLOOR_MB).isEqualTo(64);
    assertThat(o.diskSpace()).isNotNull();
    assertThat(o.directSpawn()).isTrue();
    assertThat(WorkerOptions.builder("h", 1).directSpawn(false).build().directSpawn()).isFalse();
    assertThat(WorkerOptions.builder("h", 1).directSpawn(false).build().toString()).contains("directSpawn=false");
    assertThat(o.workerId()).matches("w-[0-9a-f]{8}");
    assertThat(WorkerOptions.builder("h", 1).build().workerId()).isNotEqualTo(o.workerId());
  }

  @Test
  void givenValuesAreKept() {
    DiskSpace probe = dir -> 1;
    WorkerOptions o = WorkerOptions.builder("h", 1).cores(2.5).memoryMb(10).diskMb(20).gpus(1)
        .workspace(Path.of("/tmp/ws")).idleTimeout(Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(4))
        .heartbeatInterval(Duration.ofMillis(500)).transferHost("10.0.0.7").transferPort(7000)
        .transferConcurrency(3).libraryHeapMb(512).monitorInterval(Duration.ofMillis(40)).workerId("node-1")
        .diskFloorMb(0).diskSpace(probe).build();
    assertThat(o.cores()).hasValue(2.5);
    assertThat(o.memoryMb()).hasValue(10);
    assertThat(o.diskMb()).hasValue(20);
    assertThat(o.gpus()).hasValue(1);
    assertThat(o.workspace()).contains(Path.of("/tmp/ws"));
    assertThat(o.idleTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(o.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.transferHost()).contains("10.0.0.7");
    assertThat(o.transferPort()).isEqualTo(7000);
    assertThat(o.transferConcurrency()).isEqualTo(3);
    assertThat(o.libraryHeapMb()).hasValue(512);
    assertThat(o.monitorInterval()).isEqualTo(Duration.ofMillis(40));
    assertThat(o.workerId()).isEqualTo("node-1");
    assertThat(o.diskFloorMb()).isZero();
    assertThat(o.diskSpace()).isSameAs(probe);
    assertThat(o.toString()).contains("h:1").contains("node-1").contains("diskFloorMb=0");
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    WorkerOptions.Builder b = WorkerOptions.builder("h", 1);
    assertThatThrownBy(() -> WorkerOptions.builder(" ", 1)).hasMessageContaining("managerHost");
    assertThatThrownBy(() -> WorkerOptions.builder("h", 0)).hasMessageContaining("managerPort");
    assertThatThrownBy(() -> WorkerOptions.builder("h", 65536)).hasMessageContaining("managerPort");
    assertThatThrownBy(() -> b.cores(0)).hasMessageContaining("cores");
    assertThatThrownBy(() -> b.cores(Double.NaN)).hasMessageContaining("cores");
    assertThatThrownBy(() -> b.memoryMb(0)).hasMessageContaining("memoryMb");
    assertThatThrownBy(() -> b.diskMb(-1)).hasMessageContaining("diskMb");
    assertThatThrownBy(() -> b.gpus(-1)).hasMessageContaining("gpus");
    assertThatThrownBy(() -> b.workspace(null)).hasMessageContaining("workspace");
    assertThatThrownBy(() -> b.idleTimeout(Duration.ZERO)).hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(-1))).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> b.heartbeatInterval(null)).hasMessageContaining("heartbeatInterval");
    assertThatThrownBy(() -> b.transferHost("")).hasMessageContaining("transferHost");
    assertThatThrownBy(() -> b.transferPort(70000)).hasMessageContaining("transferPort");
    assertThatThrownBy(() -> b.transferConcurrency(0)).hasMessageContaining("transferConcurrency");
    assertThatThrownBy(() -> b.libraryHeapMb(63)).hasMessageContaining("libraryHeapMb");
    assertThatThrownBy(() -> b.monitorInterval(Duration.ofMillis(9))).hasMessageContaining("monitorInterval");
    assertThatThrownBy(() -> b.monitorInterval(null)).hasMessageContaining("monitorInterval");
    assertThatThrownBy(() -> b.workerId("has space")).hasMessageContaining("workerId");
    assertThatThrownBy(() -> b.workerId("")).hasMessageContaining("workerId");
    assertThatThrownBy(() -> b.diskFloorMb(-1)).hasMessageContaining("diskFloorMb");
    assertThatThrownBy(() -> b.diskSpace(null)).hasMessageContaining("diskSpace");
  }

  @Test
  void aWorkspaceThatCannotBeMadeFailsTheStartWithAClearMessage() throws Exception {
    Path file = java.nio.file.Files.createTempFile("not-a-dir", "");
    try {
      Worker w = new Worker(WorkerOptions.builder("127.0.0.1", 1).workspace(file.resolve("ws")).cores(1)
          .memoryMb(1).diskMb(1).gpus(0).build());
      assertThat(w.run()).isEqualTo(1);
      WorkerExit exit = w.exit().orElseThrow();
      assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.FAILED);
      assertThat(exit.message()).contains("cannot start");
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }
}

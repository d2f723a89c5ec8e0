package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.wire.FetchFile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The time limits of fetches grow with the file, follow the manager, and stay bounded; bad addresses are refused early. */
class TransferLimitsTest {

  @Test
  void withoutLimitsFromTheManagerTheyGrowWithTheSize() {
    TransferLimits small = TransferLimits.of(FetchFile.newBuilder().setSize(1000).build());
    TransferLimits large = TransferLimits.of(FetchFile.newBuilder().setSize(10L << 30).build());
    assertThat(small.total()).isEqualTo(Duration.ofSeconds(30));
    assertThat(large.total()).isEqualTo(Duration.ofSeconds(30 + 10 * 1024));
    assertThat(small.stall()).isEqualTo(TransferLimits.STALL_TIME).isEqualTo(large.stall());
    assertThat(TransferLimits.of(FetchFile.newBuilder().build()).total()).as("unknown size: no total limit").isNull();
    assertThat(TransferLimits.of(FetchFile.newBuilder().setSize(Long.MAX_VALUE).build()).total())
        .isEqualTo(TransferLimits.LONGEST);
  }

  @Test
  void theManagersLimitsWinAndAreBounded() {
    TransferLimits l = TransferLimits.of(FetchFile.newBuilder().setSize(1000).setTimeoutMs(2500).setStallTimeoutMs(700).build());
    assertThat(l.total()).isEqualTo(Duration.ofMillis(2500));
    assertThat(l.stall()).isEqualTo(Duration.ofMillis(700));
    assertThat(l.stallText()).isEqualTo("700 ms");
    TransferLimits huge = TransferLimits.of(FetchFile.newBuilder().setTimeoutMs(Long.MAX_VALUE).setStallTimeoutMs(Long.MAX_VALUE).build());
    assertThat(huge.total()).isEqualTo(TransferLimits.LONGEST);
    assertThat(huge.stall()).isEqualTo(TransferLimits.LONGEST);
    TransferLimits negative = TransferLimits.of(FetchFile.newBuilder().setTimeoutMs(-5).setStallTimeoutMs(-5).build());
    assertThat(negative.stall()).isEqualTo(TransferLimits.STALL_TIME);
    assertThat(negative.total()).isNull();
  }

  @Test
  void transferAddressesMustBeHostAndPort() {
    for (String ok : new String[] {"127.0.0.1:9000", "node-7.cluster:1", "[::1]:65535", "localhost:80"}) {
      assertThat(TransferClient.checkAddress(ok)).as(ok).isNull();
    }
    assertThat(TransferClient.checkAddress("127.0.0.1:99999")).contains("port out of range");
    assertThat(TransferClient.checkAddress("127.0.0.1:0")).contains("port out of range");
    assertThat(TransferClient.checkAddress("127.0.0.1")).contains("not host:port");
    assertThat(TransferClient.checkAddress(":80")).contains("not host:port");
    assertThat(TransferClient.checkAddress("a b:80")).contains("no valid host");
    assertThat(TransferClient.checkAddress(":::")).contains("no valid");
    assertThat(TransferClient.checkAddress("::1:80")).contains("no valid host");
    assertThat(TransferClient.checkAddress("h:x")).contains("no valid port");
    assertThat(TransferClient.checkAddress("user@h:80")).contains("no valid host");
  }
}

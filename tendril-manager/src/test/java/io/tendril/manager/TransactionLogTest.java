package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.graph.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events as JSON lines. */
class TransactionLogTest {
  @TempDir Path tmp;

  @Test
  void numbersAreWrittenAsJsonWritesThem() throws Exception {
    List<Double> values = List.of(0.0, -0.0, 1.0, 3.0, 1000.0, 2.5, 0.001, 1e14, 1e15, 1e20, -1.0, -2.5);
    try (TransactionLog log = new TransactionLog(tmp)) {
      for (double v : values) {
        log.event("task", "value", v);
      }
    }
    List<String> lines = Files.readAllLines(tmp.resolve("transactions.jsonl"));
    assertThat(lines).hasSize(values.size());
    for (int i = 0; i < values.size(); i++) {
      StringBuilder expected = new StringBuilder();
      Json.write(values.get(i), expected);
      assertThat(lines.get(i)).as("%s", values.get(i)).endsWith(",\"value\":" + expected + "}");
    }
  }
}

package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.wire.CachedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's bookkeeping: levels, the forever sidecar, pins and deferred removal, names. */
class WorkerCacheTest {
  @TempDir Path tmp;

  private Path file(String name, String content) throws Exception {
    return Files.writeString(tmp.resolve(name), content);
  }

  @Test
  void entriesMoveInWholeAndForeverOnesSurviveAReopen() throws Exception {
    Path dir = tmp.resolve("cache");
    WorkerCache c = WorkerCache.open(dir);
    assertThat(c.moveIn(file("a", "12345"), "keep-me", CacheLevel.FOREVER)).isEqualTo(5);
    c.moveIn(file("b", "xy"), "drop-me", CacheLevel.WORKER);
    assertThat(c.bytes()).isEqualTo(7);
    assertThat(c.listing()).extracting(CachedFile::getCacheName).containsExactly("drop-me", "keep-me");
    Files.writeString(dir.resolve(".part-9-half"), "partial");

    WorkerCache again = WorkerCache.open(dir);
    assertThat(again.has("keep-me")).isTrue();
    assertThat(again.size("keep-me")).hasValue(5);
    assertThat(again.has("drop-me")).isFalse();
    assertThat(Files.exists(dir.resolve("drop-me"))).isFalse();
    assertThat(Files.exists(dir.resolve(".part-9-half"))).isFalse();
  }

  @Test
  void aPinnedEntryIsRemovedWhenItsLastPinGoes() throws Exception {
    WorkerCache c = WorkerCache.open(tmp.resolve("cache"));
    c.moveIn(file("a", "data"), "busy", CacheLevel.WORKFLOW);
    c.pin("busy");
    c.pin("busy");
    assertThat(c.remove("busy")).isTrue();
    assertThat(Files.exists(c.path("busy"))).isTrue();
    c.unpin("busy");
    assertThat(Files.exists(c.path("busy"))).isTrue();
    c.unpin("busy");
    assertThat(Files.exists(c.path("busy"))).isFalse();
    assertThat(c.has("busy")).isFalse();
  }

  @Test
  void keepRaisesTheLevelAndCancelsAPendingRemoval() throws Exception {
    WorkerCache c = WorkerCache.open(tmp.resolve("cache"));
    c.moveIn(file("a", "data"), "wanted", CacheLevel.TASK);
    c.pin("wanted");
    c.remove("wanted");
    c.keep("wanted", CacheLevel.WORKER);
    c.unpin("wanted");
    assertThat(c.has("wanted")).isTrue();
    assertThat(c.entry("wanted").orElseThrow().level()).isEqualTo(CacheLevel.WORKER);
    c.keep("wanted", CacheLevel.TASK);
    assertThat(c.entry("wanted").orElseThrow().level()).as("never lowered").isEqualTo(CacheLevel.WORKER);
    c.removeLevels(EnumSet.of(CacheLevel.WORKER));
    assertThat(c.has("wanted")).isFalse();
  }

  @Test
  void namesOutsideTheRulesAreRefused() throws Exception {
    WorkerCache c = WorkerCache.open(tmp.resolve("cache"));
    assertThatThrownBy(() -> c.path("../x")).hasMessageContaining("invalid cache name");
    assertThatThrownBy(() -> c.remove(".forever")).hasMessageContaining("invalid cache name");
    assertThat(ArchiveUnpacker.escapes("../x")).isTrue();
    assertThat(ArchiveUnpacker.escapes("a/../../x")).isTrue();
    assertThat(ArchiveUnpacker.escapes("/etc/passwd")).isTrue();
    assertThat(ArchiveUnpacker.escapes("./data/x..y")).isFalse();
  }

  @Test
  void closingRemovesEverythingButForever() throws Exception {
    WorkerCache c = WorkerCache.open(tmp.resolve("cache"));
    c.moveIn(file("a", "1"), "t", CacheLevel.TASK);
    c.moveIn(file("b", "2"), "f", CacheLevel.FOREVER);
    c.pin("t");
    c.closeAndClean();
    assertThat(c.has("t")).isFalse();
    assertThat(Files.exists(c.path("t"))).isFalse();
    assertThat(c.holdsForever()).isTrue();
  }
}

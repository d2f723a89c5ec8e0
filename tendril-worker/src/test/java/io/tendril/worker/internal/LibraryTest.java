package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Library processes that fail to start, and the command line of real ones. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LibraryTest {
  @TempDir Path tmp;

  @Test
  void aLibraryThatExitsBeforeItIsReadyReportsItsStatusAndStandardError() {
    assertThatThrownBy(() -> Library.start(1, LibraryEnvironment.of(List.of("cp-1")), null,
        List.of("/bin/sh", "-c", "echo no java here >&2; exit 3"),
        tmp.resolve("1"), tmp.resolve("1.log")))
        .isInstanceOf(LibraryFailedException.class)
        .hasMessageContaining("library 1")
        .hasMessageContaining("classpath [cp-1]")
        .hasMessageContaining("exited with status 3")
        .hasMessageContaining("no java here");
  }

  @Test
  void aLibraryThatWritesSomethingElseOnItsOutputIsKilled() {
    assertThatThrownBy(() -> Library.start(2, LibraryEnvironment.of(List.of()), null,
        List.of("/bin/sh", "-c", "echo hello; sleep 60"),
        tmp.resolve("2"), tmp.resolve("2.log")))
        .isInstanceOf(LibraryFailedException.class)
        .hasMessageContaining("library 2")
        .hasMessageContaining("corrupt");
  }

  @Test
  void aLibraryThatCannotBeSpawnedSaysSo() {
    assertThatThrownBy(() -> Library.start(3, LibraryEnvironment.of(List.of("a")), null,
        List.of(tmp.resolve("no-such-java").toString()),
        tmp.resolve("3"), tmp.resolve("3.log")))
        .isInstanceOf(LibraryFailedException.class)
        .hasMessageContaining("cannot start a library for classpath [a]");
  }

  @Test
  void theCommandLineRunsLibraryMainOnTheWorkersClassPathWithTheEntriesLast() {
    LibraryCommand command = new LibraryCommand(Path.of("/jdk/bin/java"), 2048, "/w/a.jar:/w/b.jar");
    List<String> argv = command.argv(4, List.of(Path.of("/cache/x"), Path.of("/cache/y")));
    assertThat(argv.get(0)).isEqualTo("/jdk/bin/java");
    assertThat(argv).contains("-Xmx2048m");
    assertThat(argv).containsSubsequence("-cp", "/w/a.jar:/w/b.jar", "io.tendril.worker.library.LibraryMain",
        "--slots", "4", "--classpath", "/cache/x", "/cache/y");
    assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly("/cache/x", "/cache/y");
    if (Runtime.version().feature() >= 24) {
      assertThat(argv).contains("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    }
    assertThat(new LibraryCommand(Path.of("java"), 1, "").argv(1, List.of())).contains("-Xmx64m");
  }
}

package io.tendril.worker.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command line of a library process. */
@Timeout(10)
class LibraryArgumentsTest {

  @Test
  void slotsAndEveryArgumentAfterClasspathAsOneEntry() {
    LibraryArguments a = LibraryArguments.parse(new String[] {"--slots", "3", "--classpath", "/c/a.jar", "/c/dir"});
    assertThat(a.slots()).isEqualTo(3);
    assertThat(a.classpath()).containsExactly(Path.of("/c/a.jar"), Path.of("/c/dir"));
    assertThat(LibraryArguments.parse(new String[] {"--slots", "1", "--classpath"}).classpath()).isEmpty();
  }

  @Test
  void malformedCommandLinesSayWhatIsWrong() {
    assertThatThrownBy(() -> LibraryArguments.parse(new String[] {"--classpath"}))
        .hasMessageContaining("both --slots and --classpath are required");
    assertThatThrownBy(() -> LibraryArguments.parse(new String[] {"--slots", "0", "--classpath"}))
        .hasMessageContaining("--slots must be 1 to");
    assertThatThrownBy(() -> LibraryArguments.parse(new String[] {"--slots", "many", "--classpath"}))
        .hasMessageContaining("--slots needs a number, not 'many'");
    assertThatThrownBy(() -> LibraryArguments.parse(new String[] {"--verbose"}))
        .hasMessageContaining("unknown argument '--verbose'").hasMessageContaining("usage:");
  }
}

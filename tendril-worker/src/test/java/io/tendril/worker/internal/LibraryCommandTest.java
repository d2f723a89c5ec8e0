package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LibraryCommandTest {
  @Test
  void relativeClasspathEntriesBecomeAbsoluteSoTheLibraryFindsThemFromItsOwnDirectory() {
    String cp = "tendril-cli/target/tendril.jar" + File.pathSeparator + File.pathSeparator + "/opt/x/classes";
    String abs = LibraryCommand.absolute(cp);
    assertThat(abs.split(File.pathSeparator)).containsExactly(
        Path.of("tendril-cli/target/tendril.jar").toAbsolutePath().toString(), "/opt/x/classes");
  }
}

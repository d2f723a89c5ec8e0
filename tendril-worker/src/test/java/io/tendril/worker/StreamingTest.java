package io.tendril.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MB file moves between two workers without being held in memory: the transfer runs in a
 * child JVM whose heap ({@value #HEAP}) is far smaller than the file, so buffering it whole would
 * fail with OutOfMemoryError.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StreamingTest {
  private static final String HEAP = "-Xmx64m";
  private static final long FILE_BYTES = 200L << 20;

  @TempDir Path tmp;

  @Test
  void a200MegabyteFileStreamsBetweenWorkersInASmallHeap() throws Exception {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Path argFile = tmp.resolve("classpath.args");
    String classpath = System.getProperty("java.class.path").replace("\\", "\\\\");
    Files.writeString(argFile, "-cp\n\"" + classpath + "\"\n");
    List<String> cmd = List.of(javaBin.toString(), HEAP, "-XX:+ExitOnOutOfMemoryError", "@" + argFile,
        StreamingChild.class.getName(), tmp.resolve("work").toString(), Long.toString(FILE_BYTES));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    boolean done = p.waitFor(200, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String log = Files.readString(tmp.resolve("child.log"), StandardCharsets.UTF_8);
    assertThat(done).as("the child finished; its output:%n%s", log).isTrue();
    assertThat(p.exitValue()).as("the child's exit status; its output:%n%s", log).isZero();
    String ok = log.lines().filter(l -> l.startsWith("OK ")).findFirst().orElseThrow();
    String[] fields = ok.split(" ");
    assertThat(Long.parseLong(fields[1])).isEqualTo(FILE_BYTES);
    assertThat(Long.parseLong(fields[3])).as("bytes served by A").isEqualTo(FILE_BYTES);
    assertThat(Long.parseLong(fields[4])).as("bytes fetched by B").isEqualTo(FILE_BYTES);
  }
}

package io.tendril.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which command lines the worker starts without a shell, and what it starts for them. */
class PlainCommandTest {
  @TempDir Path dir;

  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

  private Optional<List<String>> argv(String command) {
    return PlainCommand.argv(command, ENV, dir);
  }

  private static String which(String program) {
    return Files.isExecutable(Path.of("/usr/bin", program)) ? "/usr/bin/" + program : "/bin/" + program;
  }

  @Test
  void plainWordsBecomeTheProgramFoundOnThePathAndItsArguments() {
    assertThat(argv("/bin/true")).contains(List.of("/bin/true"));
    assertThat(argv("  touch out.1\tx-y_z,a:b=c+d@e%f  ")).contains(List.of(which("touch"), "out.1", "x-y_z,a:b=c+d@e%f"));
    assertThat(argv("wc -l /etc/hostname")).contains(List.of(which("wc"), "-l", "/etc/hostname"));
  }

  @Test
  void anythingAShellWouldReadDifferentlyKeepsTheShell() {
    for (String c : List.of("", "   ", "echo hi", "true", "cd /", "test -f x", "[ -f x ]", "exit 3", "kill 1",
        "printf x", "ls *.txt", "ls a?", "ls [ab]", "ls $HOME", "ls ${X}", "ls `pwd`", "ls 'a b'", "ls \"a\"",
        "ls a\\ b", "ls > out", "ls < in", "ls | wc", "ls; ls", "ls && ls", "ls &", "ls # comment", "ls ~",
        "ls ~/x", "A=1 ls", "(ls)", "{ ls; }", "! ls", "ls\nls", "if true", "while x", "for i", "time ls",
        "no-such-program-anywhere", "./missing")) {
      assertThat(argv(c)).as("'%s' keeps the shell", c).isEmpty();
    }
  }

  @Test
  void anEnvironmentThatChangesHowAShellStartsKeepsTheShell() {
    for (String v : List.of("ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PWD")) {
      assertThat(PlainCommand.argv("/bin/true", Map.of("PATH", "/usr/bin:/bin", v, "x"), dir)).as(v).isEmpty();
    }
  }

  @Test
  void thePathIsTheTasksAndSearchedInOrderWhileRelativeEntriesKeepTheShell() throws Exception {
    Path first = Files.createDirectories(dir.resolve("first"));
    Path second = Files.createDirectories(dir.resolve("second"));
    for (Path d : List.of(first, second)) {
      Path p = Files.writeString(d.resolve("tool"), "#!/bin/sh\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.writeString(dir.resolve("first/plain-file"), "not executable");
    Map<String, String> env = Map.of("PATH", first + ":" + second);
    assertThat(PlainCommand.argv("tool a", env, dir)).contains(List.of(first.resolve("tool").toString(), "a"));
    assertThat(PlainCommand.argv("plain-file", env, dir)).as("not executable").isEmpty();
    assertThat(PlainCommand.argv("tool", Map.of("PATH", ":" + first), dir)).as("the current directory first").isEmpty();
    assertThat(PlainCommand.argv("tool", Map.of("PATH", "rel:" + first), dir)).as("a relative entry").isEmpty();
    assertThat(PlainCommand.argv("tool", Map.of(), dir)).as("no PATH").isEmpty();
    assertThat(PlainCommand.argv("first/tool x", Map.of(), dir)).as("a path with a slash, in the sandbox")
        .contains(List.of(dir.resolve("first/tool").toString(), "x"));
  }
}

package io.tendril.cli;

import static io.tendril.cli.Run.tendril;
import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --password FILE} on {@code tendril run}, {@code get} and {@code worker}: the embedded
 * manager and its local worker processes share the file; a worker process with another password,
 * or none, leaves at once with a message saying why; a bad file is a usage error naming it.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AuthCommandTest {
  @TempDir Path dir;


  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private Process worker(int port, String id, String... more) throws IOException {
    return WorkerProcesses.start(dir, port, id, 60, more);
  }

  /** Waits for a worker process that must leave well before its 60 s connect timeout. */
  private String exitedAtOnce(Process p, String id) throws Exception {
    return WorkerProcesses.exitedAtOnce(dir, p, id, 30);
  }

  @Test
  void runGivesThePasswordToTheManagerAndItsLocalWorkers() throws Exception {
    Path password = file("password", "run secret\n");
    file("input.txt", "b\na\n");
    Path flow = file("flow.makeflow", """
        sorted.txt: input.txt
        \tsort input.txt > sorted.txt

        counted.txt: sorted.txt
        \twc -l < sorted.txt > counted.txt
        """);
    Path run = dir.resolve("run");
    Run r = tendril("run", flow.toString(), "--workers", "2", "--password", password.toString(),
        "--run-dir", run.toString());
    assertThat(r.exit).as(r.err + r.out).isZero();
    assertThat(r.out).contains("2 rules: 2 succeeded, 0 failed, 0 skipped");
    assertThat(Files.readString(dir.resolve("sorted.txt"))).isEqualTo("a\nb\n");
    assertThat(Files.readString(dir.resolve("counted.txt")).strip()).isEqualTo("2");
    assertThat(Files.readString(run.resolve("transactions.jsonl"))).contains("\"password\":true")
        .doesNotContain("\"event\":\"refuse\"");
  }

  @Test
  void getGivesThePasswordToTheManagerAndItsLocalWorkers() throws Exception {
    Path password = file("password", "get secret");
    Path g = file("g.json", """
        {"x": 1, "y": {"call": "inc", "args": ["x"]}, "z": {"call": "add", "args": ["x", "y"]}}
        """);
    Run r = tendril("get", g.toString(), "z", "--workers", "1", "--password", password.toString(),
        "--run-dir", dir.resolve("run").toString());
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.strip()).isEqualTo("3");
  }

  @Test
  void aWorkerProcessWithAnotherPasswordLeavesAtOnce() throws Exception {
    Path right = file("right", "right\n");
    Path wrong = file("wrong", "wrong\n");
    try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").password(right)
        .runDirectory(dir.resolve("run")).build())) {
      String log = exitedAtOnce(worker(m.port(), "wrong-one", "--password", wrong.toString()), "wrong-one");
      assertThat(log).contains("authentication with the manager at 127.0.0.1:" + m.port()
          + " failed: the password differs");
      assertThat(m.stats().workersJoined()).isZero();
    }
  }

  @Test
  void aWorkerProcessIsToldWhichSideExpectsAPassword() throws Exception {
    Path password = file("password", "secret\n");
    try (Manager withPassword = new Manager(ManagerOptions.builder().host("127.0.0.1").password(password)
            .runDirectory(dir.resolve("run-a")).build());
        Manager without = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(dir.resolve("run-b")).build())) {
      Process bare = worker(withPassword.port(), "bare");
      Process keen = worker(without.port(), "keen", "--password", password.toString());
      assertThat(exitedAtOnce(bare, "bare")).contains("the manager at 127.0.0.1:" + withPassword.port()
          + " requires a password and worker bare has none: start it with --password FILE");
      assertThat(exitedAtOnce(keen, "keen")).contains("worker keen has a password but the manager at 127.0.0.1:"
          + without.port() + " expects none");
    }
  }

  @Test
  void statusOfARunningManagerProvesThePasswordLikeAWorker() throws Exception {
    Path password = file("password", "status secret\n");
    Path wrong = file("wrong", "guess\n");
    try (Manager m = new Manager(ManagerOptions.builder().name("watched").host("127.0.0.1").password(password)
        .runDirectory(dir.resolve("run")).build())) {
      Process w = worker(m.port(), "busy-one", "--password", password.toString());
      try {
        m.category("busy").max(1, 100, 0, 0);
        m.submit(io.tendril.manager.CommandTask.builder("sleep 60").category("busy").cores(1).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (m.stats().tasksRunning() < 1) {
          assertThat(System.nanoTime()).as("the task started in time").isLessThan(deadline);
          Thread.sleep(50);
        }
        String address = "127.0.0.1:" + m.port();
        Run ok = tendril("status", address, "--password", password.toString());
        assertThat(ok.exit).as(ok.err).isZero();
        assertThat(ok.out).contains("manager 'watched' at " + address + ", up ")
            .contains("tasks: 1 submitted, 0 waiting for inputs, 0 ready, 1 running, 0 retrieving, 0 done")
            .contains("workers: 1 connected, 1 joined, 0 lost")
            .contains("category busy (fixed): 0 done, 1 running, 0 waiting")
            .containsPattern("busy-one@\\S+ +1/1 +")
            .contains("memory");

        Run none = tendril("status", address);
        assertThat(none.exit).isEqualTo(1);
        assertThat(none.err).contains("requires a password").contains("--password FILE");
        Run bad = tendril("status", address, "--password", wrong.toString());
        assertThat(bad.exit).isEqualTo(1);
        assertThat(bad.err).contains("the password differs");
        assertThat(m.stats().workersJoined()).as("status clients are not workers").isEqualTo(1);
        assertThat(m.stats().tasksRunning()).as("the run goes on").isEqualTo(1);
      } finally {
        w.destroyForcibly();
      }
    }
  }

  @Test
  void anEmptyOrMissingPasswordFileIsAUsageErrorNamingIt() throws Exception {
    Path empty = file("empty", "\n");
    Path missing = dir.resolve("missing");
    Run w = tendril("worker", "127.0.0.1:1", "--password", empty.toString());
    assertThat(w.exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(w.err).contains("the password file " + empty + " is empty");
    Path flow = file("flow.makeflow", "out: \n\techo hi > out\n");
    Run r = tendril("run", flow.toString(), "--workers", "1", "--password", missing.toString());
    assertThat(r.exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err).contains("cannot read the password file " + missing);
    Path g = file("g.json", "{\"x\": 1}");
    Run get = tendril("get", g.toString(), "x", "--workers", "1", "--password", empty.toString());
    assertThat(get.exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(get.err).contains("the password file " + empty + " is empty");
    Run local = tendril("get", g.toString(), "x", "--password", empty.toString());
    assertThat(local.exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(local.err).contains("--password applies only when the graph runs on workers");
  }
}

package io.tendril.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.manager.CommandTask;
import io.tendril.manager.DeclaredFile;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.protocol.CacheLevel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers as separate processes over their life: started before their manager, giving up when it
 * is gone, and making files by mini-tasks and archives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerLifecycleTest {
  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Process worker(int port, String id, int connectTimeoutSeconds) throws IOException {
    return WorkerProcesses.start(dir, port, id, connectTimeoutSeconds);
  }


  private static CommandTask await(Manager m) {
    Optional<CommandTask> t = m.await(Duration.ofSeconds(60));
    assertThat(t).as("a task finished in time").isPresent();
    return t.get();
  }

  @Test
  void aWorkerStartedBeforeItsManagerConnectsWhenItComesUp() throws Exception {
    int port = freePort();
    Process w = worker(port, "early", 60);
    try {
      Thread.sleep(2000);
      assertThat(w.isAlive()).isTrue();
      try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").port(port).runDirectory(dir.resolve("run")).build())) {
        CommandTask t = CommandTask.builder("echo connected").build();
        m.submit(t);
        assertThat(await(m).stdout()).isEqualTo("connected\n");
      }
      // The manager said goodbye on close: the worker leaves cleanly.
      assertThat(w.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(w.exitValue()).isZero();
    } finally {
      w.destroyForcibly();
    }
  }

  @Test
  void aWorkerGivesUpWhenItsManagerIsGone() throws Exception {
    int port = freePort();
    Process w = worker(port, "orphan", 3);
    try {
      assertThat(w.waitFor(60, TimeUnit.SECONDS)).as("the worker gave up").isTrue();
      assertThat(w.exitValue()).isEqualTo(1);
      assertThat(Files.readString(dir.resolve("orphan.log"))).contains("could not reach the manager");
    } finally {
      w.destroyForcibly();
    }
  }

  @Test
  void miniTasksAndArchivesAreMadeOnTheWorker() throws Exception {
    Path src = Files.createDirectories(dir.resolve("tree").resolve("inner"));
    Files.writeString(src.resolve("note.txt"), "packed\n");
    Path tar = dir.resolve("tree.tar");
    Process p = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", dir.resolve("tree").toString(), "inner").start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    try (Manager m = new Manager(ManagerOptions.builder().host("127.0.0.1").runDirectory(dir.resolve("run")).build());
        LocalWorkers workers = LocalWorkers.start(1, m.port(), dir.resolve("run"))) {
      DeclaredFile seed = m.declareBuffer("seed\n".getBytes(), CacheLevel.WORKFLOW);
      DeclaredFile made = m.declareMiniTask(
          CommandTask.builder("cat s s > doubled").input(seed, "s").build(), "doubled");
      DeclaredFile unpacked = m.declareUntar(m.declareFile(tar, CacheLevel.WORKFLOW));
      Path out = dir.resolve("result.txt");
      CommandTask t = CommandTask.builder("cat made tree/inner/note.txt > out")
          .input(made, "made").input(unpacked, "tree").output("out", m.declareFile(out, CacheLevel.WORKFLOW)).build();
      m.submit(t);
      CommandTask done = await(m);
      assertThat(done.succeeded()).as(done.resultCode() + " " + done.message() + " " + done.stdout()).isTrue();
      assertThat(done.attempts()).as("the task waited for its inputs instead of failing once").isEqualTo(1);
      assertThat(Files.readString(out)).isEqualTo("seed\nseed\npacked\n");
      assertThat(Files.readString(m.transactionLog())).contains("\"source_kind\":\"mini-task\"").contains("\"source_kind\":\"untar\"");
    }
  }
}

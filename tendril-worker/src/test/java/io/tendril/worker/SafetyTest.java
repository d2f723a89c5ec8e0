package io.tendril.worker;

import static io.tendril.worker.Messages.fromAddress;
import static io.tendril.worker.Messages.mount;
import static io.tendril.worker.Messages.output;
import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.Unlink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Requests that would reach outside the workspace are refused — unsafe sandbox names, invalid
 * cache names, outputs and input names leading through links — and the worker stays up and runs a
 * normal task afterwards.
 */
class SafetyTest extends WorkerTestSupport {

  @Test
  void unsafeNamesAreRefusedAndTheWorkerCarriesOn() throws Exception {
    Worker w = startWorker("careful");
    FakeManager.Connection c = manager.awaitConnection("careful");
    awaitConnected(w);
    Path outside = tmp.resolve("outside");
    Files.createDirectories(outside);
    manager.serve("data-1", "data\n".getBytes(StandardCharsets.UTF_8));
    c.send(fromAddress("data-1", "x1", manager.transferAddress(), 5));
    assertThat(c.awaitCacheUpdate("x1").getError()).isEmpty();

    List<String> unsafeSandboxNames = List.of("../escape", "/tmp/abs", "a/../../b", "./x", "a//b", "");
    long id = 1;
    for (String bad : unsafeSandboxNames) {
      c.send(task(id, "touch " + outside.resolve("ran-" + id)).addInputs(mount("data-1", bad)).build());
      assertRefused(c.awaitFinished(id), "would leave the sandbox");
      id++;
      c.send(task(id, "touch x").addOutputs(output(bad, "out-" + id)).build());
      assertRefused(c.awaitFinished(id), "would leave the sandbox");
      id++;
    }
    for (String bad : List.of("../cache-escape", ".hidden", "a/b", "", "x".repeat(201))) {
      c.send(task(id, "true").addInputs(mount(bad, "in")).build());
      assertRefused(c.awaitFinished(id), "invalid input cache name");
      id++;
      c.send(task(id, "touch out").addOutputs(output("out", bad)).build());
      assertRefused(c.awaitFinished(id), "invalid output cache name");
      id++;
      c.send(fromAddress(bad, "bad-" + id, manager.transferAddress(), 0));
      assertThat(c.awaitCacheUpdate("bad-" + id).getError()).contains("invalid cache name");
      c.send(ManagerMessage.newBuilder().setUnlink(Unlink.newBuilder().setCacheName(bad)).build());
    }
    c.send(task(id, "true").putEnv("A=B", "x").build());
    assertRefused(c.awaitFinished(id), "environment variable");
    id++;

    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.toList()).as("no refused command ran").isEmpty();
    }
    assertThat(Files.exists(tmp.resolve("cache-escape"))).isFalse();
    assertThat(w.tasksRun()).isZero();

    c.send(task(id, "cat in").addInputs(mount("data-1", "in")).build());
    TaskFinished ok = c.awaitFinished(id);
    assertThat(ok.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(text(ok.getStdout())).isEqualTo("data\n");
    assertThat(w.exit()).isEmpty();
  }

  @Test
  void anOutputLinkingOutOfTheSandboxIsRefused() throws Exception {
    Path secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "secret\n");
    Worker w = startWorker("links");
    FakeManager.Connection c = manager.awaitConnection("links");
    awaitConnected(w);
    c.send(task(1, "ln -s " + secret + " out; mkdir d; ln -s " + secret + " d/inner")
        .addOutputs(output("out", "leak-1")).addOutputs(output("d", "leak-2")).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_OUTPUT_MISSING);
    assertThat(f.getMessage()).contains("resolves outside the sandbox").contains("holds a link to");
    assertThat(f.getOutputsList()).allMatch(o -> !o.getPresent());
    assertThat(Files.exists(w.workspace().resolve("cache/leak-1"))).isFalse();
    assertThat(Files.exists(w.workspace().resolve("cache/leak-2"))).isFalse();

    c.send(task(2, "echo inside > real; ln -s real alias").addOutputs(output("alias", "alias-1")).build());
    TaskFinished ok = c.awaitFinished(2);
    assertThat(ok.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    Path cached = w.workspace().resolve("cache/alias-1");
    assertThat(Files.isSymbolicLink(cached)).as("a link inside the sandbox is cached as a copy").isFalse();
    assertThat(Files.readString(cached)).isEqualTo("inside\n");
  }

  @Test
  void anInputNameCannotReachThroughAnotherInputIntoTheCache() throws Exception {
    Worker w = startWorker("nested");
    FakeManager.Connection c = manager.awaitConnection("nested");
    awaitConnected(w);
    c.send(task(1, "mkdir d; echo original > d/f").addOutputs(output("d", "dir-1")).build());
    assertThat(c.awaitFinished(1).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    manager.serve("data-2", "intruder\n".getBytes(StandardCharsets.UTF_8));
    c.send(fromAddress("data-2", "x", manager.transferAddress(), 9));
    c.awaitCacheUpdate("x");
    c.send(task(2, "true").addInputs(mount("dir-1", "in")).addInputs(mount("data-2", "in/f2")).build());
    TaskFinished f = c.awaitFinished(2);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_WORKER_ERROR);
    assertThat(f.getMessage()).contains("passes through the link");
    assertThat(Files.exists(w.workspace().resolve("cache/dir-1/f2"))).isFalse();
  }

  private static void assertRefused(TaskFinished f, String why) {
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_WORKER_ERROR);
    assertThat(f.getMessage()).startsWith("refused: ").contains(why);
  }
}

package io.tendril.worker;

import static io.tendril.worker.Messages.mount;
import static io.tendril.worker.Messages.output;
import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.protocol.wire.CacheLevel;
import io.tendril.protocol.wire.CachedFile;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.Unlink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Cache levels: what survives the loss of the manager, the exit of the worker and a restart on the
 * same workspace; Unlink, also of a file a running task uses.
 */
class CacheLevelTest extends WorkerTestSupport {

  /** Makes one file of each level on a worker, by one task. */
  private static void makeOneOfEachLevel(FakeManager.Connection c) throws InterruptedException {
    c.send(task(1, "echo t > t; echo wf > wf; echo wk > wk; echo forever > fe")
        .addOutputs(output("t", "level-task", CacheLevel.CACHE_LEVEL_TASK))
        .addOutputs(output("wf", "level-workflow", CacheLevel.CACHE_LEVEL_WORKFLOW))
        .addOutputs(output("wk", "level-worker", CacheLevel.CACHE_LEVEL_WORKER))
        .addOutputs(output("fe", "level-forever", CacheLevel.CACHE_LEVEL_FOREVER)).build());
    assertThat(c.awaitFinished(1).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
  }

  @Test
  void onlyForeverFilesSurviveTheWorkerAndANewWorkerOnTheWorkspaceKeepsThem() throws Exception {
    Path workspace = tmp.resolve("shared-ws");
    Worker first = startWorker("first", b -> b.workspace(workspace));
    FakeManager.Connection c1 = manager.awaitConnection("first");
    awaitConnected(first);
    makeOneOfEachLevel(c1);
    Path cache = workspace.resolve("cache");
    assertThat(names(cache)).containsExactlyInAnyOrder("level-task", "level-workflow", "level-worker", "level-forever");

    c1.shutdown("bye");
    assertThat(first.awaitTermination(FakeManager.WAIT)).isTrue();
    assertThat(names(cache)).containsExactly("level-forever");
    assertThat(Files.exists(workspace.resolve("sandbox"))).as("sandboxes removed").isFalse();

    Files.writeString(cache.resolve("stray"), "left by someone");
    Worker second = startWorker("second", b -> b.workspace(workspace));
    FakeManager.Connection c2 = manager.awaitConnection("second");
    assertThat(c2.hello.getCachedList()).extracting(CachedFile::getCacheName, CachedFile::getSize, CachedFile::getLevel)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("level-forever", 8L, CacheLevel.CACHE_LEVEL_FOREVER));
    assertThat(names(cache)).as("files not listed as forever are removed at start").containsExactly("level-forever");
    awaitConnected(second);
    c2.send(task(2, "cat f").addInputs(mount("level-forever", "f")).build());
    assertThat(text(c2.awaitFinished(2).getStdout())).isEqualTo("forever\n");
  }

  @Test
  void losingTheManagerDropsTaskAndWorkflowFilesButKeepsWorkerFiles() throws Exception {
    Worker w = startWorker("keeper");
    FakeManager.Connection c1 = manager.awaitConnection("keeper");
    awaitConnected(w);
    makeOneOfEachLevel(c1);
    c1.hangUp();
    FakeManager.Connection c2 = manager.awaitConnection("keeper", 2);
    assertThat(c2.hello.getCachedList()).extracting(CachedFile::getCacheName)
        .containsExactly("level-forever", "level-worker");
    assertThat(names(w.workspace().resolve("cache"))).containsExactlyInAnyOrder("level-forever", "level-worker");
  }

  @Test
  void unlinkRemovesAFileButNotFromUnderARunningTask() throws Exception {
    Worker w = startWorker("unlinker");
    FakeManager.Connection c = manager.awaitConnection("unlinker");
    awaitConnected(w);
    makeOneOfEachLevel(c);
    Path cache = w.workspace().resolve("cache");

    c.send(ManagerMessage.newBuilder().setUnlink(Unlink.newBuilder().setCacheName("level-worker")).build());
    c.send(task(2, "cat in").addInputs(mount("level-worker", "in")).build());
    TaskFinished gone = c.awaitFinished(2);
    assertThat(gone.getResult()).isEqualTo(TaskResult.TASK_RESULT_INPUT_MISSING);
    assertThat(Files.exists(cache.resolve("level-worker"))).isFalse();

    Path started = tmp.resolve("started");
    c.send(task(3, "touch " + started + "; sleep 1; cat in").addInputs(mount("level-workflow", "in")).build());
    c.awaitStarted(3);
    while (!Files.exists(started)) {
      Thread.sleep(10);
    }
    c.send(ManagerMessage.newBuilder().setUnlink(Unlink.newBuilder().setCacheName("level-workflow")).build());
    TaskFinished used = c.awaitFinished(3);
    assertThat(used.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(text(used.getStdout())).isEqualTo("wf\n");
    for (int i = 0; i < 200 && Files.exists(cache.resolve("level-workflow")); i++) {
      Thread.sleep(10);
    }
    assertThat(Files.exists(cache.resolve("level-workflow"))).as("removed once the task is done").isFalse();
  }

  @Test
  void aTemporaryWorkspaceIsDeletedOnExit() throws Exception {
    Worker w = track(new Worker(WorkerOptions.builder("127.0.0.1", manager.port()).workerId("temp")
        .cores(1).memoryMb(100).diskMb(100).gpus(0).build())).start();
    Path workspace = w.workspace();
    assertThat(workspace).isDirectory();
    manager.awaitConnection("temp");
    w.close();
    assertThat(Files.exists(workspace)).isFalse();
  }

  private static java.util.List<String> names(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }
}

package io.tendril.worker;

import static io.tendril.worker.Messages.fromAddress;
import static io.tendril.worker.Messages.fromMiniTask;
import static io.tendril.worker.Messages.fromUntar;
import static io.tendril.worker.Messages.fromUrl;
import static io.tendril.worker.Messages.mount;
import static io.tendril.worker.Messages.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tendril.protocol.wire.CacheUpdate;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Bringing files into the cache: from the manager's transfer server, from file and http URLs, by
 * mini-tasks and by unpacking archives; failures reported as CacheUpdate errors and as
 * INPUT_MISSING for the tasks waiting on them.
 */
class FetchTest extends WorkerTestSupport {

  @Test
  void aTaskReadsAnInputFetchedFromTheManager() throws Exception {
    Worker w = startWorker("pull");
    FakeManager.Connection c = manager.awaitConnection("pull");
    awaitConnected(w);
    manager.serve("greeting-1", "hello from the manager\n".getBytes(StandardCharsets.UTF_8));
    c.send(fromAddress("greeting-1", "x1", manager.transferAddress(), 23));
    c.send(task(1, "cat in.txt").addInputs(mount("greeting-1", "in.txt")).build());
    CacheUpdate u = c.awaitCacheUpdate("x1");
    assertThat(u.getError()).isEmpty();
    assertThat(u.getCacheName()).isEqualTo("greeting-1");
    assertThat(u.getSize()).isEqualTo(23);
    assertThat(u.getSource()).isEqualTo(manager.transferAddress());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(text(f.getStdout())).isEqualTo("hello from the manager\n");
    assertThat(w.bytesFetched()).isEqualTo(23);

    c.send(fromAddress("greeting-1", "x2", manager.transferAddress(), 23));
    assertThat(c.awaitCacheUpdate("x2").getSize()).as("a cached file is answered at once").isEqualTo(23);
  }

  @Test
  void aFailedFetchIsReportedAndItsWaitingTaskEndsInputMissing() throws Exception {
    FakeManager.Connection c = connectWorker("miss");
    c.send(fromAddress("absent-1", "x1", manager.transferAddress(), 0));
    c.send(task(1, "cat in").addInputs(mount("absent-1", "in")).build());
    CacheUpdate u = c.awaitCacheUpdate("x1");
    assertThat(u.getError()).contains("NOT_FOUND").contains("absent-1");
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).isEqualTo(TaskResult.TASK_RESULT_INPUT_MISSING);
    assertThat(f.getMessage()).contains("absent-1").contains("NOT_FOUND");
  }

  @Test
  void twoRequestsForOneFileFetchItOnceAndAnswerBoth() throws Exception {
    FakeManager.Connection c = connectWorker("twice");
    manager.serve("shared-1", new byte[300_000]);
    c.send(fromAddress("shared-1", "a", manager.transferAddress(), 300_000));
    c.send(fromAddress("shared-1", "b", manager.transferAddress(), 300_000));
    assertThat(c.awaitCacheUpdate("a").getSize()).isEqualTo(300_000);
    assertThat(c.awaitCacheUpdate("b").getSize()).isEqualTo(300_000);
  }

  @Test
  void fileAndHttpUrlsAreFetched() throws Exception {
    Path local = tmp.resolve("local.txt");
    Files.writeString(local, "from a file url\n");
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = "from an http url\n".getBytes(StandardCharsets.UTF_8);
    http.createContext("/data.txt", ex -> {
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    try {
      FakeManager.Connection c = connectWorker("urls");
      String base = "http://127.0.0.1:" + http.getAddress().getPort();
      c.send(fromUrl("file-1", "f", local.toUri().toString()));
      c.send(fromUrl("http-1", "h", base + "/data.txt"));
      c.send(fromUrl("http-404", "n", base + "/missing.txt"));
      c.send(fromUrl("ftp-1", "ftp", "ftp://127.0.0.1/x"));
      c.send(task(1, "cat a b").addInputs(mount("file-1", "a")).addInputs(mount("http-1", "b")).build());
      TaskFinished f = c.awaitFinished(1);
      assertThat(text(f.getStdout())).isEqualTo("from a file url\nfrom an http url\n");
      assertThat(c.awaitCacheUpdate("h").getSource()).isEqualTo(base + "/data.txt");
      assertThat(c.awaitCacheUpdate("n").getError()).contains("404");
      assertThat(c.awaitCacheUpdate("ftp").getError()).contains("only http, https and file");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void aMiniTaskMakesAFileFromItsInputs() throws Exception {
    FakeManager.Connection c = connectWorker("mini");
    manager.serve("words-1", "b\na\nc\n".getBytes(StandardCharsets.UTF_8));
    c.send(fromAddress("words-1", "x1", manager.transferAddress(), 6));
    c.send(fromMiniTask("sorted-1", "m1", "mkdir out; sort words > out/sorted", "out/sorted", mount("words-1", "words")));
    c.send(task(1, "cat s").addInputs(mount("sorted-1", "s")).build());
    CacheUpdate u = c.awaitCacheUpdate("m1");
    assertThat(u.getError()).isEmpty();
    assertThat(u.getSize()).isEqualTo(6);
    assertThat(text(c.awaitFinished(1).getStdout())).isEqualTo("a\nb\nc\n");

    c.send(fromMiniTask("broken-1", "m2", "echo nope; exit 4", "never"));
    assertThat(c.awaitCacheUpdate("m2").getError()).contains("exited with status 4").contains("nope");
    c.send(fromMiniTask("lazy-1", "m3", "true", "never"));
    assertThat(c.awaitCacheUpdate("m3").getError()).contains("did not create its output 'never'");
  }

  @Test
  void anArchiveIsUnpackedIntoADirectoryEntry() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/data"));
    Files.writeString(src.resolve("one.txt"), "one\n");
    Files.writeString(Files.createDirectories(src.resolve("sub")).resolve("two.txt"), "two\n");
    Path archive = tmp.resolve("data.tar.gz");
    run("tar", "-czf", archive.toString(), "-C", tmp.resolve("src").toString(), "data");
    FakeManager.Connection c = connectWorker("untar");
    c.send(fromUrl("archive-1", "a", archive.toUri().toString()));
    c.send(fromUntar("tree-1", "u", "archive-1"));
    c.send(task(1, "cat t/data/one.txt t/data/sub/two.txt").addInputs(mount("tree-1", "t")).build());
    assertThat(c.awaitCacheUpdate("u").getError()).isEmpty();
    assertThat(text(c.awaitFinished(1).getStdout())).isEqualTo("one\ntwo\n");
  }

  @Test
  void anArchiveWithALinkLeavingItsDirectoryIsRefused() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("evil"));
    Files.createSymbolicLink(src.resolve("etc"), Path.of("/etc"));
    Path archive = tmp.resolve("evil.tar");
    run("tar", "-cf", archive.toString(), "-C", src.toString(), "etc");
    Files.delete(src.resolve("etc"));
    Worker w = startWorker("evil");
    FakeManager.Connection c = manager.awaitConnection("evil");
    awaitConnected(w);
    c.send(fromUrl("evil-archive", "a", archive.toUri().toString()));
    c.send(fromUntar("evil-tree", "u", "evil-archive"));
    assertThat(c.awaitCacheUpdate("u").getError()).contains("leads out of its directory");
    assertThat(Files.exists(w.workspace().resolve("cache/evil-tree"))).isFalse();
  }

  @Test
  void anUntarOfAnArchiveNobodySentFailsAtOnce() throws Exception {
    FakeManager.Connection c = connectWorker("noarchive");
    c.send(fromUntar("tree-2", "u", "archive-never-sent"));
    assertThat(c.awaitCacheUpdate("u").getError()).contains("neither cached nor being fetched");
  }

  private static void run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}

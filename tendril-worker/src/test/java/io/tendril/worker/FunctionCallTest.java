package io.tendril.worker;

import static io.tendril.worker.Calls.call;
import static io.tendril.worker.Calls.input;
import static io.tendril.worker.Calls.list;
import static io.tendril.worker.Calls.lit;
import static io.tendril.worker.Calls.nested;
import static io.tendril.worker.Calls.result;
import static io.tendril.worker.Calls.task;
import static io.tendril.worker.Messages.fromAddress;
import static io.tendril.worker.Messages.mount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.Fn;
import io.tendril.graph.Fn0;
import io.tendril.graph.Fn1;
import io.tendril.graph.Fn4;
import io.tendril.protocol.codec.FunctionDescriptor;
import io.tendril.protocol.codec.FunctionKind;
import io.tendril.protocol.codec.RemoteFailure;
import io.tendril.protocol.codec.ValueCodec;
import io.tendril.protocol.wire.CallTask;
import io.tendril.protocol.wire.FunctionCall;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.OutputFile;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.TaskFinished;
import io.tendril.protocol.wire.TaskResult;
import io.tendril.protocol.wire.Unlink;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function calls run in a library process: static methods of the worker's class path and of a jar
 * given as the call's classpath, every kind of argument, exceptions of functions, functions that
 * are not found, libraries retired with their classpath, and what the worker refuses. Real processes: the worker and its library JVM,
 * driven by the fake manager over gRPC.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FunctionCallTest extends WorkerTestSupport {
  private static final String JAR_SOURCE = """
      package ext.worker;

      import io.tendril.graph.Fn0;
      import io.tendril.graph.Fn2;

      public final class JarOps {
        private JarOps() {}

        public record Box(String label, int size) {}

        public static Box box(String label, Integer size) {
          return new Box(label, size);
        }

        public static Fn2<String, Integer, Box> boxFn() {
          return JarOps::box;
        }

        public static Long pid() {
          return ProcessHandle.current().pid();
        }

        public static Fn0<Long> pidFn() {
          return JarOps::pid;
        }
      }
      """;

  @TempDir static Path jarDir;
  private static Path jar;
  private static URLClassLoader jarLoader;

  @BeforeAll
  static void buildAJarThatIsNotOnTheWorkersClassPath() throws Exception {
    Path src = jarDir.resolve("src/ext/worker/JarOps.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, JAR_SOURCE);
    Path classes = Files.createDirectories(jarDir.resolve("classes"));
    String graph = Path.of(Fn.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "--release", "21", "-cp", graph, "-d", classes.toString(), src.toString()))
        .as("javac exit status").isZero();
    jar = jarDir.resolve("user.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    jarLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, FunctionCallTest.class.getClassLoader());
  }

  @AfterAll
  static void closeTheJar() throws Exception {
    jarLoader.close();
  }

  @Test
  void aStaticMethodOfTheWorkersClassPathRunsInALibrary() throws Exception {
    Worker w = startWorker("inc");
    FakeManager.Connection c = manager.awaitConnection("inc");
    awaitConnected(w);
    c.send(call(1, (Fn1<Integer, Integer>) CallOps::inc, lit(41)).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(f.getExitCode()).isZero();
    assertThat(f.getOutputsList()).extracting(OutputFile::getCacheName, OutputFile::getPresent)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("result-1", true));
    assertThat(result(w, 1)).isEqualTo(42);
    assertThat(f.getMeasured().getWallTimeMs()).isNotNegative();
    assertThat(c.awaitStarted(1).getStartedAtMs()).isEqualTo(f.getStartedAtMs());
    assertThat(Files.exists(w.workspace().resolve("sandbox/t1"))).as("sandbox deleted").isFalse();
    assertThat(w.tasksRun()).isEqualTo(1);
  }

  @Test
  void aCallReportsItsThreadsTimeAndAllocationAndItsLibrarysMemory() throws Exception {
    Worker w = startWorker("measure");
    FakeManager.Connection c = manager.awaitConnection("measure");
    awaitConnected(w);
    c.send(call(1, (Fn1<Integer, Integer>) CallOps::allocate, lit(64)).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(result(w, 1)).isEqualTo(64);
    // 64 arrays of 1 MB: at least that much was allocated by the call's thread, and not ten times more.
    assertThat(f.getMeasured().getAllocatedBytes()).isBetween(64L << 20, 640L << 20);
    // The library is a JVM: tens of megabytes resident at least.
    assertThat(f.getMeasured().getLibraryMemoryKb()).isGreaterThan(10_000);
    assertThat(f.getMeasured().getPeakMemoryMb()).as("the call's own memory is not the library's").isZero();
  }

  @Test
  void aResultWithinTheInlineLimitComesBackInTheCompletionAndNoFileIsMade() throws Exception {
    Worker w = startWorker("inline");
    FakeManager.Connection c = manager.awaitConnection("inline");
    awaitConnected(w);
    Fn1<Integer, Integer> inc = CallOps::inc;
    RunTask.Builder small = call(1, inc, lit(41));
    small.getCallBuilder().setInlineLimit(64);
    c.send(small.build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(f.getHasInlineResult()).isTrue();
    assertThat(ValueCodec.standard().decode(f.getInlineResult().toByteArray())).isEqualTo(42);
    assertThat(f.getOutputsList()).extracting(OutputFile::getCacheName, OutputFile::getPresent)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("result-1", false));
    assertThat(Files.exists(w.workspace().resolve("cache/result-1"))).as("nothing entered the cache").isFalse();
    assertThat(Files.exists(w.workspace().resolve("sandbox/t1"))).as("no sandbox was made").isFalse();

    // A result larger than the limit is written by the library (which makes the sandbox) and cached.
    Fn1<Integer, List<Integer>> range = CallOps::range;
    RunTask.Builder large = call(2, range, lit(100));
    large.getCallBuilder().setInlineLimit(64);
    c.send(large.build());
    TaskFinished g = c.awaitFinished(2);
    assertThat(g.getResult()).as(g.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(g.getHasInlineResult()).isFalse();
    assertThat(g.getOutputsList()).extracting(OutputFile::getCacheName, OutputFile::getPresent)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("result-2", true));
    assertThat(g.getOutputs(0).getSize()).isGreaterThan(64);
    assertThat(result(w, 2)).isEqualTo(java.util.stream.IntStream.range(0, 100).boxed().toList());
    assertThat(Files.exists(w.workspace().resolve("sandbox/t2"))).as("sandbox deleted").isFalse();
  }

  @Test
  void aLibraryHasTheFilesAndVariablesOfItsEnvironmentAndEachEnvironmentItsOwnLibrary() throws Exception {
    Worker w = startWorker("files");
    FakeManager.Connection c = manager.awaitConnection("files");
    awaitConnected(w);
    byte[] greeting = "Hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    manager.serve("greeting", greeting);
    c.send(fromAddress("greeting", "t-greeting", manager.transferAddress(), greeting.length));
    assertThat(c.awaitCacheUpdate("t-greeting").getError()).isEmpty();
    Fn1<String, List<Object>> greet = CallOps::greet;
    List<List<Object>> results = new ArrayList<>();
    String[] marks = {"!", "!", "?"};
    for (int i = 0; i < marks.length; i++) {
      long id = 10 + i;
      RunTask.Builder r = call(id, greet, lit("Ada")).addInputs(mount("greeting", "lib/0"));
      r.getCallBuilder()
          .addFiles(io.tendril.protocol.wire.Mount.newBuilder().setCacheName("greeting")
              .setSandboxName("config/greeting.txt"))
          .putEnv("GREETING_MARK", marks[i]);
      c.send(r.build());
      TaskFinished f = c.awaitFinished(id);
      assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
      @SuppressWarnings("unchecked")
      List<Object> got = (List<Object>) result(w, id);
      results.add(got);
    }
    assertThat(results).extracting(r -> r.get(0)).containsExactly("Hello Ada!", "Hello Ada!", "Hello Ada?");
    assertThat(results.get(1).get(1)).as("the same environment shares its library").isEqualTo(results.get(0).get(1));
    assertThat(results.get(2).get(1)).as("another variable, another library").isNotEqualTo(results.get(0).get(1));

    // A file name leaving the library's directory is refused.
    RunTask.Builder bad = call(20, greet, lit("Eve")).addInputs(mount("greeting", "lib/0"));
    bad.getCallBuilder().addFiles(io.tendril.protocol.wire.Mount.newBuilder().setCacheName("greeting")
        .setSandboxName("../outside.txt"));
    c.send(bad.build());
    TaskFinished refused = c.awaitFinished(20);
    assertThat(refused.getResult()).isEqualTo(TaskResult.TASK_RESULT_WORKER_ERROR);
    assertThat(refused.getMessage()).contains("'../outside.txt' would leave the library's directory");
  }

  @Test
  void aBatchRunsItsCallsInOrderAndReportsEachAsItEnded() throws Exception {
    Worker w = startWorker("batch");
    FakeManager.Connection c = manager.awaitConnection("batch");
    awaitConnected(w);
    Fn1<Integer, Integer> inc = CallOps::inc;
    Fn1<Integer, List<Integer>> range = CallOps::range;
    Fn1<String, Integer> boom = CallOps::boom;
    io.tendril.protocol.wire.FunctionCall.Builder call = io.tendril.protocol.wire.FunctionCall.newBuilder()
        .setInlineLimit(64)
        .addBatch(io.tendril.protocol.wire.BatchedCall.newBuilder().setTask(task(inc, lit(1))).setResultName("r/0"))
        .addBatch(io.tendril.protocol.wire.BatchedCall.newBuilder().setTask(task(range, lit(100))).setResultName("r/1"))
        .addBatch(io.tendril.protocol.wire.BatchedCall.newBuilder().setTask(task(boom, lit("third"))).setResultName("r/2"))
        .addBatch(io.tendril.protocol.wire.BatchedCall.newBuilder().setTask(task(inc, lit(3))).setResultName("r/3"));
    RunTask.Builder r = RunTask.newBuilder().setTaskId(1)
        .setResources(io.tendril.protocol.wire.Resources.newBuilder().setCores(1)).setCall(call);
    for (int i = 0; i < 4; i++) {
      r.addOutputs(Messages.output("r/" + i, "batch-" + i));
    }
    c.send(r.build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(f.getCallResultsList()).extracting(io.tendril.protocol.wire.CallResult::getResult).containsExactly(
        TaskResult.TASK_RESULT_SUCCESS, TaskResult.TASK_RESULT_SUCCESS, TaskResult.TASK_RESULT_EXCEPTION,
        TaskResult.TASK_RESULT_SUCCESS);
    assertThat(ValueCodec.standard().decode(f.getCallResults(0).getInlineResult().toByteArray())).isEqualTo(2);
    assertThat(f.getCallResults(1).getHasInlineResult()).as("100 numbers exceed 64 bytes").isFalse();
    assertThat(f.getCallResults(2).getMessage()).contains("IllegalStateException").contains("third");
    assertThat(f.getCallResults(2).getFailure().isEmpty()).isFalse();
    assertThat(ValueCodec.standard().decode(f.getCallResults(3).getInlineResult().toByteArray())).isEqualTo(4);
    assertThat(f.getOutputsList()).extracting(OutputFile::getCacheName, OutputFile::getPresent).containsExactly(
        org.assertj.core.groups.Tuple.tuple("batch-0", false), org.assertj.core.groups.Tuple.tuple("batch-1", true),
        org.assertj.core.groups.Tuple.tuple("batch-2", false), org.assertj.core.groups.Tuple.tuple("batch-3", false));
    assertThat(ValueCodec.standard().decode(Files.readAllBytes(w.workspace().resolve("cache/batch-1"))))
        .isEqualTo(java.util.stream.IntStream.range(0, 100).boxed().toList());
    assertThat(Files.exists(w.workspace().resolve("sandbox/t1"))).as("sandbox deleted").isFalse();
  }

  @Test
  void argumentsAreLiteralsInputFilesNestedListsAndNestedTasks() throws Exception {
    Worker w = startWorker("args");
    FakeManager.Connection c = manager.awaitConnection("args");
    awaitConnected(w);
    byte[] ten = ValueCodec.standard().encode(10);
    manager.serve("value-10", ten);
    c.send(fromAddress("value-10", "t-value", manager.transferAddress(), ten.length));
    assertThat(c.awaitCacheUpdate("t-value").getError()).isEmpty();

    Fn1<Integer, Integer> inc = CallOps::inc;
    Fn4<Integer, Integer, List<Integer>, Integer, Integer> sum4 = CallOps::sum4;
    c.send(call(1, sum4,
        lit(1),
        input("in/x"),
        list(lit(100), input("in/x"), nested(task(inc, lit(1000)))),
        nested(task(inc, nested(task(inc, lit(5))))))
        .addInputs(mount("value-10", "in/x")).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(result(w, 1)).isEqualTo(1 + 10 + (100 + 10 + 1001) + 7);
  }

  @Test
  void aFunctionOfAJarGivenAsTheClasspathRunsAndItsValuesTravelByAllowedPackage() throws Exception {
    assertThatThrownBy(() -> Class.forName("ext.worker.JarOps")).as("the jar is not on the worker's class path")
        .isInstanceOf(ClassNotFoundException.class);
    Worker w = startWorker("jar");
    FakeManager.Connection c = manager.awaitConnection("jar");
    awaitConnected(w);
    fetchTheJar(c);

    Fn fn = jarFunction("boxFn");
    c.send(jarCall(1, task(fn, lit("b"), lit(3)), "ext.worker"));
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    ValueCodec codec = ValueCodec.builder().allowPackage("ext.worker").classLoader(jarLoader).build();
    Object expected = jarLoader.loadClass("ext.worker.JarOps").getMethod("box", String.class, Integer.class)
        .invoke(null, "b", 3);
    assertThat(result(w, 1, codec)).isEqualTo(expected);

    // Without the allowed package the library refuses to encode the result: the application's failure.
    c.send(jarCall(2, task(fn, lit("c"), lit(4))));
    TaskFinished refused = c.awaitFinished(2);
    assertThat(refused.getResult()).isEqualTo(TaskResult.TASK_RESULT_FAILURE);
    assertThat(refused.getMessage()).contains("ext.worker.JarOps::box").contains("cannot be encoded")
        .contains("ext.worker.JarOps$Box");
  }

  @Test
  void aLibraryIsRetiredWhenAFileOfItsClasspathIsUnlinked() throws Exception {
    Worker w = startWorker("retire");
    FakeManager.Connection c = manager.awaitConnection("retire");
    awaitConnected(w);
    fetchTheJar(c);
    c.send(jarCall(1, task(jarFunction("pidFn"))));
    c.send(call(2, (Fn0<Long>) CallOps::pid).build());
    assertThat(c.awaitFinished(1).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(c.awaitFinished(2).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    long jarLibrary = (Long) result(w, 1);
    long plainLibrary = (Long) result(w, 2);
    assertThat(jarLibrary).as("one library per classpath").isNotEqualTo(plainLibrary);

    c.send(ManagerMessage.newBuilder().setUnlink(Unlink.newBuilder().setCacheName("userjar-1")).build());
    while (ProcessHandle.of(jarLibrary).map(ProcessHandle::isAlive).orElse(false)) {
      Thread.sleep(10);
    }
    c.send(call(3, (Fn0<Long>) CallOps::pid).build());
    assertThat(c.awaitFinished(3).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(result(w, 3)).as("the other library stays").isEqualTo(plainLibrary);
  }

  @Test
  void aThrowingFunctionIsAnExceptionAndAnUnknownOneAFailureAndTheLibraryGoesOn() throws Exception {
    Worker w = startWorker("throws");
    FakeManager.Connection c = manager.awaitConnection("throws");
    awaitConnected(w);
    Fn0<Long> pid = CallOps::pid;
    c.send(call(1, pid).build());
    assertThat(c.awaitFinished(1).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    Object libraryPid = result(w, 1);

    c.send(call(2, (Fn1<String, Integer>) CallOps::boom, lit("bad input 7")).build());
    TaskFinished thrown = c.awaitFinished(2);
    assertThat(thrown.getResult()).isEqualTo(TaskResult.TASK_RESULT_EXCEPTION);
    assertThat(thrown.getMessage()).isEqualTo("java.lang.IllegalStateException: bad input 7");
    RemoteFailure failure = RemoteFailure.decode(thrown.getFailure().toByteArray());
    assertThat(failure.className()).isEqualTo("java.lang.IllegalStateException");
    assertThat(failure.message()).isEqualTo("bad input 7");
    assertThat(failure.stackTrace()).anyMatch(frame -> frame.className().equals(CallOps.class.getName())
        && frame.methodName().equals("boom"));
    assertThat(thrown.getOutputsList()).isEmpty();

    FunctionDescriptor missing = new FunctionDescriptor(FunctionKind.STATIC_METHOD, "io.tendril.worker.NoSuchOps",
        "inc", "(Ljava/lang/Integer;)Ljava/lang/Integer;", 1, new byte[0]);
    c.send(call(3, task(Calls.function(missing), lit(1))).build());
    TaskFinished notFound = c.awaitFinished(3);
    assertThat(notFound.getResult()).isEqualTo(TaskResult.TASK_RESULT_FAILURE);
    assertThat(notFound.getMessage()).startsWith("cannot resolve io.tendril.worker.NoSuchOps::inc: class"
        + " io.tendril.worker.NoSuchOps is not found");

    c.send(call(4, (Fn1<Integer, Integer>) CallOps::inc, lit("not a number")).build());
    TaskFinished wrongType = c.awaitFinished(4);
    assertThat(wrongType.getResult()).as("a value of the wrong type fails as it would in the function")
        .isEqualTo(TaskResult.TASK_RESULT_EXCEPTION);
    assertThat(wrongType.getMessage()).startsWith("java.lang.ClassCastException");

    c.send(call(5, (Fn1<Integer, Integer>) CallOps::inc, lit(1), lit(2)).build());
    TaskFinished tooMany = c.awaitFinished(5);
    assertThat(tooMany.getResult()).isEqualTo(TaskResult.TASK_RESULT_FAILURE);
    assertThat(tooMany.getMessage()).contains("CallOps::inc takes 1 argument but the call gives 2");

    c.send(call(6, (Fn1<Integer, Integer>) CallOps::inc, input("absent")).build());
    TaskFinished noInput = c.awaitFinished(6);
    assertThat(noInput.getResult()).isEqualTo(TaskResult.TASK_RESULT_FAILURE);
    assertThat(noInput.getMessage()).contains("CallOps::inc").contains("'absent'").contains("does not exist");

    c.send(call(7, pid).build());
    assertThat(c.awaitFinished(7).getResult()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(result(w, 7)).as("the same library served every call").isEqualTo(libraryPid);
  }

  @Test
  void whatAFunctionPrintsGoesToTheLibraryLogNotIntoTheProtocol() throws Exception {
    Worker w = startWorker("prints");
    FakeManager.Connection c = manager.awaitConnection("prints");
    awaitConnected(w);
    c.send(call(1, (Fn1<String, String>) CallOps::shout, lit("hello")).build());
    TaskFinished f = c.awaitFinished(1);
    assertThat(f.getResult()).as(f.getMessage()).isEqualTo(TaskResult.TASK_RESULT_SUCCESS);
    assertThat(result(w, 1)).isEqualTo("HELLO");
    assertThat(f.getStdout().isEmpty()).isTrue();
    assertThat(Files.readString(w.workspace().resolve("libraries/1.log"))).contains("printed by a function: hello");
  }

  /** Publishes the jar on the fake manager and has the worker fetch it as {@code userjar-1}. */
  private void fetchTheJar(FakeManager.Connection c) throws Exception {
    byte[] bytes = Files.readAllBytes(jar);
    manager.serve("userjar-1", bytes);
    c.send(fromAddress("userjar-1", "t-jar", manager.transferAddress(), bytes.length));
    assertThat(c.awaitCacheUpdate("t-jar").getError()).isEmpty();
  }

  /** A function of the jar, as the submitting side (which has the jar) holds it. */
  private static Fn jarFunction(String factory) throws Exception {
    return (Fn) jarLoader.loadClass("ext.worker.JarOps").getMethod(factory).invoke(null);
  }

  /** A call whose classpath is the jar, mounted as an input. */
  private static RunTask jarCall(long id, CallTask t, String... allowedPackages) {
    return call(id, t).addInputs(mount("userjar-1", "lib/user.jar"))
        .setCall(FunctionCall.newBuilder().setTask(t).setResultName(Calls.RESULT).addClasspath("userjar-1")
            .addAllAllowedPackages(List.of(allowedPackages)))
        .build();
  }

  @Test
  void malformedCallsAreRefused() throws Exception {
    FakeManager.Connection c = connectWorker("refuses");
    Fn1<Integer, Integer> inc = CallOps::inc;
    c.send(call(1, inc, lit(1)).setCommand("true").build());
    c.send(call(2, inc, lit(1)).clearOutputs().build());
    c.send(call(3, inc, lit(1)).setCall(FunctionCall.newBuilder().setTask(task(inc, lit(1)))
        .setResultName(Calls.RESULT).addClasspath("not-an-input")).build());
    c.send(call(4, inc, lit(1)).setCall(FunctionCall.newBuilder().setTask(task(inc, lit(1)))
        .setResultName("../escape")).build());
    assertThat(c.awaitFinished(1).getMessage()).contains("must not also have a command");
    assertThat(c.awaitFinished(2).getMessage()).contains("'result' is not one of the task's outputs");
    assertThat(c.awaitFinished(3).getMessage()).contains("classpath entry not-an-input is not one of the task's inputs");
    assertThat(c.awaitFinished(4).getMessage()).contains("'../escape' is not a safe sandbox name");
    for (long id = 1; id <= 4; id++) {
      assertThat(c.awaitFinished(id).getResult()).isEqualTo(TaskResult.TASK_RESULT_WORKER_ERROR);
    }
  }
}

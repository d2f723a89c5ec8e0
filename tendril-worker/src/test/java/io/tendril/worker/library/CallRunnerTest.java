package io.tendril.worker.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.tendril.graph.Fn;
import io.tendril.graph.Fn1;
import io.tendril.protocol.codec.FunctionDescriptors;
import io.tendril.protocol.codec.RemoteFailure;
import io.tendril.protocol.codec.ValueCodec;
import io.tendril.protocol.wire.CallList;
import io.tendril.protocol.wire.CallTask;
import io.tendril.protocol.wire.CallValue;
import io.tendril.protocol.wire.LibraryOutcome;
import io.tendril.protocol.wire.LibraryReply;
import io.tendril.protocol.wire.LibraryRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One call run to its reply inside this JVM, as a library slot runs it: outcomes, measurements,
 * and where the result may and may not be written.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallRunnerTest {
  @TempDir Path tmp;
  private Path sandbox;
  private Path outside;
  private final CallRunner runner = new CallRunner(CallRunnerTest.class.getClassLoader());

  @BeforeEach
  void makeDirectories() throws Exception {
    sandbox = Files.createDirectories(tmp.resolve("sandbox"));
    outside = Files.createDirectories(tmp.resolve("outside"));
  }

  static Integer inc(Integer x) {
    return x + 1;
  }

  static String typeOf(Object o) {
    return o.getClass().getName();
  }

  static Integer fail(Integer x) {
    throw new ArithmeticException("no " + x);
  }

  private static CallTask task(Fn fn, CallValue... args) {
    CallTask.Builder t = CallTask.newBuilder()
        .setFunction(ByteString.copyFrom(FunctionDescriptors.encode(FunctionDescriptors.standard().describe(fn))));
    for (CallValue a : args) {
      t.addArgs(a);
    }
    return t.build();
  }

  private static CallValue lit(Object v) {
    return CallValue.newBuilder().setLiteral(ByteString.copyFrom(ValueCodec.standard().encode(v))).build();
  }

  private LibraryReply run(CallTask task, String resultName) {
    return runner.run(LibraryRequest.newBuilder().setCallId(5).setSandbox(sandbox.toString()).setTask(task)
        .setResultName(resultName).build());
  }

  @Test
  void aSuccessWritesTheEncodedResultAndReportsItsSizeAndTimes() throws Exception {
    LibraryReply r = run(task((Fn1<Integer, Integer>) CallRunnerTest::inc, lit(41)), "out/r");
    assertThat(r.getOutcome()).as(r.getError()).isEqualTo(LibraryOutcome.LIBRARY_OUTCOME_SUCCESS);
    assertThat(r.getCallId()).isEqualTo(5);
    byte[] written = Files.readAllBytes(sandbox.resolve("out/r"));
    assertThat(ValueCodec.standard().decode(written)).isEqualTo(42);
    assertThat(r.getResultSize()).isEqualTo(written.length);
    assertThat(r.getWallTimeNs()).isPositive();
    try (var files = Files.list(sandbox.resolve("out"))) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no temporary file left").containsExactly("r");
    }
  }

  @Test
  void aListArgumentIsAnArrayListAndANestedTasksExceptionIsTheCallsException() {
    CallValue list = CallValue.newBuilder().setList(CallList.newBuilder().addItems(lit(1))).build();
    assertThat(run(task((Fn1<Object, String>) CallRunnerTest::typeOf, list), "r").getOutcome())
        .isEqualTo(LibraryOutcome.LIBRARY_OUTCOME_SUCCESS);
    assertThat(ValueCodec.standard().decode(readQuietly(sandbox.resolve("r")))).isEqualTo("java.util.ArrayList");

    CallValue failing = CallValue.newBuilder().setTask(task((Fn1<Integer, Integer>) CallRunnerTest::fail, lit(3))).build();
    LibraryReply r = run(task((Fn1<Integer, Integer>) CallRunnerTest::inc, failing), "r2");
    assertThat(r.getOutcome()).isEqualTo(LibraryOutcome.LIBRARY_OUTCOME_EXCEPTION);
    RemoteFailure f = RemoteFailure.decode(r.getFailure().toByteArray());
    assertThat(f.toString()).isEqualTo("java.lang.ArithmeticException: no 3");
    assertThat(Files.exists(sandbox.resolve("r2"))).isFalse();
  }

  @Test
  void libraryProblemsAreErrorsNamingTheFunction() {
    Fn1<Integer, Integer> inc = CallRunnerTest::inc;
    LibraryReply empty = run(task(inc, CallValue.getDefaultInstance()), "r");
    assertThat(empty.getOutcome()).isEqualTo(LibraryOutcome.LIBRARY_OUTCOME_ERROR);
    assertThat(empty.getError()).contains(CallRunnerTest.class.getName() + "::inc").contains("argument 1 is empty");

    LibraryReply garbage = run(task(inc, CallValue.newBuilder().setLiteral(ByteString.copyFromUtf8("garbage")).build()), "r");
    assertThat(garbage.getError()).contains("argument 1 (a literal) cannot be decoded");

    LibraryReply noFunction = run(CallTask.newBuilder().setFunction(ByteString.copyFromUtf8("??")).build(), "r");
    assertThat(noFunction.getError()).startsWith("the function of the call cannot be decoded");

    LibraryReply badPackage = runner.run(LibraryRequest.newBuilder().setSandbox(sandbox.toString())
        .setTask(task(inc, lit(1))).setResultName("r").addAllAllowedPackages(List.of("not a package")).build());
    assertThat(badPackage.getError()).contains("allowed packages").contains("not a package");

    LibraryReply relative = runner.run(LibraryRequest.newBuilder().setSandbox("relative/dir")
        .setTask(task(inc, lit(1))).setResultName("r").build());
    assertThat(relative.getError()).contains("is not an absolute path");
  }

  @Test
  void theResultIsNeverWrittenThroughALink() throws Exception {
    Fn1<Integer, Integer> inc = CallRunnerTest::inc;
    Files.createSymbolicLink(sandbox.resolve("in"), outside);
    LibraryReply through = run(task(inc, lit(1)), "in/r");
    assertThat(through.getOutcome()).isEqualTo(LibraryOutcome.LIBRARY_OUTCOME_ERROR);
    assertThat(through.getError()).contains("passes through the link in");
    try (var files = Files.list(outside)) {
      assertThat(files.toList()).isEmpty();
    }

    Path target = Files.writeString(outside.resolve("cached"), "keep");
    Files.createSymbolicLink(sandbox.resolve("r"), target);
    assertThat(run(task(inc, lit(1)), "r").getOutcome()).isEqualTo(LibraryOutcome.LIBRARY_OUTCOME_SUCCESS);
    assertThat(Files.readString(target)).isEqualTo("keep");
    assertThat(Files.isSymbolicLink(sandbox.resolve("r"))).isFalse();

    assertThat(run(task(inc, lit(1)), "../escape").getError()).contains("would leave the sandbox");
  }

  private static byte[] readQuietly(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

package io.tendril.worker;

import com.google.protobuf.ByteString;
import io.tendril.graph.Fn;
import io.tendril.protocol.codec.FunctionDescriptor;
import io.tendril.protocol.codec.FunctionDescriptors;
import io.tendril.protocol.codec.ValueCodec;
import io.tendril.protocol.wire.CallList;
import io.tendril.protocol.wire.CallTask;
import io.tendril.protocol.wire.CallValue;
import io.tendril.protocol.wire.FunctionCall;
import io.tendril.protocol.wire.KillTask;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.Resources;
import io.tendril.protocol.wire.RunTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builders of function calls for the tests, as the manager sends them, and readers of their results. */
final class Calls {
  /** The sandbox name of every test call's result. */
  static final String RESULT = "result";

  private Calls() {}

  static ByteString function(Fn fn) {
    return ByteString.copyFrom(FunctionDescriptors.encode(FunctionDescriptors.standard().describe(fn)));
  }

  static ByteString function(FunctionDescriptor d) {
    return ByteString.copyFrom(FunctionDescriptors.encode(d));
  }

  static CallTask task(ByteString function, CallValue... args) {
    CallTask.Builder t = CallTask.newBuilder().setFunction(function);
    for (CallValue a : args) {
      t.addArgs(a);
    }
    return t.build();
  }

  static CallTask task(Fn fn, CallValue... args) {
    return task(function(fn), args);
  }

  static CallValue lit(Object value) {
    return CallValue.newBuilder().setLiteral(ByteString.copyFrom(ValueCodec.standard().encode(value))).build();
  }

  static CallValue input(String sandboxName) {
    return CallValue.newBuilder().setInput(sandboxName).build();
  }

  static CallValue list(CallValue... items) {
    CallList.Builder l = CallList.newBuilder();
    for (CallValue v : items) {
      l.addItems(v);
    }
    return CallValue.newBuilder().setList(l).build();
  }

  static CallValue nested(CallTask t) {
    return CallValue.newBuilder().setTask(t).build();
  }

  /** A RunTask of one core calling a task, its result kept as {@code result-<id>}; no classpath. */
  static RunTask.Builder call(long id, CallTask task) {
    return RunTask.newBuilder().setTaskId(id)
        .setResources(Resources.newBuilder().setCores(1))
        .setCall(FunctionCall.newBuilder().setTask(task).setResultName(RESULT))
        .addOutputs(Messages.output(RESULT, resultName(id)));
  }

  static RunTask.Builder call(long id, Fn fn, CallValue... args) {
    return call(id, task(fn, args));
  }

  static String resultName(long id) {
    return "result-" + id;
  }

  /** The decoded result of a call, read from the worker's cache. */
  static Object result(Worker w, long id) throws IOException {
    return result(w, id, ValueCodec.standard());
  }

  static Object result(Worker w, long id, ValueCodec codec) throws IOException {
    return codec.decode(Files.readAllBytes(w.workspace().resolve("cache").resolve(resultName(id))));
  }

  static ManagerMessage kill(long id) {
    return ManagerMessage.newBuilder().setKillTask(KillTask.newBuilder().setTaskId(id)).build();
  }

  /** Waits until a file exists and is not empty (bounded by the test's timeout). */
  static void waitForFile(Path p) throws InterruptedException {
    while (!(Files.exists(p) && size(p) > 0)) {
      Thread.sleep(10);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}

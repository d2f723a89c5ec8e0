package io.tendril.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Callbacks observe every run of a local scheduler: start, each task before and after, finish. */
class CallbackTest {

  /** Records every call, thread-safely. */
  static final class Recorder implements Callback {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    volatile int total = -1;

    @Override
    public void start(Map<?, ?> dsk, int taskCount) {
      total = taskCount;
      events.add("start");
    }

    @Override
    public void pretask(Object key) {
      events.add("pre " + key);
    }

    @Override
    public void posttask(Object key, Object result) {
      events.add("post " + key + "=" + result);
    }

    @Override
    public void finish(Map<?, ?> dsk, boolean errored) {
      events.add("finish errored=" + errored);
    }
  }

  private static LocalScheduler scheduler(String name) {
    return name.equals("sync") ? Schedulers.sync() : Schedulers.threaded(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sync", "threaded"})
  void reportsEachTaskBetweenStartAndFinish(String name) {
    Recorder r = new Recorder();
    Map<Object, Object> dsk = new LinkedHashMap<>();
    dsk.put("x", 1L);
    dsk.put("y", Task.of(Ops::inc, "x"));
    dsk.put("z", Task.of(Ops::add, "x", "y"));
    dsk.put("unused", Task.of(Ops::inc, "z"));
    assertThat(scheduler(name).withCallbacks(r).get(dsk, "z")).isEqualTo(3L);
    assertThat(r.total).isEqualTo(3);
    assertThat(r.events).first().isEqualTo("start");
    assertThat(r.events).last().isEqualTo("finish errored=false");
    assertThat(r.events).containsSubsequence("pre x", "post x=1", "pre y", "post y=2", "pre z", "post z=3");
    assertThat(r.events).hasSize(8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sync", "threaded"})
  void finishReportsErrors(String name) {
    Recorder r = new Recorder();
    Map<Object, Object> dsk = Map.of("bad", Task.of(Ops::fail, 1L));
    assertThatThrownBy(() -> scheduler(name).withCallbacks(r).get(dsk, "bad"))
        .isInstanceOf(TaskFailedException.class);
    assertThat(r.events).containsExactly("start", "pre bad", "finish errored=true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sync", "threaded"})
  void aThrowingCallbackFailsItsTask(String name) {
    Callback refuses = new Callback() {
      @Override
      public void pretask(Object key) {
        if (key.equals("y")) {
          throw new IllegalStateException("no y today");
        }
      }
    };
    Map<Object, Object> dsk = Map.of("x", 1L, "y", Task.of(Ops::inc, "x"));
    assertThatThrownBy(() -> scheduler(name).withCallbacks(refuses).get(dsk, "y"))
        .isInstanceOf(TaskFailedException.class)
        .hasRootCauseMessage("no y today");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sync", "threaded"})
  void withCallbacksLeavesTheOriginalSchedulerAlone(String name) {
    Recorder r = new Recorder();
    LocalScheduler plain = scheduler(name);
    plain.withCallbacks(r);
    plain.get(Map.of("x", 1L), "x");
    assertThat(r.events).isEmpty();
    assertThatThrownBy(() -> plain.withCallbacks((Callback) null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callback is null");
  }
}

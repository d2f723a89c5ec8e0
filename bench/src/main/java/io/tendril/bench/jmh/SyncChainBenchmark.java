package io.tendril.bench.jmh;

import io.tendril.bench.GraphShapes;
import io.tendril.graph.Schedulers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-task overhead of the synchronous scheduler on the chain shape: the score is the average
 * time of one {@code get} of a chain of {@code length} {@code inc} tasks, in microseconds; divide
 * by {@code length} for the cost per task (plan + run + result release, the function itself being
 * one addition).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar SyncChainBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SyncChainBenchmark {

  /** Chain length: tasks per {@code get}. */
  @Param({"1000", "100000"})
  public int length;

  private GraphShapes.Shape chain;

  /** Builds the chain once and checks that it computes {@code length}. */
  @Setup(Level.Trial)
  public void setUp() {
    chain = GraphShapes.chain(length);
    Object r = Schedulers.sync().get(chain.graph(), chain.target());
    if (!(r instanceof Long l) || l != chain.expected()) {
      throw new IllegalStateException("chain of " + length + " returned " + r);
    }
  }

  /**
   * One {@code get} of the whole chain.
   *
   * @return the result, consumed by JMH
   */
  @Benchmark
  public Object syncChain() {
    return Schedulers.sync().get(chain.graph(), chain.target());
  }
}

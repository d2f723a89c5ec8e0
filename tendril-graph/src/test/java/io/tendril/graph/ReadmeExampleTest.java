package io.tendril.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java example of README.md, line for line, with the results its comments promise. */
class ReadmeExampleTest {
  static final class Example {
    static int inc(int x) {
      return x + 1;
    }

    static int sum(List<Integer> xs) {
      return xs.stream().mapToInt(Integer::intValue).sum();
    }

    static int myadd(int x, int y) {
      return x + y;
    }
  }

  @Test
  void readmeExample() {
    Map<String, Object> dsk = Map.of(
        "x", 1,
        "y", Task.of(Example::inc, "x"),                     // y = inc(x)
        "z", Task.of(Example::sum, List.of("x", "y", 10)));  // z = sum([x, y, 10])
    Object z = Schedulers.threaded().get(dsk, "z");          // 13
    Object yz = Schedulers.sync().get(dsk, List.of("y", List.of("z")));  // [2, [13]]
    Delayed<Integer> w = Delayed.call(Example::myadd, 1, 2); // like dask.delayed
    int three = w.compute();

    assertThat(z).isEqualTo(13);
    assertThat(yz).isEqualTo(List.of(2, List.of(13)));
    assertThat(three).isEqualTo(3);
  }
}

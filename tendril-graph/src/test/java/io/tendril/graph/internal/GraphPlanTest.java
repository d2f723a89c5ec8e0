package io.tendril.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.graph.Key;
import io.tendril.graph.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A compiled plan's counts of what each entry reads and what reads it agree with its lists. */
class GraphPlanTest {

  static long add(long a, long b) {
    return a + b;
  }

  @Test
  void countsAgreeWithTheListsOfDependenciesAndDependents() {
    Map<Object, Object> dsk = new LinkedHashMap<>();
    dsk.put("x", 1L);
    dsk.put(Key.of("inc", 0), Task.of(GraphPlanTest::add, "x", 1L));
    dsk.put(Key.of("inc", 1), Task.of(GraphPlanTest::add, "x", Key.of("inc", 0)));
    dsk.put("alias", Key.of("inc", 1));
    dsk.put("unused", 7L);
    GraphPlan plan = GraphPlan.compile(dsk, List.of("alias", Key.of("inc", 0)));
    for (int id : plan.order()) {
      assertThat(plan.dependencyCount(id)).as("reads of %s", plan.key(id)).isEqualTo(plan.dependencies(id).length);
      assertThat(plan.dependentCount(id)).as("readers of %s", plan.key(id)).isEqualTo(plan.dependents(id).length);
    }
    int x = plan.idOf("x");
    int inc1 = plan.idOf(Key.of("inc", 1));
    assertThat(plan.dependencyCount(x)).isZero();
    assertThat(plan.dependentCount(x)).isEqualTo(2);
    assertThat(plan.dependencyCount(inc1)).isEqualTo(2);
    assertThat(plan.dependentCount(inc1)).as("the alias reads it").isEqualTo(1);
  }
}

package io.tendril.graph;

import java.util.Map;

/**
 * Anything that can receive a task graph and the keys wanted from it: Dask's {@code get(dsk,
 * keys)}.
 *
 * <p>{@code keys} is one key, and then its result is returned, or a {@link java.util.List} of keys
 * nested to any depth, and then the same nesting is returned with each key replaced by its result:
 * {@code get(dsk, List.of("a", List.of("b", "c")))} returns {@code [ra, [rb, rc]]}.
 *
 * <p>A task that throws stops the run: no new task starts and {@link TaskFailedException} carries
 * the key and the original exception. A cycle, or a requested key that the graph lacks, is
 * reported as a {@link GraphException} before anything runs.
 *
 * <p>Being a single-method interface, a scheduler can be written as a lambda that rewrites the
 * graph and hands it on: {@code (dsk, keys) -> Schedulers.sync().get(optimize(dsk), keys)}.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Computes the given keys of a graph.
   *
   * @param dsk the graph: keys to literals, tasks, references (aliases) and lists of these
   * @param keys one key, or a list of keys nested to any depth
   * @return the result of the key, or the same nesting of results
   * @throws TaskFailedException if a task throws
   * @throws GraphException if the graph has a cycle or lacks a requested key
   */
  Object get(Map<?, ?> dsk, Object keys);
}

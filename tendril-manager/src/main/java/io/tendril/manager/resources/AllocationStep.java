package io.tendril.manager.resources;

/**
 * Which of a category's two allocations a task attempt asks for. TaskVine's two-step policy: a
 * task first tries the (smaller) learned allocation; one that exhausts it is retried at the
 * maximum; exhausting the maximum is final.
 */
public enum AllocationStep {
  /** The first allocation the category learned from measurements, below its maximum somewhere. */
  FIRST,
  /**
   * The category's maximum: its declared amounts, the task's own where it declared them, and a
   * whole worker's share (by the worker's allocation rule) for the rest. Every attempt of a FIXED
   * category, and of an automatic one before it has a first allocation, is at this step.
   */
  MAX
}

package io.tendril.manager.resources;

import io.tendril.protocol.Resources;
import java.util.Objects;

/**
 * What a category asks the scheduler to give one attempt of a task: amounts per resource, and the
 * step of the two-step policy they come from. An amount of zero is not declared: the worker's
 * allocation rule fills it in (all zero takes a whole worker; see docs/allocation.md).
 *
 * @param request the amounts to ask for; zero means not declared
 * @param step whether this is the learned first allocation or the maximum
 */
public record Allocation(Resources request, AllocationStep step) {
  /** Checks that neither part is null. */
  public Allocation {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(step, "step");
  }
}

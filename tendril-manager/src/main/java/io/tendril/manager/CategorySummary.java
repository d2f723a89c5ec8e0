package io.tendril.manager;

import io.tendril.manager.resources.ResourcesMode;
import io.tendril.protocol.Resources;
import java.util.Optional;

/**
 * A snapshot of one category, from {@link Manager#categories()}: its settings, its tasks by state,
 * and what it learned. In every {@link Resources} here zero means "none" (not declared, not
 * measured, not learned).
 *
 * @param name the category's name
 * @param mode how its tasks' allocations are chosen
 * @param max its declared maximum
 * @param maxConcurrent how many of its tasks may run at once; zero for no limit
 * @param tasksDone its tasks that finished, whatever their outcome
 * @param tasksRunning its tasks dispatched to a worker and not done (outputs coming back included)
 * @param tasksWaiting its submitted tasks not yet dispatched: waiting for inputs, for a worker, or
 *     for a slot under {@code maxConcurrent}
 * @param completions measured attempts that were not stopped for exceeding their allocation
 * @param exhaustions measured attempts that were stopped for exceeding their allocation
 * @param maxSeen the largest peak of each resource over its measured attempts
 * @param firstAllocation the first allocation in effect, for the learned resources; empty while
 *     there is none (in {@link ResourcesMode#FIXED}, or before enough tasks were measured)
 */
public record CategorySummary(String name, ResourcesMode mode, Resources max, int maxConcurrent,
    long tasksDone, int tasksRunning, int tasksWaiting, long completions, long exhaustions,
    Resources maxSeen, Optional<Resources> firstAllocation) {}

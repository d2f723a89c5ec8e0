package io.tendril.manager;

import java.time.Instant;

/**
 * When a task passed each stage of its last attempt. A stage not reached is null.
 *
 * @param submitted when {@link Manager#submit} accepted it
 * @param dispatched when it was sent to a worker
 * @param started when the worker started the command
 * @param finished when the command ended on the worker
 * @param retrieved when its outputs were back and it was done
 */
public record Timings(Instant submitted, Instant dispatched, Instant started, Instant finished, Instant retrieved) {}

package io.tendril.manager;

import io.tendril.protocol.Resources;

/**
 * The outcome of a finished task, set once by the manager's loop; {@code failure} is the encoded
 * exception of a function call that threw, else empty; {@code inlineResult} the encoded result of
 * a function call small enough to ride in its completion, else null; {@code outputBytes} the bytes
 * of the outputs the worker reported (or of the inline result); {@code measured} what the worker
 * measured of the last attempt, or null if no attempt reached its end on a worker; {@code
 * allocated} what the last attempt was given on its worker ({@link Resources#NONE} if none ran);
 * {@code exhaustionRetries} the attempts retried with a larger allocation; {@code outputSizes} the
 * size of each output present, by cache name; {@code callResults} how each call of a batch ended.
 */
record TaskOutcome(ResultCode resultCode, int exitCode, String stdout, boolean stdoutTruncated,
    String message, String worker, int attempts, Timings timings, byte[] failure, byte[] inlineResult,
    long outputBytes, MeasuredResources measured, Resources allocated, int exhaustionRetries,
    java.util.Map<String, Long> outputSizes, java.util.List<io.tendril.protocol.wire.CallResult> callResults) {}

package io.tendril.manager;

/**
 * The outcome of a finished task, set once by the manager's loop; {@code failure} is the encoded
 * exception of a function call that threw, else empty; {@code inlineResult} the encoded result of
 * a function call small enough to ride in its completion, else null; {@code outputBytes} the bytes
 * of the outputs the worker reported (or of the inline result); {@code outputSizes} the size of
 * each output present, by cache name; {@code callResults} how each call of a batch ended.
 */
record TaskOutcome(ResultCode resultCode, int exitCode, String stdout, boolean stdoutTruncated,
    String message, String worker, int attempts, Timings timings, byte[] failure, byte[] inlineResult,
    long outputBytes, java.util.Map<String, Long> outputSizes,
    java.util.List<io.tendril.protocol.wire.CallResult> callResults) {}

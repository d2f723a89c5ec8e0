package io.tendril.manager;

/**
 * A fetch in progress: which worker is bringing which file from which source, since when. Kept by
 * {@link Staging} from the FetchFile it sends until the worker's CacheUpdate.
 *
 * @param id the transfer id carried by FetchFile and CacheUpdate
 * @param destination the worker fetching
 * @param file the file
 * @param source a transfer address, {@code "manager"}, a URL, or {@code "mini-task"}/{@code "untar"}
 * @param sourceKind {@code peer}, {@code manager}, {@code url}, {@code mini-task} or {@code untar}
 * @param startNanos when it was sent
 * @param replication whether {@link TempReplicator} ordered it to keep another replica of a temp,
 *     rather than for a task
 */
record Transfer(String id, WorkerEntry destination, FileEntry file, String source, String sourceKind, long startNanos,
    boolean replication) {}

package io.tendril.manager;

/**
 * A snapshot of a manager's counters, taken on its loop.
 *
 * @param tasksSubmitted tasks accepted by submit
 * @param tasksWaiting tasks waiting for a temp input to exist
 * @param tasksReady tasks ready and waiting for a worker
 * @param tasksRunning tasks dispatched or running on workers
 * @param tasksRetrieving tasks whose outputs are coming back
 * @param tasksDone tasks finished (returned or about to be returned by await)
 * @param tasksRequeued attempts sent back to ready because their worker was lost or failed
 * @param workersConnected workers connected now
 * @param workersJoined workers that ever connected
 * @param workersLost workers that disconnected or went silent
 * @param bytesSentByManager bytes the manager served to workers
 * @param bytesReceivedByManager bytes the manager brought back from workers: outputs, and files
 *     fetched with {@link Manager#fetchFile} (such as the results {@link Manager#get} returns)
 * @param peerTransfers completed transfers from one worker to another
 * @param peerBytes bytes moved worker to worker
 * @param managerTransfers completed transfers from the manager to a worker
 * @param urlTransfers completed transfers of URLs fetched by workers
 * @param transferFailures transfers that failed
 * @param tempsRecovered temp files rebuilt by re-running their producers
 * @param inlineBytesReceived bytes of small function-call results that came back inside
 *     completion messages (forwarded by {@link Manager#get} to the calls that read them)
 * @param workersDiskFull connected workers whose disk is full now: they take no task that needs
 *     disk until they report room again
 */
public record ManagerStats(
    long tasksSubmitted, int tasksWaiting, int tasksReady, int tasksRunning, int tasksRetrieving,
    long tasksDone, long tasksRequeued, int workersConnected, long workersJoined, long workersLost,
    long bytesSentByManager, long bytesReceivedByManager, long peerTransfers, long peerBytes,
    long managerTransfers, long urlTransfers, long transferFailures, long tempsRecovered,
    long inlineBytesReceived, int workersDiskFull) {}

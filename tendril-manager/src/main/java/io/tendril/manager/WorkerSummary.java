package io.tendril.manager;

import io.tendril.protocol.Resources;
import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of one connected worker, from {@link Manager#status()} or a {@link StatusClient}.
 *
 * @param id the worker's id
 * @param hostname the host it runs on
 * @param transferAddress where it serves its files ({@code host:port})
 * @param total the resources it offers
 * @param committed what the tasks running there were given
 * @param tasksRunning tasks running there (or starting)
 * @param tasksQueued tasks sent to it ahead, beyond its free resources, which it starts as
 *     others end
 * @param tasksRetrieving tasks that ended there and whose outputs are coming back
 * @param cachedFiles files in its cache, as it reported them
 * @param cachedBytes their total size
 * @param diskFull why its disk is full (it then takes no task that needs disk); empty while it
 *     has room
 * @param sinceHeard how long since the manager last heard from it
 */
public record WorkerSummary(String id, String hostname, String transferAddress, Resources total,
    Resources committed, int tasksRunning, int tasksQueued, int tasksRetrieving, int cachedFiles, long cachedBytes,
    Optional<String> diskFull, Duration sinceHeard) {}

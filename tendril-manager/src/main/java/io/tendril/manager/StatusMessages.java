package io.tendril.manager;

import io.tendril.manager.resources.ResourcesMode;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.CategoryStatus;
import io.tendril.protocol.wire.StatusCounters;
import io.tendril.protocol.wire.StatusReply;
import io.tendril.protocol.wire.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link ManagerStatus} to and from its wire form, {@code StatusReply}: the manager writes it for
 * a status client, the {@link StatusClient} reads it back. Field for field; the proto's comments
 * say what each means.
 */
final class StatusMessages {
  private StatusMessages() {}

  static StatusReply toWire(ManagerStatus s) {
    ManagerStats c = s.stats();
    StatusReply.Builder b = StatusReply.newBuilder()
        .setProtocolVersion(Protocol.VERSION)
        .setManagerName(s.managerName())
        .setStartedAtMs(s.startedAt().toEpochMilli())
        .setTakenAtMs(s.takenAt().toEpochMilli())
        .setCounters(StatusCounters.newBuilder()
            .setTasksSubmitted(c.tasksSubmitted()).setTasksWaiting(c.tasksWaiting()).setTasksReady(c.tasksReady())
            .setTasksRunning(c.tasksRunning()).setTasksRetrieving(c.tasksRetrieving()).setTasksDone(c.tasksDone())
            .setTasksRequeued(c.tasksRequeued()).setWorkersConnected(c.workersConnected())
            .setWorkersJoined(c.workersJoined()).setWorkersLost(c.workersLost())
            .setBytesSentByManager(c.bytesSentByManager()).setBytesReceivedByManager(c.bytesReceivedByManager())
            .setPeerTransfers(c.peerTransfers()).setPeerBytes(c.peerBytes()).setManagerTransfers(c.managerTransfers())
            .setUrlTransfers(c.urlTransfers()).setTransferFailures(c.transferFailures())
            .setTempsRecovered(c.tempsRecovered()).setInlineBytesReceived(c.inlineBytesReceived())
            .setWorkersDiskFull(c.workersDiskFull()));
    for (CategorySummary k : s.categories()) {
      CategoryStatus.Builder cb = CategoryStatus.newBuilder()
          .setName(k.name()).setMode(k.mode().label()).setMax(k.max().toWire()).setMaxConcurrent(k.maxConcurrent())
          .setTasksDone(k.tasksDone()).setTasksRunning(k.tasksRunning()).setTasksWaiting(k.tasksWaiting())
          .setCompletions(k.completions()).setExhaustions(k.exhaustions()).setMaxSeen(k.maxSeen().toWire());
      k.firstAllocation().ifPresent(r -> cb.setFirstAllocation(r.toWire()));
      b.addCategories(cb);
    }
    for (WorkerSummary w : s.workers()) {
      b.addWorkers(WorkerStatus.newBuilder()
          .setWorkerId(w.id()).setHostname(w.hostname()).setTransferAddress(w.transferAddress())
          .setTotal(w.total().toWire()).setCommitted(w.committed().toWire()).setTasksRunning(w.tasksRunning())
          .setTasksQueued(w.tasksQueued()).setTasksRetrieving(w.tasksRetrieving()).setCachedFiles(w.cachedFiles()).setCachedBytes(w.cachedBytes())
          .setDiskFull(w.diskFull().orElse("")).setLastHeardMs(w.sinceHeard().toMillis()));
    }
    return b.build();
  }

  /**
   * Reads a reply.
   *
   * @throws IllegalArgumentException if a field holds what no manager writes (a negative amount,
   *     an unknown mode); the message names it
   */
  static ManagerStatus fromWire(StatusReply r) {
    StatusCounters c = r.getCounters();
    ManagerStats stats = new ManagerStats(c.getTasksSubmitted(), c.getTasksWaiting(), c.getTasksReady(),
        c.getTasksRunning(), c.getTasksRetrieving(), c.getTasksDone(), c.getTasksRequeued(), c.getWorkersConnected(),
        c.getWorkersJoined(), c.getWorkersLost(), c.getBytesSentByManager(), c.getBytesReceivedByManager(),
        c.getPeerTransfers(), c.getPeerBytes(), c.getManagerTransfers(), c.getUrlTransfers(), c.getTransferFailures(),
        c.getTempsRecovered(), c.getInlineBytesReceived(), c.getWorkersDiskFull());
    List<CategorySummary> categories = new ArrayList<>(r.getCategoriesCount());
    for (CategoryStatus k : r.getCategoriesList()) {
      categories.add(new CategorySummary(k.getName(), ResourcesMode.parse(k.getMode()), Resources.fromWire(k.getMax()),
          k.getMaxConcurrent(), k.getTasksDone(), k.getTasksRunning(), k.getTasksWaiting(), k.getCompletions(),
          k.getExhaustions(), Resources.fromWire(k.getMaxSeen()),
          k.hasFirstAllocation() ? Optional.of(Resources.fromWire(k.getFirstAllocation())) : Optional.empty()));
    }
    List<WorkerSummary> workers = new ArrayList<>(r.getWorkersCount());
    for (WorkerStatus w : r.getWorkersList()) {
      workers.add(new WorkerSummary(w.getWorkerId(), w.getHostname(), w.getTransferAddress(),
          Resources.fromWire(w.getTotal()), Resources.fromWire(w.getCommitted()), w.getTasksRunning(),
          w.getTasksQueued(), w.getTasksRetrieving(), w.getCachedFiles(), w.getCachedBytes(),
          w.getDiskFull().isEmpty() ? Optional.empty() : Optional.of(w.getDiskFull()),
          Duration.ofMillis(Math.max(0, w.getLastHeardMs()))));
    }
    return new ManagerStatus(r.getManagerName(), Instant.ofEpochMilli(r.getStartedAtMs()),
        Instant.ofEpochMilli(r.getTakenAtMs()), stats, categories, workers);
  }
}

package io.tendril.manager;

import io.tendril.manager.resources.TaskMeasurement;
import io.tendril.protocol.Resources;
import io.tendril.protocol.wire.Measured;
import java.time.Duration;

/**
 * What a worker measured of one attempt of a task, read with {@link CommandTask#measured()}. For a
 * command, the worker samples its whole process tree and its sandbox while it runs
 * (docs/monitor.md); a function call reports its wall time, the CPU time and heap allocation of the
 * library thread that ran it, and the resident memory of its library process as a whole, every
 * other field being zero. Peaks are the largest value a sample saw; megabytes are rounded up.
 *
 * @param wallTime from the start of the command to its end
 * @param cpuTime user and system CPU time of the process tree, exited processes included
 * @param averageCores {@code cpuTime / wallTime}
 * @param peakCores the largest CPU time per wall time between two samples at least 200 ms apart
 *     (zero for a command too short to have two such samples)
 * @param peakMemoryMb the largest resident memory of the tree, in MB
 * @param peakDiskMb the largest size of the sandbox's files plus the captured output, in MB
 * @param peakMemoryKb {@code peakMemoryMb} in kilobytes
 * @param peakDiskKb {@code peakDiskMb} in kilobytes
 * @param maxProcesses the most processes of the tree alive at one sample
 * @param bytesRead bytes passed to read calls by the tree (files, pipes and sockets alike)
 * @param bytesWritten bytes passed to write calls by the tree
 * @param allocatedBytes for a function call, the heap bytes its thread allocated; 0 for a command
 * @param libraryMemoryKb for a function call, the resident memory of the library process (shared by
 *     all its calls) when the call ended, in kilobytes; 0 for a command
 */
public record MeasuredResources(Duration wallTime, Duration cpuTime, double averageCores, double peakCores,
    long peakMemoryMb, long peakDiskMb, long peakMemoryKb, long peakDiskKb, int maxProcesses,
    long bytesRead, long bytesWritten, long allocatedBytes, long libraryMemoryKb) {

  /** From the worker's report; the average cores of a function call, which it leaves out, from its times. */
  static MeasuredResources of(Measured m) {
    double average = m.getAvgCoresMilli() / 1000.0;
    if (average == 0 && m.getWallTimeMs() > 0) {
      average = Math.round(1000.0 * m.getCpuTimeMs() / m.getWallTimeMs()) / 1000.0;
    }
    return new MeasuredResources(Duration.ofMillis(m.getWallTimeMs()), Duration.ofMillis(m.getCpuTimeMs()),
        average, m.getPeakCoresMilli() / 1000.0, m.getPeakMemoryMb(), m.getPeakDiskMb(),
        m.getPeakMemoryKb(), m.getPeakDiskKb(), m.getMaxProcesses(), m.getBytesRead(), m.getBytesWritten(),
        m.getAllocatedBytes(), m.getLibraryMemoryKb());
  }

  /**
   * The peak of each resource, as a category learns it: cores are the larger of the peak and the
   * average (a command too short for a peak still used its average), memory and disk their peaks,
   * GPUs zero (not measured). A negative figure (only a broken or hostile worker reports one)
   * counts as zero, so that it cannot fail the completion it came with.
   */
  public Resources peak() {
    return new Resources(Math.max(0, Math.max(peakCores, averageCores)), Math.max(0, peakMemoryMb),
        Math.max(0, peakDiskMb), 0);
  }

  private static final Duration LONGEST_WALL = Duration.ofDays(36_500);

  /** What a category records of this attempt. */
  TaskMeasurement toMeasurement(boolean exhausted) {
    // Bounded (a hundred years) so that its nanoseconds fit a long, whatever a worker reported.
    Duration wall = wallTime.isNegative() ? Duration.ZERO : wallTime.compareTo(LONGEST_WALL) > 0 ? LONGEST_WALL : wallTime;
    return exhausted ? TaskMeasurement.exhausted(peak(), wall) : TaskMeasurement.completed(peak(), wall);
  }
}

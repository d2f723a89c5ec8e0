package io.tendril.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One command run as {@code /bin/sh -c} in a sandbox: merged standard output and error captured
 * up to a limit (the rest is read and dropped, so the command never blocks on a full pipe), a
 * wall-time limit, and a kill of the whole process tree. Blocking; runs on a worker pool thread.
 */
final class TaskProcess {
  /** How the command ended. */
  enum End { EXITED, SIGNALLED, WALL_TIME, KILLED }

  /** What happened. */
  record Outcome(End end, int exitCode, byte[] output, boolean truncated, long wallMillis, long cpuMillis) {}

  private final ProcessBuilder builder;
  private final long outputLimit;
  private final Duration wallTime;
  private volatile Process process;
  private volatile boolean killed;

  TaskProcess(String command, Sandbox sandbox, Map<String, String> env, long outputLimit, Duration wallTime) {
    builder = new ProcessBuilder("/bin/sh", "-c", command).directory(sandbox.dir.toFile()).redirectErrorStream(true);
    Map<String, String> e = builder.environment();
    e.putAll(env);
    e.put("TENDRIL_SANDBOX", sandbox.dir.toString());
    this.outputLimit = Math.max(0, outputLimit);
    this.wallTime = wallTime;
  }

  Outcome run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = builder.start();
    process = p;
    p.getOutputStream().close();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    boolean[] truncated = new boolean[1];
    Thread reader = Thread.ofPlatform().daemon().name("tendril-task-output").start(() -> drain(p.getInputStream(), captured, truncated));
    boolean finished = wallTime == null ? waitForever(p) : p.waitFor(wallTime.toMillis(), TimeUnit.MILLISECONDS);
    End end;
    if (!finished) {
      killTree(p);
      end = End.WALL_TIME;
    } else if (killed) {
      end = End.KILLED;
    } else {
      end = p.exitValue() > 128 ? End.SIGNALLED : End.EXITED;
    }
    p.waitFor(10, TimeUnit.SECONDS);
    reader.join(5000);
    long cpu = p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
    int exit = p.isAlive() ? -1 : p.exitValue();
    byte[] out;
    synchronized (captured) {
      out = captured.toByteArray();
    }
    return new Outcome(end, exit, out, truncated[0], (System.nanoTime() - start) / 1_000_000, cpu);
  }

  private static boolean waitForever(Process p) throws InterruptedException {
    p.waitFor();
    return true;
  }

  private void drain(InputStream in, ByteArrayOutputStream captured, boolean[] truncated) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (captured) {
          int room = (int) Math.min(n, Math.max(0, outputLimit - captured.size()));
          captured.write(buf, 0, room);
          if (room < n) {
            truncated[0] = true;
          }
        }
      }
    } catch (IOException e) {
      // The process ended or was killed.
    }
  }

  /** Kills the command and everything it started. */
  void kill() {
    killed = true;
    Process p = process;
    if (p != null) {
      killTree(p);
    }
  }

  private static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

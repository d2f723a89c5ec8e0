package io.tendril.worker.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The process tree of one command: its root process and every descendant seen while sampling.
 * {@link #sample()} reads each member's {@code /proc/PID/stat} and {@code /proc/PID/io} and
 * returns what the tree holds and has used; killing sends SIGTERM to the whole tree, waits {@link
 * #KILL_GRACE} and sends SIGKILL to whatever is left. Remembered processes are killed too, so a
 * background process orphaned by the shell is not left behind.
 *
 * <p>CPU time and I/O include processes that exited between samples: the kernel adds the times and
 * I/O of a reaped child to its parent ({@code cutime} and {@code cstime} of the stat file, and the
 * counters of the io file), so the tree's total is the sum over every member of its own and its
 * reaped children's usage, minus the last-seen usage of each member found reaped before its
 * parent was read (the parent's figures hold it then). What the root itself and its children did
 * after the last sample is lost when the worker reaps the root (a command ending in a shell that
 * waits a moment for its children is measured exactly); so is the usage of a process reparented
 * away from the tree (a daemon) after it left. Memory is the sum of the members' resident set
 * sizes. Figures read from /proc are in clock ticks of {@link #TICKS_PER_SECOND} and pages of
 * {@link #PAGE_BYTES}; on a system without /proc a sample finds nothing.
 *
 * <p>Handles compare by process id and start time, and a member whose stat shows another start
 * time is gone, so a reused process id is never signalled or counted. Owned by one {@link
 * CommandProcess} (sampled by its {@link ResourceMonitor}) or one {@link Library}; samples run on
 * the owner's thread, kills on the thread that asks for them.
 */
final class ProcessTree {
  /** How long a tree has between SIGTERM and SIGKILL. */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /**
   * Clock ticks per second of the times in /proc (USER_HZ): 100 on every architecture Java runs
   * on, and not readable without native code.
   */
  static final long TICKS_PER_SECOND = 100;

  /** Bytes of a memory page, as the kernel reports for this process; 4096 if it cannot be read. */
  static final long PAGE_BYTES = pageBytes();

  /** Whether there is a /proc file system. */
  private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

  /** Whether this kernel lists a thread's children in /proc (CONFIG_PROC_CHILDREN). */
  private static final boolean PROC_CHILDREN = Files.isReadable(Path.of("/proc/thread-self/children"));

  /**
   * What the tree holds and has used at one sample.
   *
   * @param rssBytes resident memory of the members alive now, summed
   * @param cpuMillis user and system CPU time of the tree so far, exited members included
   * @param readBytes bytes read by the tree so far (rchar)
   * @param writtenBytes bytes written by the tree so far (wchar)
   * @param processes members alive now (zombies excluded)
   */
  record Sample(long rssBytes, long cpuMillis, long readBytes, long writtenBytes, int processes) {}

  /** One process of the tree and what its last read showed. Guarded by the tree's lock. */
  private static final class Member {
    final ProcessHandle handle;
    /** The start time in ticks seen at the first read, or -1 before it. */
    long startTicks = -1;
    /** The member that was its parent at the last read, or null if none of the tree. */
    Member parent;
    /** utime + stime: its own CPU time, in ticks. */
    long ownTicks;
    /** cutime + cstime: CPU time of the children it reaped, in ticks. */
    long reapedTicks;
    /** rchar and wchar: its own I/O plus that of the children it reaped. */
    long readBytes;
    long writtenBytes;
    /** Resident pages at the last read. */
    long rssPages;
    /** Whether it had exited (a zombie, not yet reaped) at the last read. */
    boolean zombie;
    /** The round of its last successful read, or 0. */
    long lastRead;
    /** The round at which it was found gone (reaped), or 0 while it is there. */
    long goneAt;

    Member(ProcessHandle handle) {
      this.handle = handle;
    }
  }

  /** Every member ever seen, in the order found (a parent before its children). */
  private final Map<ProcessHandle, Member> members = new LinkedHashMap<>();
  private long round;

  /**
   * Watches the tree below a started process.
   *
   * @param root the process, or null when it was gone before it could be watched (the tree is then
   *     empty: what it started before it went is no longer known to be below it)
   */
  ProcessTree(ProcessHandle root) {
    if (root != null) {
      members.put(root, new Member(root));
    }
  }

  /**
   * Reads every member, finds new children and sums the tree's usage. Safe to call from any
   * thread; one sample at a time.
   *
   * <p>Known members are read children first (in reverse order of discovery), so that a member
   * found reaped is in the figures of its parent whenever that parent is read in the same round or
   * later; then the children of the members still there are looked for, and new ones read.
   *
   * @return what the tree holds and has used now
   */
  synchronized Sample sample() {
    round++;
    Map<Long, Member> byPid = new HashMap<>();
    List<Member> present = new ArrayList<>();
    for (Member m : members.values()) {
      if (m.goneAt == 0) {
        byPid.put(m.handle.pid(), m);
        present.add(m);
      }
    }
    ArrayDeque<Member> parents = new ArrayDeque<>();
    for (int i = present.size() - 1; i >= 0; i--) {
      Member m = present.get(i);
      if (read(m, byPid)) {
        parents.addFirst(m);
      }
    }
    while (!parents.isEmpty()) {
      Member p = parents.poll();
      if (p.zombie) {
        continue;
      }
      for (ProcessHandle c : children(p.handle)) {
        if (!members.containsKey(c)) {
          Member child = new Member(c);
          members.put(c, child);
          byPid.put(c.pid(), child);
          if (read(child, byPid)) {
            parents.add(child);
          }
        }
      }
    }
    long ticks = 0;
    long read = 0;
    long written = 0;
    long rss = 0;
    int alive = 0;
    for (Member m : members.values()) {
      ticks += m.ownTicks + m.reapedTicks;
      read += m.readBytes;
      written += m.writtenBytes;
      if (m.goneAt > 0) {
        if (m.parent != null && m.parent.lastRead >= m.goneAt) {
          // Reaped before its parent was read: the parent's figures hold this member's.
          ticks -= m.ownTicks + m.reapedTicks;
          read -= m.readBytes;
          written -= m.writtenBytes;
        }
      } else if (!m.zombie) {
        rss += m.rssPages * PAGE_BYTES;
        alive++;
      }
    }
    return new Sample(rss, Math.max(0, ticks) * 1000 / TICKS_PER_SECOND, Math.max(0, read), Math.max(0, written),
        alive);
  }

  /**
   * Reads a member's stat and io files into it, or marks it gone.
   *
   * @param byPid the members there before this round, by process id, to find its parent
   * @return whether it is still there (running, or a zombie)
   */
  private boolean read(Member m, Map<Long, Member> byPid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(m.handle.pid()), "stat"));
    } catch (IOException | RuntimeException e) {
      m.goneAt = round;
      return false;
    }
    try {
      // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long start = Long.parseLong(f[19]);
      if (m.startTicks >= 0 && start != m.startTicks) {
        m.goneAt = round; // the process id was reused
        return false;
      }
      m.startTicks = start;
      Member parent = byPid.get(Long.parseLong(f[1]));
      m.parent = parent == m ? null : parent;
      m.ownTicks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      m.reapedTicks = Long.parseLong(f[13]) + Long.parseLong(f[14]);
      m.zombie = f[0].equals("Z") || f[0].equals("X");
      m.rssPages = Long.parseLong(f[21]);
    } catch (RuntimeException e) {
      m.goneAt = round; // not the stat format of Linux
      return false;
    }
    readIo(m);
    m.lastRead = round;
    return true;
  }

  /** Reads rchar and wchar; keeps the last figures if the file cannot be read (another user's process). */
  private static void readIo(Member m) {
    try (BufferedReader in = Files.newBufferedReader(Path.of("/proc", Long.toString(m.handle.pid()), "io"))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("rchar:")) {
          m.readBytes = Long.parseLong(line.substring(6).trim());
        } else if (line.startsWith("wchar:")) {
          m.writtenBytes = Long.parseLong(line.substring(6).trim());
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not allowed, or gone since the stat was read: the last figures stand.
    }
  }

  /**
   * Kills the whole tree: SIGTERM to every member, then SIGKILL to what is left after {@link
   * #KILL_GRACE}. Blocks until the members are gone or a second more has passed.
   */
  void kill() {
    kill(KILL_GRACE);
  }

  /**
   * Kills the whole tree with the given grace between SIGTERM and SIGKILL.
   *
   * @param grace time to exit after SIGTERM
   */
  void kill(Duration grace) {
    Set<ProcessHandle> members = aliveMembers();
    if (members.isEmpty()) {
      return;
    }
    members.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && !aliveMembers().isEmpty() && pause(20)) {
      // Waiting for the tree to exit on SIGTERM.
    }
    Set<ProcessHandle> left = aliveMembers();
    left.forEach(ProcessHandle::destroyForcibly);
    long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (System.nanoTime() < killDeadline && !aliveMembers().isEmpty() && pause(10)) {
      // Waiting for SIGKILL to take effect.
    }
  }

  /**
   * Every member running now: the remembered ones, and their descendants, which are remembered too.
   * A zombie (exited, not yet reaped by its parent, or by an init process slow to reap orphans) is
   * not waited for.
   */
  private Set<ProcessHandle> aliveMembers() {
    List<ProcessHandle> known;
    synchronized (this) {
      known = List.copyOf(members.keySet());
    }
    Set<ProcessHandle> out = new LinkedHashSet<>();
    for (ProcessHandle p : known) {
      if (running(p)) {
        out.add(p);
      }
    }
    ArrayDeque<ProcessHandle> parents = new ArrayDeque<>(out);
    List<ProcessHandle> found = new ArrayList<>();
    while (!parents.isEmpty()) {
      for (ProcessHandle d : children(parents.poll())) {
        if (out.add(d)) {
          found.add(d);
          parents.add(d);
        }
      }
    }
    synchronized (this) {
      for (ProcessHandle d : found) {
        members.computeIfAbsent(d, Member::new);
      }
    }
    out.removeIf(p -> !running(p));
    return out;
  }

  /** Whether a process is alive and not a zombie. */
  private static boolean running(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      int state = stat.lastIndexOf(')') + 2;
      return state >= stat.length() || stat.charAt(state) != 'Z';
    } catch (IOException | RuntimeException e) {
      return !PROC; // gone meanwhile, unless there is no /proc to tell
    }
  }

  /**
   * The children of a process, read from {@code /proc/PID/task/TID/children} (a few small reads
   * for a process and its threads) where the kernel offers it; elsewhere from {@link
   * ProcessHandle#children()}, which scans every process on the machine.
   */
  private static List<ProcessHandle> children(ProcessHandle parent) {
    if (!PROC_CHILDREN) {
      return parent.children().toList();
    }
    List<ProcessHandle> out = new ArrayList<>();
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(parent.pid()), "task"))) {
      for (Path thread : threads) {
        String list;
        try {
          list = Files.readString(thread.resolve("children"));
        } catch (IOException e) {
          continue; // the thread ended
        }
        for (String pid : list.trim().split(" ")) {
          if (!pid.isEmpty()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(out::add);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The parent ended: its children, if any, are found through the remembered members.
    }
    return out;
  }

  /** The page size from the first mapping of /proc/self/smaps; 4096 if it cannot be read. */
  private static long pageBytes() {
    try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/self/smaps"))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("KernelPageSize:")) {
          String[] f = line.substring(15).trim().split("\\s+");
          long kb = Long.parseLong(f[0]);
          return kb > 0 ? kb * 1024 : 4096;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or no smaps.
    }
    return 4096;
  }

  /** Sleeps; false if interrupted (the interrupt is kept), so that waits end early instead of spinning. */
  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

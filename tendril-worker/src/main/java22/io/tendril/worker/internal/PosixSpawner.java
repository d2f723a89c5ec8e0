package io.tendril.worker.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Spawner} that calls the C library's {@code posix_spawn} through the foreign-function
 * API (JDK 22 and later, Linux on x86-64 or AArch64 with glibc's {@code
 * posix_spawn_file_actions_addchdir_np}). The C library starts the program with {@code
 * CLONE_VFORK}: no copy of the worker's address space and a single exec, where the JVM's own
 * launch execs a helper first and then the program. On a machine where process creation is dear
 * that halves the cost of a command task's start.
 *
 * <p>The worker reaps what it spawns itself, with {@code wait4}, which also reports the child's
 * CPU time (not its largest resident set: after a vfork that counts the worker's own); it waits on a {@code pidfd} ({@code pidfd_open}, Linux 5.3),
 * or by polling where there is none. Compiled apart from the rest (src/main/java22) and loaded by
 * name only on a JDK that has the API; {@link ProcessLauncher} falls back to the JVM otherwise.
 */
final class PosixSpawner implements Spawner {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final long ERRNO_SIZE = Linker.Option.captureStateLayout().byteSize();
  private static final VarHandle ERRNO_VALUE = Linker.Option.captureStateLayout()
      .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

  // Linux values, the same on x86-64 and AArch64.
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;
  private static final int O_TRUNC = 01000;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final int WNOHANG = 1;
  private static final short POLLIN = 1;
  private static final long SYS_PIDFD_OPEN = 434;
  private static final int EINTR = 4;

  /** Room for glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336) and sigset_t (128). */
  private static final long OPAQUE_BYTES = 1024;
  private static final long RUSAGE_BYTES = 144;
  private static final long RU_STIME = 16;

  /** The longest a single poll blocks, so that an interrupt is noticed this soon. */
  private static final int POLL_SLICE_MS = 100;

  private final MethodHandle spawn;
  private final MethodHandle spawnp;
  private final MethodHandle actionsInit;
  private final MethodHandle actionsDestroy;
  private final MethodHandle addOpen;
  private final MethodHandle addDup2;
  private final MethodHandle addChdir;
  private final MethodHandle attrInit;
  private final MethodHandle attrDestroy;
  private final MethodHandle attrSetFlags;
  private final MethodHandle attrSetSigMask;
  private final MethodHandle attrSetSigDefault;
  private final MethodHandle sigEmptySet;
  private final MethodHandle sigFillSet;
  private final MethodHandle strerror;
  private final MethodHandle pidfdOpen;
  private final MethodHandle poll;
  private final MethodHandle wait4;
  private final MethodHandle close;

  private PosixSpawner() {
    spawn = function("posix_spawn", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    spawnp = function("posix_spawnp", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    actionsInit = function("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    actionsDestroy = function("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    addOpen = function("posix_spawn_file_actions_addopen",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    addDup2 = function("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    addChdir = function("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    attrInit = function("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    attrDestroy = function("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    attrSetFlags = function("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    attrSetSigMask = function("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    attrSetSigDefault = function("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    sigEmptySet = function("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    sigFillSet = function("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    strerror = function("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    pidfdOpen = LINKER.downcallHandle(symbol("syscall"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT),
        Linker.Option.firstVariadicArg(1), ERRNO);
    poll = LINKER.downcallHandle(symbol("poll"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    wait4 = LINKER.downcallHandle(symbol("wait4"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
        ERRNO);
    close = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  }

  /**
   * The spawner of this platform, called by {@link ProcessLauncher} through reflection.
   *
   * @throws UnsupportedOperationException if this platform is not one it knows, naming why
   */
  static Spawner create() {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
      throw new UnsupportedOperationException("direct spawning is built for Linux on amd64 and aarch64, not "
          + os + " on " + arch);
    }
    return new PosixSpawner();
  }

  private static MemorySegment symbol(String name) {
    return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name));
  }

  private static MethodHandle function(String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(symbol(name), d);
  }

  @Override
  public Child spawn(List<String> argv, Path directory, Map<String, String> environment, Path output)
      throws IOException {
    if (argv.isEmpty()) {
      throw new IOException("no program to start");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment actions = arena.allocate(OPAQUE_BYTES, 16);
      MemorySegment attr = arena.allocate(OPAQUE_BYTES, 16);
      MemorySegment signals = arena.allocate(OPAQUE_BYTES, 16);
      check((int) actionsInit.invokeExact(actions), "posix_spawn_file_actions_init");
      try {
        check((int) attrInit.invokeExact(attr), "posix_spawnattr_init");
        try {
          check((int) addChdir.invokeExact(actions, cString(arena, directory.toString())), "chdir " + directory);
          check((int) addOpen.invokeExact(actions, 0, cString(arena, "/dev/null"), O_RDONLY, 0), "open /dev/null");
          check((int) addOpen.invokeExact(actions, 1, cString(arena, output.toString()), O_WRONLY | O_CREAT | O_TRUNC, 0644),
              "open " + output);
          check((int) addDup2.invokeExact(actions, 1, 2), "dup2");
          check((int) sigEmptySet.invokeExact(signals), "sigemptyset");
          check((int) attrSetSigMask.invokeExact(attr, signals), "posix_spawnattr_setsigmask");
          check((int) sigFillSet.invokeExact(signals), "sigfillset");
          check((int) attrSetSigDefault.invokeExact(attr, signals), "posix_spawnattr_setsigdefault");
          check((int) attrSetFlags.invokeExact(attr, (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)),
              "posix_spawnattr_setflags");
          MemorySegment pid = arena.allocate(JAVA_INT);
          String program = argv.get(0);
          MemorySegment args = cStrings(arena, argv);
          MemorySegment env = cStrings(arena, environment.entrySet().stream().map(e -> {
            if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0) {
              throw new IllegalArgumentException("invalid environment variable name '" + e.getKey() + "'");
            }
            return e.getKey() + "=" + e.getValue();
          }).toList());
          int rc = program.indexOf('/') >= 0
              ? (int) spawn.invokeExact(pid, cString(arena, program), actions, attr, args, env)
              : (int) spawnp.invokeExact(pid, cString(arena, program), actions, attr, args, env);
          if (rc != 0) {
            throw new IOException("cannot run " + program + ": " + message(rc) + " (error " + rc + ")");
          }
          return new Spawned(pid.get(JAVA_INT, 0));
        } finally {
          int ignored = (int) attrDestroy.invokeExact(attr);
        }
      } finally {
        int ignored = (int) actionsDestroy.invokeExact(actions);
      }
    } catch (IOException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    } catch (Throwable t) {
      throw new IOException("posix_spawn failed: " + t, t);
    }
  }

  private void check(int rc, String what) throws IOException {
    if (rc != 0) {
      throw new IOException(what + ": " + message(rc) + " (error " + rc + ")");
    }
  }

  private String message(int errno) {
    try {
      MemorySegment s = (MemorySegment) strerror.invokeExact(errno);
      return s.reinterpret(Integer.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    } catch (Throwable t) {
      return "error " + errno;
    }
  }

  private static MemorySegment cString(Arena arena, String s) {
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a NUL character in '" + s.replace('\0', '?') + "' cannot be passed to a program");
    }
    return arena.allocateFrom(s, StandardCharsets.UTF_8);
  }

  private static MemorySegment cStrings(Arena arena, List<String> strings) {
    MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1);
    for (int i = 0; i < strings.size(); i++) {
      array.setAtIndex(ADDRESS, i, cString(arena, strings.get(i)));
    }
    array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
    return array;
  }

  /** A spawned program, reaped here; its methods are called by one thread at a time. */
  private final class Spawned implements Child {
    private final int pid;
    private final Optional<ProcessHandle> handle;
    private int pidfd = -2; // -2: not opened yet; -1: none (polling instead)
    private boolean reaped;
    private boolean unknown;
    private int status;
    private long cpuMillis = -1;

    Spawned(int pid) {
      this.pid = pid;
      this.handle = ProcessHandle.of(pid);
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public Optional<ProcessHandle> handle() {
      return reaped ? Optional.empty() : handle;
    }

    @Override
    public synchronized boolean waitFor(long nanos) throws InterruptedException {
      long deadline = System.nanoTime() + nanos;
      while (!reap()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        int ms = (int) Math.min(POLL_SLICE_MS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999)));
        await(ms);
      }
      return true;
    }

    @Override
    public synchronized boolean isAlive() {
      return !reap();
    }

    @Override
    public synchronized int exitValue() {
      if (!reap()) {
        throw new IllegalStateException("process " + pid + " has not exited");
      }
      if (unknown) {
        return -1;
      }
      int signal = status & 0x7f;
      return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    @Override
    public synchronized long cpuMillis() {
      return cpuMillis;
    }

    /** Waits up to {@code ms} for the child to exit, on its pidfd, or by sleeping where there is none. */
    private void await(int ms) throws InterruptedException {
      if (pidfd == -2) {
        pidfd = openPidfd();
      }
      if (pidfd < 0) {
        Thread.sleep(Math.min(ms, 5));
        return;
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment fds = arena.allocate(8, 8);
        fds.set(JAVA_INT, 0, pidfd);
        fds.set(JAVA_SHORT, 4, POLLIN);
        MemorySegment errno = arena.allocate(ERRNO_SIZE);
        int rc = (int) poll.invokeExact(errno, fds, 1L, ms);
        if (rc < 0 && (int) ERRNO_VALUE.get(errno, 0L) != EINTR) {
          closePidfd();
          pidfd = -1; // poll that fails otherwise: wait by sleeping from now on
        }
      } catch (Throwable t) {
        closePidfd();
        pidfd = -1;
      }
    }

    private int openPidfd() {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment errno = arena.allocate(ERRNO_SIZE);
        long fd = (long) pidfdOpen.invokeExact(errno, SYS_PIDFD_OPEN, pid, 0);
        return fd >= 0 ? (int) fd : -1;
      } catch (Throwable t) {
        return -1;
      }
    }

    private void closePidfd() {
      if (pidfd >= 0) {
        try {
          int ignored = (int) close.invokeExact(pidfd);
        } catch (Throwable t) {
          // Nothing more to do with it.
        }
      }
    }

    /** Reaps the child if it has exited; true once reaped. */
    private boolean reap() {
      if (reaped) {
        return true;
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment st = arena.allocate(JAVA_INT);
        MemorySegment usage = arena.allocate(RUSAGE_BYTES, 8);
        MemorySegment errno = arena.allocate(ERRNO_SIZE);
        int rc = (int) wait4.invokeExact(errno, pid, st, WNOHANG, usage);
        if (rc == 0) {
          return false;
        }
        if (rc < 0) {
          int e = (int) ERRNO_VALUE.get(errno, 0L);
          if (e == EINTR) {
            return false;
          }
          // ECHILD: reaped by someone else; its status is lost.
          unknown = true;
        } else {
          status = st.get(JAVA_INT, 0);
          cpuMillis = millis(usage, 0) + millis(usage, RU_STIME);
        }
        reaped = true;
        closePidfd();
        pidfd = -1;
        return true;
      } catch (Throwable t) {
        throw new IllegalStateException("wait4 of process " + pid + " failed: " + t, t);
      }
    }

    private static long millis(MemorySegment usage, long offset) {
      return usage.get(JAVA_LONG, offset) * 1000 + usage.get(JAVA_LONG, offset + 8) / 1000;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "process %d%s", pid, reaped ? " (ended)" : "");
    }
  }
}

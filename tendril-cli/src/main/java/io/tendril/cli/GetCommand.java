package io.tendril.cli;

import io.tendril.graph.GraphException;
import io.tendril.graph.LocalScheduler;
import io.tendril.graph.Optimize;
import io.tendril.graph.Schedulers;
import io.tendril.graph.TaskFailedException;
import io.tendril.graph.json.FunctionResolver;
import io.tendril.graph.json.GraphFormatException;
import io.tendril.graph.json.GraphJson;
import io.tendril.graph.json.Json;
import io.tendril.manager.GetOptions;
import io.tendril.manager.Manager;
import io.tendril.manager.ManagerOptions;
import io.tendril.manager.ManagerStats;
import io.tendril.protocol.auth.SharedSecret;
import io.tendril.manager.resources.ResourcesMode;
import io.tendril.protocol.tls.TlsIdentity;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tendril get GRAPH.json KEY...}: reads a JSON graph file (docs/graph-format.md), computes
 * the requested keys on a local scheduler and prints the result as JSON on stdout.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Computes keys of a JSON graph file and prints the result as JSON.",
      "One KEY prints its value; several print a JSON array; --keys takes a JSON array of keys",
      "nested to any depth and prints the same nesting."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the keys were computed",
      "1:a task failed (stderr names its key and the error)",
      "2:the input cannot be run: a malformed file (with the position of the problem), an unknown"
          + " function, a missing key, a cycle, or bad usage"
    })
final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "GRAPH.json", description = "The graph file.")
  Path graphFile;

  @Parameters(index = "1..*", paramLabel = "KEY", description = "Keys to compute.")
  List<String> keys = new ArrayList<>();

  @Option(names = "--keys", paramLabel = "JSON",
      description = "A JSON array of keys nested to any depth, e.g. '[\"a\", [\"b\", \"c\"]]'.")
  String keysJson;

  @Option(names = "--scheduler", paramLabel = "sync|threads", defaultValue = "threads",
      description = "The local scheduler (default: ${DEFAULT-VALUE}).")
  String scheduler;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads of the threaded scheduler (default: one per processor).")
  Integer threads;

  @Option(names = "--optimize", paramLabel = "cull,inline,fuse", split = ",",
      description = "Optimizations to apply, any subset, always in the order cull, inline, fuse.")
  List<String> optimize = new ArrayList<>();

  @Option(names = {"--classpath", "-cp"}, paramLabel = "PATH",
      description = "Jars and class folders (separated by ':', ';' on Windows) holding the static methods that graph files name as \"com.example.Cls::method\".")
  String classpath;

  @Option(names = "--workers", paramLabel = "N",
      description = "Run the graph on N local worker processes with an embedded manager; with 0 and --port, "
          + "wait for workers started elsewhere with `tendril worker HOST:PORT`. Without it, a local scheduler runs it.")
  Integer workers;

  @Option(names = "--port", paramLabel = "P",
      description = "The manager's port when the graph runs on workers (default: any free port).")
  Integer port;

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "Where the manager writes its transaction log and workers their workspaces (default: a new temporary directory).")
  Path runDir;

  @Option(names = "--password", paramLabel = "FILE",
      description = "When the graph runs on workers: accept only workers that prove they know the password in FILE; "
          + "the local workers get it too (default: no password).")
  Path password;

  @Mixin ManagerTlsOptions tls = new ManagerTlsOptions();

  /** The manager's TLS key and certificate, read or made in call(); null without --ssl. */
  private TlsIdentity identity;

  @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Show a progress bar on stderr when it is a terminal and the run is long (default: on).")
  boolean progress;

  @Option(names = "--resources-mode", paramLabel = "MODE",
      description = "With --workers or --port: the mode of each function's category, fixed, max, \"min waste\" "
          + "or \"max throughput\" (default: fixed). See docs/allocation.md.")
  String resourcesMode;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (tls.enabled() && workers == null && port == null) {
      err.println("tendril: --ssl applies only when the graph runs on workers (--workers or --port)");
      return ExitCodes.BAD_INPUT;
    }
    try {
      identity = tls.identity();
    } catch (IllegalArgumentException e) {
      err.println("tendril: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    if (password != null) {
      if (workers == null && port == null) {
        err.println("tendril: --password applies only when the graph runs on workers (--workers or --port)");
        return ExitCodes.BAD_INPUT;
      }
      try {
        SharedSecret.fromFile(password);
      } catch (IllegalArgumentException e) {
        err.println("tendril: " + e.getMessage());
        return ExitCodes.BAD_INPUT;
      }
    }
    try {
      if (resourcesMode != null && workers == null && port == null) {
        throw new UsageException("--resources-mode applies to runs on workers: add --workers N (or --port P)");
      }
      ResourcesMode mode = resourcesMode == null ? null : parseMode(resourcesMode);
      Object requested = requestedKeys();
      LocalScheduler local = scheduler();
      ClassLoader loader = classLoader();
      Map<Object, Object> dsk = GraphJson.read(graphFile, new FunctionResolver(loader));
      Map<?, ?> graph = optimized(dsk, requested);
      if (workers != null || port != null) {
        out.println(Json.write(onWorkers(graph, requested, mode, err)));
        out.flush();
        return ExitCodes.OK;
      }
      if (progress && ProgressBar.stderrIsTerminal()) {
        local = local.withCallbacks(new ProgressBar(System.err));
      }
      Object result = local.get(graph, requested);
      out.println(Json.write(result));
      out.flush();
      return ExitCodes.OK;
    } catch (TaskFailedException e) {
      err.println("tendril: task " + io.tendril.graph.Keys.repr(e.key()) + " failed: " + describe(e.getCause()));
      return ExitCodes.TASK_FAILED;
    } catch (GraphFormatException e) {
      err.println("tendril: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    } catch (GraphException | UsageException e) {
      err.println("tendril: " + graphFile + ": " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    } catch (NoSuchFileException e) {
      err.println("tendril: no such file: " + e.getFile());
      return ExitCodes.BAD_INPUT;
    } catch (IOException e) {
      err.println("tendril: cannot read " + graphFile + ": " + e);
      return ExitCodes.BAD_INPUT;
    }
  }

  /**
   * Runs the graph on worker processes: an embedded manager with {@code --workers N} local
   * workers, or external workers joining at {@code --port}. User functions from {@code
   * --classpath} travel to the workers; a summary line on stderr tells how much moved.
   */
  private Object onWorkers(Map<?, ?> graph, Object requested, ResourcesMode mode, PrintWriter err)
      throws IOException {
    int n = workers == null ? 0 : workers;
    if (n < 0) {
      throw new UsageException("--workers must be 0 or more, got " + n);
    }
    if (n == 0 && port == null) {
      throw new UsageException("--workers 0 needs --port P, where workers started with `tendril worker HOST:P` join");
    }
    ManagerOptions.Builder builder = ManagerOptions.builder()
        .host(n > 0 ? "127.0.0.1" : ManagerOptions.DEFAULT_HOST)
        .port(port == null ? 0 : port).name("tendril-get");
    if (password != null) {
      builder.password(password); // read and checked in call()
    }
    if (identity != null) {
      builder.tls(identity);
    }
    Path run = runDir != null ? Files.createDirectories(runDir) : Files.createTempDirectory("tendril-get-");
    ManagerOptions options = builder.runDirectory(run).build();
    GetOptions get = GetOptions.defaults().environment(classpathEntries());
    if (mode != null) {
      get.resourcesMode(mode);
    }
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    boolean bar = progress && ProgressBar.stderrIsTerminal();
    int[] shown = {-1};
    get.progress((done, total) -> {
      calls.set(total);
      // Calls finish in batches, so the count jumps: redraw at each hundredth of the run and at its end.
      if (bar && (done == total || done - shown[0] >= Math.max(1, total / 100))) {
        shown[0] = done;
        err.print("\r" + done + "/" + total + " calls");
        if (done == total) {
          err.println();
        }
        err.flush();
      }
    });
    try (Manager manager = new Manager(options);
        LocalWorkers local = n > 0 ? LocalWorkers.start(n, manager.port(), run, "local", password,
            manager.tlsFingerprint().orElse(null)) : null) {
      if (n == 0) {
        err.println("tendril: waiting for workers: tendril worker <this-host>:" + manager.port()
            + manager.tlsFingerprint().map(f -> " --ssl --ssl-fingerprint " + f).orElse(""));
        err.flush();
      }
      long start = System.nanoTime();
      Object result = manager.get(graph, requested, get);
      ManagerStats s = manager.stats();
      err.printf("tendril: %d calls (%d tasks) in %.2f s on %d workers; %s moved between workers, %s of small "
              + "results carried in messages, %s of files returned to the manager%n",
          calls.get(), s.tasksDone(), (System.nanoTime() - start) / 1e9, s.workersJoined(), Sizes.bytes(s.peerBytes()),
          Sizes.bytes(s.inlineBytesReceived()), Sizes.bytes(s.bytesReceivedByManager()));
      err.flush();
      return result;
    }
  }

  private static ResourcesMode parseMode(String name) {
    try {
      return ResourcesMode.parse(name);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--resources-mode: " + e.getMessage());
    }
  }

  /** The --classpath entries, the environment of the functions on the workers. */
  private List<Path> classpathEntries() {
    List<Path> out = new ArrayList<>();
    if (classpath != null) {
      for (String entry : classpath.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          out.add(Path.of(entry));
        }
      }
    }
    return out;
  }

  /** Bad command-line usage found after parsing. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private Object requestedKeys() {
    if (keysJson != null && !keys.isEmpty()) {
      throw new UsageException("give keys either as arguments or with --keys, not both");
    }
    if (keysJson != null) {
      Object parsed;
      try {
        parsed = Json.parse(keysJson, "--keys");
      } catch (GraphFormatException e) {
        throw new UsageException(e.getMessage());
      }
      if (!(parsed instanceof List)) {
        throw new UsageException("--keys takes a JSON array of keys, e.g. '[\"a\", [\"b\"]]'");
      }
      return parsed;
    }
    if (keys.isEmpty()) {
      throw new UsageException("no key to compute: give one or more KEYs, or --keys JSON");
    }
    return keys.size() == 1 ? keys.get(0) : List.copyOf(keys);
  }

  private LocalScheduler scheduler() {
    switch (scheduler) {
      case "sync":
        if (threads != null) {
          throw new UsageException("--threads applies to --scheduler threads only");
        }
        return Schedulers.sync();
      case "threads":
      case "threaded":
        if (threads == null) {
          return Schedulers.threaded();
        }
        if (threads < 1) {
          throw new UsageException("--threads must be at least 1, got " + threads);
        }
        return Schedulers.threaded(threads);
      default:
        throw new UsageException("unknown --scheduler '" + scheduler + "': use sync or threads");
    }
  }

  private ClassLoader classLoader() {
    ClassLoader parent = GetCommand.class.getClassLoader();
    if (classpath == null || classpath.isBlank()) {
      return parent;
    }
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path p = Path.of(entry);
      if (!Files.exists(p)) {
        throw new UsageException("--classpath entry " + entry + " does not exist");
      }
      try {
        urls.add(p.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new UsageException("--classpath entry " + entry + " is not a valid path: " + e.getMessage());
      }
    }
    return new URLClassLoader("tendril-classpath", urls.toArray(new URL[0]), parent);
  }

  private Map<?, ?> optimized(Map<Object, Object> dsk, Object requested) {
    List<String> known = List.of("cull", "inline", "fuse");
    for (String o : optimize) {
      if (!known.contains(o)) {
        throw new UsageException("unknown optimization '" + o + "': use any of cull,inline,fuse");
      }
    }
    Map<?, ?> graph = dsk;
    Map<Object, java.util.Set<Object>> deps = null;
    if (optimize.contains("cull")) {
      Optimize.Culled culled = Optimize.cull(graph, requested);
      graph = culled.graph();
      deps = culled.dependencies();
    }
    if (optimize.contains("inline")) {
      graph = Optimize.inline(graph, List.of(), deps);
      deps = null;
    }
    if (optimize.contains("fuse")) {
      graph = Optimize.fuse(graph, requested, deps).graph();
    }
    return graph;
  }

  private static String describe(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    String message = t.getMessage();
    return t.getClass().getName() + (message == null ? "" : ": " + message);
  }
}

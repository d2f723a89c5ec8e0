package io.tendril.worker.library;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The library process: a long-lived JVM on a worker that runs function calls (graph tasks) without
 * starting a process per call. The worker starts one per distinct classpath as
 *
 * <pre>
 * java -Xmx&lt;heap&gt; [JDK 24+: --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow]
 *     -cp &lt;the worker's own class path&gt; io.tendril.worker.library.LibraryMain
 *     --slots N --classpath [PATH...]
 * </pre>
 *
 * <p>Every argument after {@code --classpath} is one entry (a jar or a class directory in the
 * worker's cache), in order. The user's functions and value classes are loaded by a {@link
 * URLClassLoader} over those entries whose parent is this class's loader, so Tendril's own types
 * ({@code io.tendril.graph}, the codec) are shared with the worker's class path.
 *
 * <p>Protocol (see {@link LibraryFrames} for the framing): the library writes one LibraryReady on
 * its standard output, then reads LibraryRequests from its standard input and runs them on N slot
 * threads, answering each with a LibraryReply on standard output. Standard output belongs to the
 * protocol: {@link System#out} is redirected to standard error at start (so a function's prints
 * land in the library's log) and {@link System#in} reads nothing. The process exits when its
 * standard input ends: the worker closed it, or the worker died. Values travel only through the
 * value codec; nothing is ever read with Java object serialization.
 *
 * <p>Exit statuses: 0 when the input ended, {@link #EXIT_USAGE} for a malformed command line,
 * {@link #EXIT_PROTOCOL} when the conversation with the worker broke, {@link #EXIT_WORKER_GONE}
 * when a reply could not be written.
 */
public final class LibraryMain {
  /** Exit status of a malformed command line. */
  public static final int EXIT_USAGE = 2;

  /** Exit status of a broken conversation: a corrupt request or an unreadable input. */
  public static final int EXIT_PROTOCOL = 3;

  /** Exit status when a reply cannot be written: the worker is gone. */
  public static final int EXIT_WORKER_GONE = 4;

  /** How long shutdown hooks of user code may delay the exit before the JVM is halted. */
  private static final long EXIT_GRACE_MILLIS = 5000;

  private LibraryMain() {}

  /**
   * Runs the library until its standard input ends.
   *
   * @param args {@code --slots N --classpath [PATH...]}
   */
  public static void main(String[] args) {
    OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
    InputStream protocolIn = new FileInputStream(FileDescriptor.in);
    PrintStream log = System.err;
    System.setOut(log);
    System.setIn(InputStream.nullInputStream());
    LibraryArguments arguments;
    try {
      arguments = LibraryArguments.parse(args);
    } catch (IllegalArgumentException e) {
      log.println("tendril library: " + e.getMessage());
      exit(EXIT_USAGE);
      return;
    }
    int status = 0;
    try {
      URLClassLoader loader = loaderOf(arguments.classpath(), log);
      log.println("tendril library: serving with " + arguments.slots() + " slot(s), classpath "
          + arguments.classpath());
      new CallServer(arguments.slots(), loader, protocolIn, protocolOut, log).serve();
      log.println("tendril library: the worker closed the input; exiting");
    } catch (IOException | RuntimeException e) {
      log.println("tendril library: " + e.getMessage() + "; exiting");
      e.printStackTrace(log);
      status = EXIT_PROTOCOL;
    }
    exit(status);
  }

  private static URLClassLoader loaderOf(List<Path> classpath, PrintStream log) throws MalformedURLException {
    URL[] urls = new URL[classpath.size()];
    for (int i = 0; i < urls.length; i++) {
      Path p = classpath.get(i);
      if (!Files.exists(p)) {
        log.println("tendril library: classpath entry " + p + " does not exist; classes are not looked for there");
      }
      urls[i] = p.toUri().toURL();
    }
    return new URLClassLoader("tendril-library", urls, LibraryMain.class.getClassLoader());
  }

  /**
   * Exits the JVM now, whatever slot threads are doing; halts it if shutdown hooks of user code
   * take longer than {@link #EXIT_GRACE_MILLIS}.
   */
  static void exit(int status) {
    Thread halt = new Thread(() -> {
      try {
        Thread.sleep(EXIT_GRACE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      Runtime.getRuntime().halt(status);
    }, "tendril-library-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(status);
  }
}

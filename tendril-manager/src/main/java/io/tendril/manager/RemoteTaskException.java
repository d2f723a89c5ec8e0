package io.tendril.manager;

import io.tendril.protocol.codec.RemoteFailure;

/**
 * An exception thrown by a function on a worker, rebuilt on the caller's side: it carries the
 * remote exception's class name, message and stack trace (and its causes, as nested
 * {@code RemoteTaskException}s). It is the cause of the {@link io.tendril.graph.TaskFailedException}
 * that {@link Manager#get} throws; {@link #remoteClassName()} tells what the function threw.
 */
public final class RemoteTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String remoteClassName;
  private final String remoteMessage;

  private RemoteTaskException(String remoteClassName, String remoteMessage, RemoteTaskException cause) {
    super(remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage), cause);
    this.remoteClassName = remoteClassName;
    this.remoteMessage = remoteMessage;
  }

  /**
   * Rebuilds a remote failure.
   *
   * @param failure the failure as the library reported it
   * @return the exception, with the remote stack trace and causes
   */
  public static RemoteTaskException of(RemoteFailure failure) {
    RemoteTaskException cause = failure.cause() == null ? null : of(failure.cause());
    RemoteTaskException e = new RemoteTaskException(failure.className(), failure.message(), cause);
    StackTraceElement[] trace = new StackTraceElement[failure.stackTrace().size()];
    for (int i = 0; i < trace.length; i++) {
      RemoteFailure.Frame f = failure.stackTrace().get(i);
      trace[i] = new StackTraceElement(f.className(), f.methodName(), f.fileName(), f.lineNumber());
    }
    e.setStackTrace(trace);
    return e;
  }

  /** The class name of the exception the function threw, e.g. {@code java.lang.ArithmeticException}. */
  public String remoteClassName() {
    return remoteClassName;
  }

  /** The message of the exception the function threw, or null. */
  public String remoteMessage() {
    return remoteMessage;
  }
}

package io.tendril.worker.library;

import io.tendril.protocol.codec.RemoteFailure;
import java.util.List;

/**
 * Encodes what a user's function threw, small enough to travel in a TaskFinished: a failure whose
 * encoding exceeds {@link #MAX_BYTES} is cut to fewer causes and stack frames. Stateless.
 */
final class Failures {
  /** The largest encoded failure sent as it is. */
  static final int MAX_BYTES = 1 << 20;

  /** Causes kept when a failure is cut. */
  static final int CUT_CAUSES = 8;

  /** Frames per failure kept when a failure is cut. */
  static final int CUT_FRAMES = 64;

  private Failures() {}

  /**
   * Encodes a throwable.
   *
   * @param thrown what the function threw
   * @return the encoded {@link RemoteFailure}, at most about {@link #MAX_BYTES}
   */
  static byte[] encode(Throwable thrown) {
    RemoteFailure f = RemoteFailure.of(thrown);
    byte[] bytes = f.encode();
    return bytes.length <= MAX_BYTES ? bytes : cut(f, CUT_CAUSES).encode();
  }

  private static RemoteFailure cut(RemoteFailure f, int causes) {
    if (f == null || causes == 0) {
      return null;
    }
    List<RemoteFailure.Frame> frames = f.stackTrace();
    return new RemoteFailure(f.className(), f.message(),
        frames.subList(0, Math.min(frames.size(), CUT_FRAMES)), cut(f.cause(), causes - 1));
  }
}

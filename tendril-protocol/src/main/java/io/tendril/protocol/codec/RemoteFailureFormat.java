package io.tendril.protocol.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link RemoteFailure}, version 1:
 *
 * <pre>
 * 'T' 'F'  magic                          2 bytes
 * 1        version                        1 byte
 * n        failures in the chain, outermost first: 4 bytes, 1 to MAX_CAUSES
 * n times:
 *   class    modified UTF-8 with a 2-byte length (DataOutput.writeUTF)
 *   message  presence byte (0 or 1), then the string if present
 *   frames   4-byte count, 0 to MAX_FRAMES, then per frame:
 *              class, method: strings; file: presence byte and string; line: 4 bytes
 * </pre>
 *
 * <p>Nothing may follow. Every count is checked against its limit and the bytes left before
 * anything is allocated.
 */
final class RemoteFailureFormat {
  private static final byte[] MAGIC = {'T', 'F'};
  private static final int VERSION = 1;
  /** The fewest bytes a frame takes: two empty strings, an absent file, a line. */
  private static final int MIN_FRAME_BYTES = 2 + 2 + 1 + 4;
  /** The fewest bytes a failure takes: an empty class name, no message, no frames. */
  private static final int MIN_FAILURE_BYTES = 2 + 1 + 4;
  private static final int MAX_BYTES = 64 * 1024 * 1024;

  private RemoteFailureFormat() {}

  static byte[] encode(RemoteFailure failure) {
    List<RemoteFailure> chain = chain(failure);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(VERSION);
      out.writeInt(chain.size());
      for (RemoteFailure f : chain) {
        out.writeUTF(check(f.className(), RemoteFailure.MAX_NAME_CHARS, "class name"));
        writeOptional(out, check(f.message(), RemoteFailure.MAX_MESSAGE_CHARS, "message"));
        if (f.stackTrace().size() > RemoteFailure.MAX_FRAMES) {
          throw new IllegalArgumentException(
              "a remote failure has " + f.stackTrace().size() + " frames, more than "
                  + RemoteFailure.MAX_FRAMES + "; make it with RemoteFailure.of");
        }
        out.writeInt(f.stackTrace().size());
        for (RemoteFailure.Frame frame : f.stackTrace()) {
          out.writeUTF(check(frame.className(), RemoteFailure.MAX_NAME_CHARS, "frame class"));
          out.writeUTF(check(frame.methodName(), RemoteFailure.MAX_NAME_CHARS, "frame method"));
          writeOptional(out, check(frame.fileName(), RemoteFailure.MAX_NAME_CHARS, "file name"));
          out.writeInt(frame.lineNumber());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  private static List<RemoteFailure> chain(RemoteFailure failure) {
    List<RemoteFailure> chain = new ArrayList<>();
    for (RemoteFailure f = failure; f != null; f = f.cause()) {
      if (chain.size() == RemoteFailure.MAX_CAUSES) {
        throw new IllegalArgumentException(
            "a remote failure has more than " + RemoteFailure.MAX_CAUSES + " causes; make it with"
                + " RemoteFailure.of");
      }
      chain.add(f);
    }
    return chain;
  }

  /** Checks a string's length against a limit; null passes. */
  private static String check(String s, int max, String what) {
    if (s != null && s.length() > max) {
      throw new IllegalArgumentException(
          "a remote failure's " + what + " has " + s.length() + " characters, more than " + max
              + "; make it with RemoteFailure.of");
    }
    return s;
  }

  private static void writeOptional(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  static RemoteFailure decode(byte[] data) {
    BoundedInput in = new BoundedInput("a remote failure", data, MAX_BYTES);
    in.expectHeader(MAGIC, VERSION);
    int n = in.readCount("failures", RemoteFailure.MAX_CAUSES, MIN_FAILURE_BYTES);
    if (n == 0) {
      throw in.corrupt("it holds no failure");
    }
    String[] classNames = new String[n];
    String[] messages = new String[n];
    List<List<RemoteFailure.Frame>> traces = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      classNames[i] = in.readString("class name", RemoteFailure.MAX_NAME_CHARS);
      messages[i] = in.readOptionalString("message", RemoteFailure.MAX_MESSAGE_CHARS);
      int frames = in.readCount("stack frames", RemoteFailure.MAX_FRAMES, MIN_FRAME_BYTES);
      List<RemoteFailure.Frame> trace = new ArrayList<>(frames);
      for (int j = 0; j < frames; j++) {
        String cls = in.readString("frame class", RemoteFailure.MAX_NAME_CHARS);
        String method = in.readString("frame method", RemoteFailure.MAX_NAME_CHARS);
        String file = in.readOptionalString("file name", RemoteFailure.MAX_NAME_CHARS);
        trace.add(new RemoteFailure.Frame(cls, method, file, in.readInt()));
      }
      traces.add(trace);
    }
    in.expectEnd();
    RemoteFailure failure = null;
    try {
      for (int i = n - 1; i >= 0; i--) {
        failure = new RemoteFailure(classNames[i], messages[i], traces.get(i), failure);
      }
    } catch (IllegalArgumentException e) {
      throw in.corrupt(e.getMessage());
    }
    return failure;
  }
}

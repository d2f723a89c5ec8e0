package io.tendril.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task's exception as data: what is kept, the binary form, and its limits. */
class RemoteFailureTest {

  /** An exception whose class does not exist on the receiving side, as far as the format cares. */
  static final class CustomException extends Exception {
    private static final long serialVersionUID = 1L;

    CustomException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static Throwable thrown() {
    try {
      try {
        throw new IOException("disk full");
      } catch (IOException e) {
        throw new UncheckedIOException("writing the result failed", e);
      }
    } catch (UncheckedIOException e) {
      return new CustomException("task x failed", e);
    }
  }

  @Test
  void keepsClassMessageStackAndCauses() {
    Throwable t = thrown();
    RemoteFailure f = RemoteFailure.of(t);
    assertThat(f.className()).isEqualTo(CustomException.class.getName());
    assertThat(f.message()).isEqualTo("task x failed");
    assertThat(f.stackTrace()).hasSize(t.getStackTrace().length);
    StackTraceElement top = t.getStackTrace()[0];
    assertThat(f.stackTrace().get(0))
        .isEqualTo(new RemoteFailure.Frame(top.getClassName(), top.getMethodName(), top.getFileName(), top.getLineNumber()));
    assertThat(f.cause().className()).isEqualTo("java.io.UncheckedIOException");
    assertThat(f.cause().cause().toString()).isEqualTo("java.io.IOException: disk full");
    assertThat(f.cause().cause().cause()).isNull();
  }

  @Test
  void roundTripsThroughItsBinaryForm() {
    RemoteFailure f = RemoteFailure.of(thrown());
    assertThat(RemoteFailure.decode(f.encode())).isEqualTo(f);
    RemoteFailure bare = new RemoteFailure("x.Y", null, List.of(
        new RemoteFailure.Frame("x.Y", "run", null, -2), new RemoteFailure.Frame("x.Z", "<init>", "Z.java", 7)), null);
    assertThat(RemoteFailure.decode(bare.encode())).isEqualTo(bare);
    RemoteFailure odd = RemoteFailure.of(new IllegalStateException("nul \0, surrogate \uD800, emoji 𝄞"));
    assertThat(RemoteFailure.decode(odd.encode()).message()).isEqualTo("nul \0, surrogate \uD800, emoji 𝄞");
  }

  @Test
  void formatsLikeAJavaStackTrace() {
    RemoteFailure f = RemoteFailure.of(thrown());
    String text = f.format();
    assertThat(text).startsWith(CustomException.class.getName() + ": task x failed\n\tat ");
    assertThat(text).contains("Caused by: java.io.UncheckedIOException: writing the result failed\n");
    assertThat(text).contains("Caused by: java.io.IOException: disk full\n");
    assertThat(text).contains("\tat io.tendril.protocol.codec.RemoteFailureTest.thrown(RemoteFailureTest.java:");
  }

  @Test
  void cutsWhatWouldNotFitAMessage() {
    RuntimeException huge = new RuntimeException("m".repeat(100_000));
    StackTraceElement[] frames = new StackTraceElement[5000];
    Arrays.fill(frames, new StackTraceElement("a.B", "c", "B.java", 1));
    huge.setStackTrace(frames);
    RemoteFailure f = RemoteFailure.of(huge);
    assertThat(f.message()).hasSize(RemoteFailure.MAX_MESSAGE_CHARS).endsWith("more characters)");
    assertThat(f.stackTrace()).hasSize(RemoteFailure.MAX_FRAMES);
    assertThat(RemoteFailure.decode(f.encode())).isEqualTo(f);

    Throwable deep = new Exception("root");
    for (int i = 0; i < 100; i++) {
      deep = new Exception("level " + i, deep);
    }
    int depth = 0;
    for (RemoteFailure c = RemoteFailure.of(deep); c != null; c = c.cause()) {
      depth++;
    }
    assertThat(depth).isEqualTo(RemoteFailure.MAX_CAUSES);
  }

  @Test
  void survivesCyclicCausesAndMisbehavingMessages() {
    Exception a = new Exception("a");
    Exception b = new Exception("b", a);
    a.initCause(b);
    RemoteFailure f = RemoteFailure.of(a);
    assertThat(f.cause().message()).isEqualTo("b");
    assertThat(f.cause().cause()).isNull();

    Exception rude = new Exception() {
      private static final long serialVersionUID = 1L;

      @Override
      public String getMessage() {
        throw new IllegalStateException("no message for you");
      }
    };
    assertThat(RemoteFailure.of(rude).message()).isEqualTo("(getMessage() threw java.lang.IllegalStateException)");
  }

  @Test
  void refusesBytesThatAreNotAFailure() {
    byte[] valid = RemoteFailure.of(new Exception("x")).encode();
    assertThatThrownBy(() -> RemoteFailure.decode(Arrays.copyOf(valid, valid.length - 1)))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith("cannot decode a remote failure");
    byte[] wrongMagic = valid.clone();
    wrongMagic[0] = 'X';
    assertThatThrownBy(() -> RemoteFailure.decode(wrongMagic))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("wrong magic number");
    byte[] futureVersion = valid.clone();
    futureVersion[2] = 9;
    assertThatThrownBy(() -> RemoteFailure.decode(futureVersion))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("format version 9");
    byte[] hugeCount = valid.clone();
    hugeCount[3] = 0x7f;
    assertThatThrownBy(() -> RemoteFailure.decode(hugeCount))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("failures (at most 32)");
    assertThatThrownBy(() -> RemoteFailure.decode(null)).isExactlyInstanceOf(CodecException.class);
  }

  @Test
  void validatesItsComponents() {
    assertThatThrownBy(() -> new RemoteFailure("", "m", List.of(), null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RemoteFailure("x", "m", null, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RemoteFailure.Frame(null, "m", null, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RemoteFailure.of(null)).isInstanceOf(IllegalArgumentException.class);
    RemoteFailure tooLong = new RemoteFailure("x", "m".repeat(RemoteFailure.MAX_MESSAGE_CHARS + 1), List.of(), null);
    assertThatThrownBy(tooLong::encode)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("make it with RemoteFailure.of");
  }
}

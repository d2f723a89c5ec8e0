package io.tendril.worker.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.wire.LibraryReady;
import io.tendril.protocol.wire.LibraryReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The length-prefixed framing of library messages. */
@Timeout(10)
class LibraryFramesTest {

  @Test
  void framesRoundTripWithABigEndianLengthAndEndCleanly() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LibraryReady ready = LibraryReady.newBuilder().setProtocolVersion(1).setSlots(3).build();
    LibraryReply reply = LibraryReply.newBuilder().setCallId(7).setError("x".repeat(300)).build();
    LibraryFrames.write(out, ready);
    LibraryFrames.write(out, reply);
    byte[] bytes = out.toByteArray();
    int first = ready.getSerializedSize();
    assertThat(Arrays.copyOf(bytes, 4)).containsExactly(0, 0, 0, first);

    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    assertThat(LibraryReady.parseFrom(LibraryFrames.read(in))).isEqualTo(ready);
    assertThat(LibraryReply.parseFrom(LibraryFrames.read(in))).isEqualTo(reply);
    assertThat(LibraryFrames.read(in)).as("clean end").isNull();
  }

  @Test
  void aTruncatedOrOversizedFrameIsAnError() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LibraryFrames.write(out, LibraryReply.newBuilder().setCallId(1).setError("boom").build());
    byte[] whole = out.toByteArray();
    assertThatThrownBy(() -> LibraryFrames.read(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 1))))
        .isInstanceOf(EOFException.class).hasMessageContaining("inside a frame");
    assertThatThrownBy(() -> LibraryFrames.read(new ByteArrayInputStream(new byte[] {0, 0})))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> LibraryFrames.read(new ByteArrayInputStream(new byte[] {(byte) 0x7f, 0, 0, 0})))
        .isInstanceOf(IOException.class).hasMessageContaining("corrupted");
    assertThatThrownBy(() -> LibraryFrames.read(new ByteArrayInputStream(new byte[] {(byte) 0xff, 0, 0, 0})))
        .isInstanceOf(IOException.class).hasMessageContaining("corrupted");
  }
}

package io.tendril.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.tendril.protocol.wire.FetchRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared secret: reading it from a file, the handshake's proofs, and transfer tokens. */
class AuthSecretTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aPasswordFileIsItsBytesWithoutTheFinalLineEnd() throws Exception {
    Path withNewline = Files.writeString(dir.resolve("a"), "s3cret\n");
    Path withCrLf = Files.writeString(dir.resolve("b"), "s3cret\r\n");
    Path bare = Files.writeString(dir.resolve("c"), "s3cret");
    byte[] nm = SharedSecret.nonce();
    byte[] nw = SharedSecret.nonce();
    byte[] expected = SharedSecret.of(bytes("s3cret")).workerProof(nm, nw);
    for (Path p : new Path[] {withNewline, withCrLf, bare}) {
      assertThat(SharedSecret.fromFile(p).workerProof(nm, nw)).as(p.toString()).isEqualTo(expected);
    }
    assertThat(SharedSecret.fromFile(bare).toString()).doesNotContain("s3cret");
  }

  @Test
  void anEmptyOrMissingPasswordFileIsAnErrorNamingIt() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> SharedSecret.fromFile(empty))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(empty.toString()).hasMessageContaining("empty");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> SharedSecret.fromFile(missing))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString())
        .hasMessageContaining("cannot read");
    assertThatThrownBy(() -> SharedSecret.of(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void proofsDependOnTheSecretTheRoleAndBothNonces() {
    SharedSecret s = SharedSecret.of(bytes("one"));
    byte[] nm = SharedSecret.nonce();
    byte[] nw = SharedSecret.nonce();
    assertThat(nm).hasSize(SharedSecret.NONCE_BYTES).isNotEqualTo(nw);
    byte[] worker = s.workerProof(nm, nw);
    assertThat(SharedSecret.matches(worker, SharedSecret.of(bytes("one")).workerProof(nm, nw))).isTrue();
    assertThat(SharedSecret.matches(worker, SharedSecret.of(bytes("two")).workerProof(nm, nw))).isFalse();
    // The manager's proof over the same nonces is another MAC: a worker's proof cannot be reflected.
    assertThat(SharedSecret.matches(worker, s.managerProof(nm, nw))).isFalse();
    assertThat(SharedSecret.matches(worker, s.workerProof(nm, SharedSecret.nonce()))).isFalse();
  }

  @Test
  void tokensAreCheckedForPresenceExpiryAndAuthenticity() {
    SharedSecret s = SharedSecret.of(bytes("pw"));
    TransferTokens tokens = TransferTokens.of(s);
    long now = System.currentTimeMillis();
    FetchRequest.Builder base = FetchRequest.newBuilder().setCacheName("file-1").setRequester("w-1");
    FetchRequest good = tokens.sign(base.clone()).build();
    assertThat(good.getTokenExpiryMs()).isGreaterThan(now);
    assertThat(tokens.refusal(good, now)).isNull();

    assertThat(tokens.refusal(base.build(), now)).contains("no transfer token");
    assertThat(tokens.refusal(good, good.getTokenExpiryMs())).contains("expired");
    assertThat(tokens.refusal(good.toBuilder().setCacheName("file-2").build(), now)).contains("not valid for 'file-2'");
    assertThat(tokens.refusal(good.toBuilder().setRequester("w-2").build(), now)).contains("not valid");
    assertThat(tokens.refusal(good.toBuilder().setTokenExpiryMs(good.getTokenExpiryMs() + 1).build(), now))
        .contains("not valid");
    long expiry = now + 60_000;
    FetchRequest other = base.clone().setTokenExpiryMs(expiry)
        .setToken(ByteString.copyFrom(SharedSecret.of(bytes("other")).transferToken("file-1", "w-1", expiry))).build();
    assertThat(tokens.refusal(other, now)).contains("not valid");

    TransferTokens none = TransferTokens.of(null);
    assertThat(none.required()).isFalse();
    assertThat(none.refusal(base.build(), now)).isNull();
    assertThat(none.sign(base.clone()).getToken().isEmpty()).isTrue();
  }
}

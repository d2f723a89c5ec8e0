package io.tendril.protocol.auth;

import com.google.protobuf.ByteString;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.wire.AuthBegin;
import io.tendril.protocol.wire.AuthResponse;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.WorkerMessage;

/**
 * The client's side of the handshake that opens a control stream to a manager when the client has
 * a password: begins with AuthBegin, answers the manager's challenge with a nonce of its own and
 * its proof of the secret, then checks the manager's proof. Until it is done the client sends
 * nothing else (not Hello, not StatusRequest) and believes nothing the manager sends.
 *
 * <p>One per connection attempt, used by one thread at a time: by a worker's control channel
 * and by the status client. Its counterpart is the manager's worker authentication; the messages
 * are in docs/security.md.
 */
public final class ClientHandshake {
  /** Where the handshake of one stream stands. */
  private enum Stage {
    /** AuthBegin sent: the manager must answer with AuthChallenge. */
    AWAIT_CHALLENGE,
    /** AuthResponse sent: the manager must prove the secret with AuthProof. */
    AWAIT_PROOF,
    /** Both sides proved the secret: Hello may go. */
    DONE
  }

  /**
   * What to do after one message: send a reply, give up with a failure, or neither.
   *
   * @param reply the next handshake message to send, or null
   * @param failure why the manager cannot be trusted, or null
   */
  public record Step(WorkerMessage reply, String failure) {}

  private final SharedSecret secret;
  private Stage stage = Stage.AWAIT_CHALLENGE;
  private byte[] managerNonce;
  private byte[] workerNonce;

  /** A handshake proving {@code secret}. */
  public ClientHandshake(SharedSecret secret) {
    this.secret = secret;
  }

  /** The first message of the stream. */
  public static WorkerMessage begin() {
    return WorkerMessage.newBuilder().setAuthBegin(AuthBegin.newBuilder().setProtocolVersion(Protocol.VERSION)).build();
  }

  /** Whether both sides proved the secret. */
  public boolean done() {
    return stage == Stage.DONE;
  }

  /** Handles a manager message that came before the handshake was done (not a Refuse). */
  public Step accept(ManagerMessage m) {
    return switch (stage) {
      case AWAIT_CHALLENGE -> challenged(m);
      case AWAIT_PROOF -> proved(m);
      case DONE -> new Step(null, null);
    };
  }

  private Step challenged(ManagerMessage m) {
    if (!m.hasAuthChallenge()) {
      return new Step(null, "the manager sent " + m.getKindCase() + " instead of a challenge");
    }
    managerNonce = m.getAuthChallenge().getNonce().toByteArray();
    if (managerNonce.length != SharedSecret.NONCE_BYTES) {
      return new Step(null, "the manager's nonce has " + managerNonce.length + " bytes instead of "
          + SharedSecret.NONCE_BYTES);
    }
    workerNonce = SharedSecret.nonce();
    stage = Stage.AWAIT_PROOF;
    return new Step(WorkerMessage.newBuilder().setAuthResponse(AuthResponse.newBuilder()
        .setNonce(ByteString.copyFrom(workerNonce))
        .setMac(ByteString.copyFrom(secret.workerProof(managerNonce, workerNonce)))).build(), null);
  }

  private Step proved(ManagerMessage m) {
    if (!m.hasAuthProof()) {
      return new Step(null, "the manager sent " + m.getKindCase() + " instead of its proof of the password");
    }
    if (!SharedSecret.matches(secret.managerProof(workerNonce, managerNonce), m.getAuthProof().getMac().toByteArray())) {
      return new Step(null, "the manager did not prove it knows the password (it has another one, or is not "
          + "the manager it claims to be)");
    }
    stage = Stage.DONE;
    return new Step(null, null);
  }
}

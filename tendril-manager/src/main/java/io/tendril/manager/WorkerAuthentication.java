package io.tendril.manager;

import com.google.protobuf.ByteString;
import io.tendril.protocol.Protocol;
import io.tendril.protocol.auth.SharedSecret;
import io.tendril.protocol.wire.AuthChallenge;
import io.tendril.protocol.wire.AuthProof;
import io.tendril.protocol.wire.AuthResponse;
import io.tendril.protocol.wire.ManagerMessage;
import io.tendril.protocol.wire.RefuseCode;
import io.tendril.protocol.wire.WorkerMessage;

/**
 * The manager's side of the handshake that opens a worker's control stream when the manager has a
 * password: answers AuthBegin with a fresh nonce, checks the worker's proof, and proves its own
 * knowledge of the secret in return. Until it is done no other message of the worker is accepted;
 * a worker without a password, a worker with one when the manager has none, and a wrong proof are
 * refused at once. Without a password it only refuses AuthBegin.
 *
 * <p>Status clients ({@code tendril status HOST:PORT}) open the same stream and go through the
 * same handshake; they send StatusRequest where a worker sends Hello.
 *
 * <p>One per worker stream, owned by {@link WorkerEndpoint.Connection} and used only on the
 * manager's loop. Its counterpart is the handshake in the worker's control channel; the messages
 * are in docs/security.md.
 */
final class WorkerAuthentication {
  /** Where the handshake of one stream stands. */
  private enum Stage {
    /** Nothing received yet: the worker must begin with AuthBegin. */
    AWAIT_BEGIN,
    /** AuthChallenge sent: the worker must answer with AuthResponse. */
    AWAIT_RESPONSE,
    /** The worker proved the secret (or there is none): its messages are accepted. */
    DONE
  }

  /**
   * What to do with one message: send a reply and wait for the next, refuse the worker, or (both
   * null) hand the message on, the handshake being done.
   *
   * @param reply the handshake's next message to the worker
   * @param refusal why the worker is refused
   * @param code the refusal's code
   */
  record Step(ManagerMessage reply, String refusal, RefuseCode code) {
    static final Step ACCEPT = new Step(null, null, null);

    static Step refuse(String reason, RefuseCode code) {
      return new Step(null, reason, code);
    }
  }

  private final SharedSecret secret;
  private Stage stage;
  private byte[] managerNonce;

  /** A handshake with a secret, or none (null) to accept workers without a password. */
  WorkerAuthentication(SharedSecret secret) {
    this.secret = secret;
    this.stage = secret == null ? Stage.DONE : Stage.AWAIT_BEGIN;
  }

  /** Whether the worker's messages are accepted. */
  boolean done() {
    return stage == Stage.DONE;
  }

  /** Handles a message that came before Hello was accepted. */
  Step accept(WorkerMessage m) {
    if (secret == null) {
      return m.hasAuthBegin() || m.hasAuthResponse()
          ? Step.refuse("the worker has a password but this manager expects none: start the worker without "
              + "--password, or the manager with the same password", RefuseCode.REFUSE_CODE_NO_PASSWORD)
          : Step.ACCEPT;
    }
    return switch (stage) {
      case AWAIT_BEGIN -> begin(m);
      case AWAIT_RESPONSE -> respond(m);
      case DONE -> Step.ACCEPT;
    };
  }

  private Step begin(WorkerMessage m) {
    if (m.hasHello()) {
      return Step.refuse("this manager requires a password and worker '" + m.getHello().getWorkerId()
          + "' has none: start it with --password FILE, FILE holding the manager's password",
          RefuseCode.REFUSE_CODE_PASSWORD_REQUIRED);
    }
    if (m.hasStatusRequest()) {
      return Step.refuse("this manager requires a password and the status client has none: give tendril status "
          + "--password FILE, FILE holding the manager's password", RefuseCode.REFUSE_CODE_PASSWORD_REQUIRED);
    }
    if (!m.hasAuthBegin()) {
      return Step.refuse("this manager requires a password: the first message of a worker must be AuthBegin, got "
          + m.getKindCase(), RefuseCode.REFUSE_CODE_PASSWORD_REQUIRED);
    }
    if (m.getAuthBegin().getProtocolVersion() != Protocol.VERSION) {
      return Step.refuse("this manager speaks protocol version " + Protocol.VERSION + ", the worker "
          + m.getAuthBegin().getProtocolVersion() + ": run a worker of the same Tendril version",
          RefuseCode.REFUSE_CODE_UNSPECIFIED);
    }
    managerNonce = SharedSecret.nonce();
    stage = Stage.AWAIT_RESPONSE;
    return new Step(ManagerMessage.newBuilder()
        .setAuthChallenge(AuthChallenge.newBuilder().setNonce(ByteString.copyFrom(managerNonce))).build(), null, null);
  }

  private Step respond(WorkerMessage m) {
    if (!m.hasAuthResponse()) {
      return Step.refuse("expected AuthResponse to the challenge, got " + m.getKindCase(),
          RefuseCode.REFUSE_CODE_AUTH_FAILED);
    }
    AuthResponse r = m.getAuthResponse();
    byte[] workerNonce = r.getNonce().toByteArray();
    if (workerNonce.length != SharedSecret.NONCE_BYTES) {
      return Step.refuse("the worker's nonce has " + workerNonce.length + " bytes instead of "
          + SharedSecret.NONCE_BYTES, RefuseCode.REFUSE_CODE_AUTH_FAILED);
    }
    if (!SharedSecret.matches(secret.workerProof(managerNonce, workerNonce), r.getMac().toByteArray())) {
      return Step.refuse("the password differs (the worker's proof does not match this manager's password)",
          RefuseCode.REFUSE_CODE_AUTH_FAILED);
    }
    stage = Stage.DONE;
    return new Step(ManagerMessage.newBuilder().setAuthProof(AuthProof.newBuilder()
        .setMac(ByteString.copyFrom(secret.managerProof(workerNonce, managerNonce)))).build(), null, null);
  }
}

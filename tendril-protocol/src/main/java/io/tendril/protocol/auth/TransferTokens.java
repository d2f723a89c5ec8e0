package io.tendril.protocol.auth;

import com.google.protobuf.ByteString;
import io.tendril.protocol.wire.FetchRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * Who may fetch a file from a transfer server. With a shared secret, the manager issues a token
 * for each transfer it orders (a worker fetching from a peer or from the manager) and for each of
 * its own fetches from a worker: a MAC over the cache name, the requester and an expiry. The
 * serving side (a worker's transfer server, the manager's transfer service) recomputes it from the
 * request with the same secret, so no extra round trip is needed, and serves nothing without a
 * valid, unexpired one. Without a secret, no token is issued and none is required.
 *
 * <p>Immutable and thread-safe. Created by the manager (to issue and check) and by the worker (to
 * check); the counterpart of a token is the FetchRequest that carries it.
 */
public final class TransferTokens {
  /**
   * How long a token is accepted after it was issued: 5 minutes. Long enough for a fetch to
   * reach its source on a busy worker and for a few minutes of clock difference between machines;
   * a fetch is checked when it arrives, so a long transfer is not cut off by expiry.
   */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  private static final TransferTokens NONE = new TransferTokens(null);

  /** A token and when it expires. */
  public record Token(ByteString value, long expiryMs) {}

  private final SharedSecret secret;

  private TransferTokens(SharedSecret secret) {
    this.secret = secret;
  }

  /**
   * Tokens made and checked with a secret, or none at all.
   *
   * @param secret the shared secret, or null for no tokens
   * @return the tokens
   */
  public static TransferTokens of(SharedSecret secret) {
    return secret == null ? NONE : new TransferTokens(secret);
  }

  /**
   * Whether a fetch needs a token.
   *
   * @return true with a secret
   */
  public boolean required() {
    return secret != null;
  }

  /**
   * A token for one fetch, valid for {@link #LIFETIME} from now.
   *
   * @param cacheName the file
   * @param requester who will ask for it, as it names itself in the FetchRequest
   * @return the token, or null without a secret
   */
  public Token issue(String cacheName, String requester) {
    if (secret == null) {
      return null;
    }
    long expiry = System.currentTimeMillis() + LIFETIME.toMillis();
    return new Token(ByteString.copyFrom(secret.transferToken(cacheName, requester, expiry)), expiry);
  }

  /**
   * Adds a token for the request's cache name and requester, when tokens are in use.
   *
   * @param request the request, with its cache name and requester set
   * @return the same builder
   */
  public FetchRequest.Builder sign(FetchRequest.Builder request) {
    Token t = issue(request.getCacheName(), request.getRequester());
    if (t != null) {
      request.setToken(t.value()).setTokenExpiryMs(t.expiryMs());
    }
    return request;
  }

  /**
   * Checks a request's token.
   *
   * @param request what a peer asked for
   * @param nowMs the serving side's clock, in milliseconds since the epoch
   * @return null if the request may be served, else why not (for the error sent back)
   */
  public String refusal(FetchRequest request, long nowMs) {
    if (secret == null) {
      return null;
    }
    if (request.getToken().isEmpty()) {
      return "the request carries no transfer token, and this server has a password: only transfers "
          + "ordered by the manager are served";
    }
    if (request.getTokenExpiryMs() <= nowMs) {
      return "the transfer token expired at " + Instant.ofEpochMilli(request.getTokenExpiryMs()) + " (now "
          + Instant.ofEpochMilli(nowMs) + ")";
    }
    byte[] expected = secret.transferToken(request.getCacheName(), request.getRequester(), request.getTokenExpiryMs());
    if (!SharedSecret.matches(expected, request.getToken().toByteArray())) {
      return "the transfer token is not valid for '" + request.getCacheName() + "' and requester '"
          + request.getRequester() + "' (forged, altered, or made with another password)";
    }
    return null;
  }
}

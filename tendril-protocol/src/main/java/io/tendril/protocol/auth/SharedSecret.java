package io.tendril.protocol.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The password a manager and its workers share, and every MAC computed with it: the two proofs
 * of the control stream's handshake and the transfer tokens. Immutable; the bytes never leave
 * this class (not even through {@link #toString()}), only MACs over them do.
 *
 * <p>Each MAC is HMAC-SHA256 over a label naming its use ({@code tendril-worker}, {@code
 * tendril-manager}, {@code tendril-transfer}) followed by its fields, each preceded by its length
 * as 4 big-endian bytes, so that no two different messages share an input and a proof made for
 * one role can never be replayed as the other's.
 *
 * <p>Created by whoever configures a manager or a worker ({@code ManagerOptions}, {@code
 * WorkerOptions}, the {@code --password FILE} flag); used by the manager's worker endpoint and
 * transfer service, and by the worker's control channel and transfer server.
 */
public final class SharedSecret {
  /** Bytes of each handshake nonce. */
  public static final int NONCE_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;

  private SharedSecret(byte[] key) {
    this.key = key;
  }

  /**
   * A secret of the given bytes, copied.
   *
   * @param bytes the password, not empty
   * @return the secret
   * @throws IllegalArgumentException if bytes is null or empty
   */
  public static SharedSecret of(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("the password must not be empty");
    }
    return new SharedSecret(bytes.clone());
  }

  /**
   * The secret held in a file: its bytes, without the line ends at its end (so that a file written
   * by {@code echo} and one written without a final newline give the same secret).
   *
   * @param file the password file
   * @return the secret
   * @throws IllegalArgumentException if the file cannot be read or holds nothing but line ends;
   *     the message names the file
   */
  public static SharedSecret fromFile(Path file) {
    if (file == null) {
      throw new IllegalArgumentException("the password file must not be null");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("cannot read the password file " + file + ": " + describe(e), e);
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    if (end == 0) {
      throw new IllegalArgumentException("the password file " + file + " is empty: put the shared password in it");
    }
    byte[] key = Arrays.copyOf(bytes, end);
    Arrays.fill(bytes, (byte) 0);
    return new SharedSecret(key);
  }

  private static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Fresh random bytes for one side of a handshake.
   *
   * @return {@link #NONCE_BYTES} bytes from a {@link SecureRandom}
   */
  public static byte[] nonce() {
    byte[] n = new byte[NONCE_BYTES];
    RANDOM.nextBytes(n);
    return n;
  }

  /**
   * The worker's proof: HMAC(secret, "tendril-worker" | Nm | Nw).
   *
   * @param managerNonce the manager's nonce Nm, from AuthChallenge
   * @param workerNonce the worker's nonce Nw, sent in AuthResponse
   * @return the MAC
   */
  public byte[] workerProof(byte[] managerNonce, byte[] workerNonce) {
    return mac("tendril-worker", managerNonce, workerNonce);
  }

  /**
   * The manager's proof: HMAC(secret, "tendril-manager" | Nw | Nm).
   *
   * @param workerNonce the worker's nonce Nw
   * @param managerNonce the manager's nonce Nm
   * @return the MAC
   */
  public byte[] managerProof(byte[] workerNonce, byte[] managerNonce) {
    return mac("tendril-manager", workerNonce, managerNonce);
  }

  /**
   * A transfer token: HMAC(secret, "tendril-transfer" | cache name | requester | expiry).
   *
   * @param cacheName the file the token lets its holder fetch
   * @param requester who fetches it, as named in the FetchRequest
   * @param expiryMs when the token stops being accepted, in milliseconds since the epoch
   * @return the MAC
   */
  public byte[] transferToken(String cacheName, String requester, long expiryMs) {
    return mac("tendril-transfer", cacheName.getBytes(StandardCharsets.UTF_8),
        requester.getBytes(StandardCharsets.UTF_8), ByteBuffer.allocate(Long.BYTES).putLong(expiryMs).array());
  }

  /**
   * Compares a MAC received with the one expected, in time that does not depend on where they
   * differ.
   *
   * @param expected the MAC computed here
   * @param received the MAC that came over the wire
   * @return true if they are equal
   */
  public static boolean matches(byte[] expected, byte[] received) {
    return MessageDigest.isEqual(expected, received);
  }

  private byte[] mac(String label, byte[]... fields) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      field(mac, label.getBytes(StandardCharsets.US_ASCII));
      for (byte[] f : fields) {
        field(mac, f);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks " + ALGORITHM + ", which every Java platform must provide", e);
    }
  }

  private static void field(Mac mac, byte[] bytes) {
    mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    mac.update(bytes);
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "SharedSecret[hidden]";
  }
}

package dev.eio4j.internal;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The default session id: 15 bytes, all from {@link SecureRandom} (120 bits), as 20 URL-safe base64
 * characters. Unlike the reference (12 random bytes and a counter) no part is sequential.
 */
public final class SidGenerator {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private SidGenerator() {}

  /** A new id. */
  public static String next() {
    byte[] b = new byte[15];
    RANDOM.nextBytes(b);
    return ENCODER.encodeToString(b);
  }

  /**
   * A new id for a node of a cluster: its tag, then the same 120 random bits (23 characters in all), so
   * the owner can be read from the first three characters (docs/cluster.md).
   */
  public static String next(String nodeId) {
    return nodeId == null ? next() : nodeId + next();
  }
}

package dev.eio4j;

import dev.eio4j.spi.EngineRequest;

/**
 * Makes session ids. The default draws 120 bits from {@link java.security.SecureRandom} and encodes them
 * as 20 URL-safe base64 characters. A custom generator must return unique, unguessable, URL-safe ids;
 * if it throws or returns null or an empty id, the handshake fails with code 3 ("Bad request"). With a
 * {@link EngineIoOptions#nodeId() nodeId} (a cluster), every id must start with that tag and have more
 * after it; one that does not fails the handshake the same way.
 */
@FunctionalInterface
public interface IdGenerator {
  /** A new id for the session that {@code request} is opening. */
  String generate(EngineRequest request);
}

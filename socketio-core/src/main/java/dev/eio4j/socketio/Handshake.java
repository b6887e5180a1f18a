package dev.eio4j.socketio;

import dev.eio4j.spi.EngineRequest;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a socket was connected with.
 *
 * @param auth the CONNECT payload (v5), or the namespace's query parameters (v4, {@code /nsp?token=..});
 *     an empty object when there was none. Do not modify.
 * @param request the Engine.IO handshake request: headers, query, remote address
 * @param issued when the namespace was joined
 */
public record Handshake(ObjectNode auth, EngineRequest request, Instant issued) {}

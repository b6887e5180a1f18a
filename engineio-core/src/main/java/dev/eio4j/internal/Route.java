package dev.eio4j.internal;

import dev.eio4j.codec.Jsonp;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.EngineRequest;
import java.util.Map;

/**
 * One request under the Engine.IO path, parsed once: everything routing decides on.
 *
 * @param kind what the request is, which selects its handler
 * @param method the HTTP method
 * @param eio the raw {@code EIO} query value (null when absent), for error contexts
 * @param protocol the protocol {@code eio} names, or null for anything but {@code 3} and {@code 4}
 * @param transportName the raw {@code transport} query value (null when absent)
 * @param transport the transport {@code transportName} names, or null when it names none
 * @param sid the {@code sid} query value, or null for a handshake
 * @param b64 true when the client asked for base64 binary ({@code b64} present and not empty)
 * @param jsonpIndex the JSONP callback index (digits only), or null when the request is not JSONP
 * @param origin the {@code Origin} header, or null
 */
record Route(
    Kind kind,
    String method,
    String eio,
    ProtocolVersion protocol,
    String transportName,
    TransportType transport,
    String sid,
    boolean b64,
    String jsonpIndex,
    String origin) {

  /** What a request is. */
  enum Kind {
    /** A CORS preflight ({@code OPTIONS} with CORS configured); answered without any other check. */
    PREFLIGHT,
    /** A request for an existing session (it carries a {@code sid}). */
    SESSION,
    /** A new session. */
    HANDSHAKE
  }

  /** Parses {@code req}; {@code corsEnabled} decides whether an {@code OPTIONS} is a preflight. */
  static Route parse(EngineRequest req, boolean corsEnabled) {
    String method = req.method();
    Map<String, String> q = req.query();
    String sid = q.get("sid");
    Kind kind;
    if (corsEnabled && "OPTIONS".equals(method)) {
      kind = Kind.PREFLIGHT;
    } else {
      kind = sid != null ? Kind.SESSION : Kind.HANDSHAKE;
    }
    String eio = q.get("EIO");
    String transportName = q.get("transport");
    String b64 = q.get("b64");
    return new Route(
        kind,
        method,
        eio,
        ProtocolVersion.fromQuery(eio),
        transportName,
        TransportType.fromWireName(transportName),
        sid,
        b64 != null && !b64.isEmpty(),
        q.containsKey("j") ? Jsonp.callbackIndex(q.get("j")) : null,
        req.header("Origin"));
  }
}

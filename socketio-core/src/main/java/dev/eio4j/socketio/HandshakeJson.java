package dev.eio4j.socketio;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A {@link Handshake} in the shape the Node adapters exchange for a socket's handshake. */
final class HandshakeJson {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern(
              "EEE MMM dd yyyy HH:mm:ss 'GMT+0000 (Coordinated Universal Time)'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private HandshakeJson() {}

  /**
   * {@code {headers, time, address, xdomain, secure, issued, url, query, auth}}: header names in lower
   * case (the last of repeated ones wins), {@code issued} in epoch milliseconds, {@code time} as
   * JavaScript's {@code Date.toString()} prints it in UTC.
   */
  static ObjectNode of(Handshake h) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    EngineRequest req = h.request();
    ObjectNode headers = o.putObject("headers");
    String origin = null;
    if (req != null) {
      Headers hs = req.headers();
      for (int i = 0; i < hs.size(); i++) {
        String name = hs.name(i).toLowerCase(Locale.ROOT);
        headers.put(name, hs.value(i));
        if (name.equals("origin")) {
          origin = hs.value(i);
        }
      }
    }
    o.put("time", TIME.format(h.issued()));
    InetSocketAddress addr = req == null ? null : req.remoteAddress();
    o.put(
        "address",
        addr == null
            ? ""
            : addr.getAddress() == null
                ? addr.getHostString()
                : addr.getAddress().getHostAddress());
    o.put("xdomain", origin != null);
    o.put("secure", req != null && req.secure());
    o.put("issued", h.issued().toEpochMilli());
    o.put("url", req == null ? "" : req.uri());
    ObjectNode query = o.putObject("query");
    if (req != null) {
      for (Map.Entry<String, String> e : req.query().entrySet()) {
        query.put(e.getKey(), e.getValue());
      }
    }
    o.set("auth", h.auth() == null ? f.objectNode() : h.auth().deepCopy());
    return o;
  }
}

package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineObserver;
import dev.eio4j.codec.CodecException;
import dev.eio4j.codec.DecodedPayload;
import dev.eio4j.codec.Jsonp;
import dev.eio4j.codec.PayloadCodec;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * HTTP long-polling (XHR, or JSONP when the handshake carried {@code j}). One GET may be held and one
 * POST may be in flight at a time (docs/protocol.md §6.1). Every method runs on the session's lane.
 */
final class PollingTransport extends Transport {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];

  private final boolean base64; // b64 on the handshake, or JSONP: binary goes as base64
  private final String jsonpIndex; // null for XHR
  private HttpExchange pendingGet;
  private boolean pendingGetIsHandshake;
  private long pendingGetSince; // lane clock when the held GET arrived; observer only
  private HttpExchange inFlightPost;
  private boolean closeDeferred;
  private boolean discarded;

  PollingTransport(Session session, boolean b64, String jsonpIndex) {
    super(session);
    this.jsonpIndex = jsonpIndex;
    this.base64 = b64 || jsonpIndex != null;
  }

  @Override
  TransportType type() {
    return TransportType.POLLING;
  }

  @Override
  boolean writable() {
    return pendingGet != null;
  }

  /** The handshake GET: it is the session's first poll. */
  void onHandshake(HttpExchange exchange) {
    pendingGet = exchange;
    pendingGetIsHandshake = true;
  }

  /** A GET with this session's sid (docs/protocol.md §6.1). */
  void onGet(HttpExchange exchange) {
    if (discarded) {
      respondEmpty(exchange, 400);
      return;
    }
    if (pendingGet != null) {
      // overlap: the new GET gets 400 with no body; the held one gets the close packet
      session.observer().limitRejected(EngineObserver.Limit.OVERLAPPING_GET);
      respondEmpty(exchange, 400);
      session.finish(DisconnectReason.TRANSPORT_ERROR, "overlap from client");
      return;
    }
    pendingGet = exchange;
    pendingGetIsHandshake = false;
    if (session.engine.observing) {
      pendingGetSince = session.lane.nowMillis();
    }
    exchange.onClientGone(
        () ->
            session.lane.execute(
                () -> {
                  if (pendingGet == exchange) {
                    pendingGet = null;
                    session.finish(DisconnectReason.TRANSPORT_ERROR, "poll connection closed prematurely");
                  }
                }));
    if (closeDeferred) {
      // a close() waited for this GET: noop then close (docs/protocol.md §8.6, T/10 E)
      send(new ArrayList<>(List.of(Packet.NOOP)));
      return;
    }
    session.flush();
  }

  /** A POST with this session's sid (docs/protocol.md §6.1). */
  void onPost(HttpExchange exchange) {
    if (inFlightPost != null) {
      session.observer().limitRejected(EngineObserver.Limit.OVERLAPPING_POST);
      respondEmpty(exchange, 400);
      HttpExchange first = inFlightPost;
      inFlightPost = null;
      first.abort();
      session.finish(DisconnectReason.TRANSPORT_ERROR, "data request overlap from client");
      return;
    }
    String contentType = exchange.request().header("Content-Type");
    boolean binaryBody = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/octet-stream");
    if (binaryBody && session.protocol == ProtocolVersion.V4) {
      respondEmpty(exchange, 400);
      session.finish(DisconnectReason.TRANSPORT_ERROR, "invalid content");
      return;
    }
    inFlightPost = exchange;
    exchange.readBody(
        session.options.maxHttpBufferSize(),
        new HttpExchange.BodyHandler() {
          @Override
          public void onBody(byte[] body) {
            session.lane.execute(() -> onPostBody(exchange, body, binaryBody));
          }

          @Override
          public void onTooLarge() {
            session.lane.execute(
                () -> {
                  if (inFlightPost == exchange) {
                    inFlightPost = null;
                  }
                  session.observer().limitRejected(EngineObserver.Limit.BODY_TOO_LARGE);
                  // 413, and the session stays open (docs/protocol.md §6.1, T/05b C)
                  respondEmpty(exchange, 413);
                });
          }

          @Override
          public void onError(Throwable cause) {
            session.lane.execute(
                () -> {
                  if (inFlightPost == exchange) {
                    inFlightPost = null;
                    session.finish(DisconnectReason.TRANSPORT_ERROR, "data request connection closed prematurely");
                  }
                });
          }
        });
  }

  private void onPostBody(HttpExchange exchange, byte[] body, boolean binaryBody) {
    if (inFlightPost != exchange) {
      return; // aborted by an overlapping POST
    }
    inFlightPost = null;
    DecodedPayload decoded;
    try {
      decoded = decode(body, binaryBody);
    } catch (CodecException e) {
      decoded = new DecodedPayload(List.of(), e);
    }
    session.observer().packetsIn(TransportType.POLLING, decoded.packets().size(), body.length);
    for (Packet p : decoded.packets()) {
      if (p.type() == PacketType.CLOSE) {
        // the client closes: a held GET gets a noop (docs/protocol.md §6.1, T/10)
        if (pendingGet != null) {
          send(new ArrayList<>(List.of(Packet.NOOP)));
        }
        session.finish(DisconnectReason.TRANSPORT_CLOSE, null);
        break;
      }
      session.onPacket(p);
    }
    if (decoded.error() != null) {
      session.onParseError(decoded.error().getMessage());
    }
    // 200 ok even when the body was malformed (the reference does the same; docs/protocol.md §6.1)
    Headers h = session.engine.responseHeaders(exchange.request(), false);
    h.set("Content-Type", "text/html");
    h.set("cache-control", "no-store");
    session.engine.applyHeadersHook(h, exchange.request(), false);
    exchange.respond(200, h, OK);
  }

  private DecodedPayload decode(byte[] body, boolean binaryBody) throws CodecException {
    if (jsonpIndex != null) {
      String payload = Jsonp.decodeFormBody(body);
      return session.protocol == ProtocolVersion.V4 ? PayloadCodec.decodeV4(payload) : PayloadCodec.decodeV3String(payload);
    }
    if (session.protocol == ProtocolVersion.V4) {
      return PayloadCodec.decodeV4(new String(body, StandardCharsets.UTF_8));
    }
    if (binaryBody) {
      return PayloadCodec.decodeV3Binary(body);
    }
    return PayloadCodec.decodeV3String(new String(body, StandardCharsets.UTF_8));
  }

  @Override
  void send(List<Packet> packets) {
    HttpExchange get = pendingGet;
    if (get == null) {
      return;
    }
    boolean handshake = pendingGetIsHandshake;
    pendingGet = null;
    pendingGetIsHandshake = false;
    boolean closing = closeDeferred;
    if (closing) {
      closeDeferred = false;
      packets = new ArrayList<>(packets);
      packets.add(Packet.CLOSE);
    }
    write(get, packets, handshake);
    if (!handshake && session.engine.observing) {
      session.observer().pollHeld(session.protocol, session.lane.nowMillis() - pendingGetSince);
    }
    if (closing) {
      session.finish(DisconnectReason.FORCED_CLOSE, null);
    }
  }

  private void write(HttpExchange get, List<Packet> packets, boolean handshake) {
    byte[] body;
    String contentType = "text/plain; charset=UTF-8";
    if (session.protocol == ProtocolVersion.V4) {
      String payload = PayloadCodec.encodeV4(packets);
      body = (jsonpIndex != null ? Jsonp.wrap(jsonpIndex, payload) : payload).getBytes(StandardCharsets.UTF_8);
    } else if (!base64 && anyBinary(packets)) {
      body = PayloadCodec.encodeV3Binary(packets);
      contentType = "application/octet-stream";
    } else {
      String payload = PayloadCodec.encodeV3String(packets);
      body = (jsonpIndex != null ? Jsonp.wrap(jsonpIndex, payload) : payload).getBytes(StandardCharsets.UTF_8);
    }
    Headers h = session.engine.responseHeaders(get.request(), handshake);
    h.set("Content-Type", contentType);
    h.set("cache-control", "no-store");
    String ua = get.request().header("User-Agent");
    if (ua != null && (ua.contains(";MSIE") || ua.contains("Trident/"))) {
      h.set("X-XSS-Protection", "0");
    }
    if (handshake && session.options.cookie() != null) {
      h.add("Set-Cookie", session.options.cookie().headerValue(session.id));
    }
    session.engine.applyHeadersHook(h, get.request(), handshake);
    session.observer().packetsOut(TransportType.POLLING, packets.size(), body.length);
    if (session.options.httpCompression() && body.length >= session.options.compressionThreshold()) {
      String encoding = acceptedEncoding(get.request().header("Accept-Encoding"));
      if (encoding != null) {
        byte[] compressed = compress(body, encoding);
        if (compressed != null) {
          body = compressed;
          h.set("Content-Encoding", encoding);
        }
      }
    }
    get.respond(200, h, body);
  }

  private static boolean anyBinary(List<Packet> packets) {
    for (Packet p : packets) {
      if (p.isBinary()) {
        return true;
      }
    }
    return false;
  }

  /** gzip is preferred when both are offered; {@code br} is ignored (docs/protocol.md §8.3). */
  static String acceptedEncoding(String accept) {
    if (accept == null) {
      return null;
    }
    boolean gzip = false;
    boolean deflate = false;
    for (String part : accept.split(",")) {
      String token = part.trim();
      int semi = token.indexOf(';');
      String name = (semi < 0 ? token : token.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
      if (semi >= 0 && qualityIsZero(token.substring(semi + 1))) {
        continue; // q=0: refused
      }
      if (name.equals("gzip")) {
        gzip = true;
      } else if (name.equals("deflate")) {
        deflate = true;
      }
    }
    return gzip ? "gzip" : deflate ? "deflate" : null;
  }

  private static boolean qualityIsZero(String params) {
    for (String param : params.split(";")) {
      String p = param.trim();
      if (p.startsWith("q=")) {
        try {
          return Double.parseDouble(p.substring(2).trim()) <= 0.0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }

  private static byte[] compress(byte[] body, String encoding) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 64);
    try (var z = encoding.equals("gzip") ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
      z.write(body);
    } catch (IOException e) {
      return null;
    }
    return out.toByteArray();
  }

  private void respondEmpty(HttpExchange exchange, int status) {
    Headers h = session.engine.responseHeaders(exchange.request(), false);
    exchange.respond(status, h, EMPTY);
  }

  @Override
  void closeGracefully() {
    if (pendingGet != null) {
      send(new ArrayList<>(List.of(Packet.CLOSE)));
      session.finish(DisconnectReason.FORCED_CLOSE, null);
    } else if (discarded) {
      session.finish(DisconnectReason.FORCED_CLOSE, null);
    } else {
      closeDeferred = true;
      session.armCloseTimeout();
    }
  }

  @Override
  void release() {
    closeDeferred = false;
    if (pendingGet != null) {
      send(new ArrayList<>(List.of(Packet.CLOSE)));
    }
  }

  @Override
  void discard() {
    discarded = true;
    closeDeferred = false;
    if (pendingGet != null) {
      // a GET still held when the upgrade commits gets the close packet (docs/protocol.md §6.3, T/07 C)
      send(new ArrayList<>(List.of(Packet.CLOSE)));
    }
  }
}

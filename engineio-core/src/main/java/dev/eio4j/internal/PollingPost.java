package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineObserver;
import dev.eio4j.codec.CodecException;
import dev.eio4j.codec.DecodedPayload;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The POST side of a {@link PollingTransport}: at most one POST in flight (docs/protocol.md §6.1), its
 * body read within {@code maxHttpBufferSize}, checked against {@code maxPacketsPerPayload}, decoded and
 * delivered to the session. Lane only, like the transport that owns it.
 *
 * <p>A POST's packets are delivered in slices of {@link #SLICE} packets, each slice a lane task of its
 * own, so that one large payload does not keep the lane (and the other sessions sharing it) waiting.
 * The POST stays in flight, and its {@code ok} unsent, until its last packet is delivered.
 */
final class PollingPost {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  /** Packets of one POST delivered per lane task. */
  static final int SLICE = 256;

  private final PollingTransport transport;
  private final Session session;
  private final Responses responses;
  private final String jsonpIndex; // null for XHR
  private HttpExchange inFlight;

  PollingPost(PollingTransport transport, Responses responses, String jsonpIndex) {
    this.transport = transport;
    this.session = transport.session;
    this.responses = responses;
    this.jsonpIndex = jsonpIndex;
  }

  /** A POST with this session's sid (docs/protocol.md §6.1). */
  void onPost(HttpExchange exchange) {
    if (inFlight != null) {
      session.observer().limitRejected(EngineObserver.Limit.OVERLAPPING_POST);
      responses.empty(exchange, 400);
      HttpExchange first = inFlight;
      inFlight = null;
      first.abort();
      session.finish(DisconnectReason.TRANSPORT_ERROR, "data request overlap from client");
      return;
    }
    String contentType = exchange.request().header("Content-Type");
    boolean binaryBody =
        contentType != null
            && contentType.toLowerCase(Locale.ROOT).startsWith("application/octet-stream");
    if (binaryBody && session.protocol == ProtocolVersion.V4) {
      responses.empty(exchange, 400);
      session.finish(DisconnectReason.TRANSPORT_ERROR, "invalid content");
      return;
    }
    inFlight = exchange;
    exchange.readBody(
        session.options.maxHttpBufferSize(),
        new HttpExchange.BodyHandler() {
          @Override
          public void onBody(byte[] body) {
            session.lane.execute(() -> bodyRead(exchange, body, binaryBody));
          }

          @Override
          public void onTooLarge() {
            session.lane.execute(
                () -> {
                  if (inFlight == exchange) {
                    inFlight = null;
                  }
                  session.observer().limitRejected(EngineObserver.Limit.BODY_TOO_LARGE);
                  // 413, and the session stays open (docs/protocol.md §6.1, T/05b C)
                  responses.empty(exchange, 413);
                });
          }

          @Override
          public void onError(Throwable cause) {
            session.lane.execute(
                () -> {
                  if (inFlight == exchange) {
                    inFlight = null;
                    session.finish(
                        DisconnectReason.TRANSPORT_ERROR,
                        "data request connection closed prematurely");
                  }
                });
          }
        });
  }

  private void bodyRead(HttpExchange exchange, byte[] body, boolean binaryBody) {
    if (inFlight != exchange) {
      return; // aborted by an overlapping POST
    }
    int max = session.options.maxPacketsPerPayload();
    if (jsonpIndex == null
        && session.protocol == ProtocolVersion.V4
        && PollingCodec.countSeparators(body) >= max) {
      tooManyPackets(exchange, max); // refused before any packet object is made
      return;
    }
    DecodedPayload decoded;
    try {
      decoded = PollingCodec.decode(session.protocol, jsonpIndex, body, binaryBody);
    } catch (CodecException e) {
      decoded = new DecodedPayload(List.of(), e);
    }
    session.observer().packetsIn(TransportType.POLLING, decoded.packets().size(), body.length);
    if (decoded.packets().size() > max) {
      tooManyPackets(exchange, max);
      return;
    }
    deliver(exchange, decoded, 0);
  }

  /** Delivers one slice of a POST's packets, then queues the next slice or answers the POST. */
  private void deliver(HttpExchange exchange, DecodedPayload decoded, int from) {
    if (inFlight != exchange) {
      return; // an overlapping POST aborted this one and closed the session
    }
    List<Packet> packets = decoded.packets();
    int end = Math.min(packets.size(), from + SLICE);
    for (int i = from; i < end; i++) {
      Packet p = packets.get(i);
      if (p.type() == PacketType.CLOSE) {
        // the client closes: a held GET is answered first (docs/protocol.md §6.1, T/10), then the
        // session ends
        transport.answerHeldGetBeforeClose();
        session.finish(DisconnectReason.TRANSPORT_CLOSE, null);
        end = packets.size();
        break;
      }
      session.onPacket(p);
    }
    if (end < packets.size() && !session.isClosed()) {
      int next = end;
      session.lane.execute(() -> deliver(exchange, decoded, next));
      return;
    }
    inFlight = null;
    if (decoded.error() != null) {
      session.onParseError(decoded.error().getMessage());
    }
    // 200 ok even when the body was malformed (the reference does the same; docs/protocol.md §6.1)
    Headers h = responses.headers(exchange.request());
    h.set("Content-Type", "text/html");
    h.set("cache-control", "no-store");
    responses.applyHeadersHook(h, exchange.request(), false);
    exchange.respond(200, h, OK);
  }

  /** More packets than {@code maxPacketsPerPayload}: 400 with no body, none delivered, the session closed. */
  private void tooManyPackets(HttpExchange exchange, int max) {
    inFlight = null;
    session.observer().limitRejected(EngineObserver.Limit.TOO_MANY_PACKETS);
    responses.empty(exchange, 400);
    session.finish(
        DisconnectReason.TRANSPORT_ERROR, "more than " + max + " packets in one payload");
  }
}

package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineObserver;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP long-polling (XHR, or JSONP when the handshake carried {@code j}). One GET may be held and one
 * POST may be in flight at a time (docs/protocol.md §6.1); this class holds the GET and writes the
 * session's packets to it, its {@link PollingPost} reads the POSTs. Every method runs on the session's
 * lane.
 *
 * <p>A GET that arrives once the upgrade probe has been answered is parked: it is not writable, and it
 * waits for the upgrade to decide, at most one noop tick from its arrival. If the upgrade commits first
 * it is refused like any polling request after the upgrade (400, code 3); if the tick comes first it
 * becomes the held GET and gets a noop (or what is queued), which a client that polled again before
 * reading {@code 3probe} needs in order to send {@code 5}; if the upgrade fails it simply becomes the
 * held GET. So a GET sent just after {@code 5} gets the same answer whichever connection the server
 * reads first.
 */
final class PollingTransport extends Transport {
  private final Responses responses;
  private final PollingPost post;
  private final boolean base64; // b64 on the handshake, or JSONP: binary goes as base64
  private final String jsonpIndex; // null for XHR
  private HttpExchange pendingGet;
  private boolean pendingGetIsHandshake;
  private long pendingGetSince; // lane clock when the held GET arrived; observer only
  private HttpExchange parkedGet; // a GET that arrived after the probe was answered; never writable
  private Cancellable parkTimer = Cancellable.NONE;
  private boolean closeDeferred;
  private boolean discarded;

  PollingTransport(Session session, Responses responses, boolean b64, String jsonpIndex) {
    super(session);
    this.responses = responses;
    this.jsonpIndex = jsonpIndex;
    this.base64 = b64 || jsonpIndex != null;
    this.post = new PollingPost(this, responses, jsonpIndex);
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
      responses.empty(exchange, 400);
      return;
    }
    if (pendingGet != null || parkedGet != null) {
      // overlap: the new GET gets 400 with no body; the held one gets the close packet
      session.observer().limitRejected(EngineObserver.Limit.OVERLAPPING_GET);
      responses.empty(exchange, 400);
      session.finish(DisconnectReason.TRANSPORT_ERROR, "overlap from client");
      return;
    }
    if (session.engine.observing) {
      pendingGetSince = session.lane.nowMillis();
    }
    exchange.onClientGone(
        () ->
            session.lane.execute(
                () -> {
                  if (pendingGet == exchange || parkedGet == exchange) {
                    if (pendingGet == exchange) {
                      pendingGet = null;
                    } else {
                      unpark();
                    }
                    session.finish(
                        DisconnectReason.TRANSPORT_ERROR, "poll connection closed prematurely");
                  }
                }));
    if (session.upgrade.probeAnswered() && !closeDeferred) {
      parkedGet = exchange;
      parkTimer = session.lane.schedule(Upgrade.NOOP_TICK_MS, this::parkTimeUp);
      return;
    }
    hold(exchange);
  }

  /** {@code exchange} becomes the held GET and takes what is queued, if anything (lane). */
  private void hold(HttpExchange exchange) {
    pendingGet = exchange;
    pendingGetIsHandshake = false;
    if (closeDeferred) {
      // a close() waited for this GET: noop then close (docs/protocol.md §8.6, T/10 E)
      send(new ArrayList<>(List.of(Packet.NOOP)));
      return;
    }
    session.outbox.flush();
  }

  /** The parked GET's tick ended with the upgrade still undecided: it is held, and answered now. */
  private void parkTimeUp() {
    HttpExchange get = unpark();
    if (get == null) {
      return;
    }
    hold(get);
    if (pendingGet == get && session.upgrade.probeAnswered()) {
      send(new ArrayList<>(List.of(Packet.NOOP))); // what the reference's tick would have sent
    }
  }

  /** Takes the parked GET, if any, and cancels its tick (lane). */
  private HttpExchange unpark() {
    HttpExchange get = parkedGet;
    parkedGet = null;
    parkTimer.cancel();
    parkTimer = Cancellable.NONE;
    return get;
  }

  /** The upgrade failed: a parked GET becomes an ordinary held GET (lane). */
  void upgradeAborted() {
    HttpExchange get = unpark();
    if (get != null) {
      hold(get);
    }
  }

  /** A POST with this session's sid (docs/protocol.md §6.1). */
  void onPost(HttpExchange exchange) {
    post.onPost(exchange);
  }

  /**
   * The client sent a close packet (lane): a held GET gets what was queued before it, or a noop when
   * nothing was (docs/protocol.md §6.1, T/10).
   */
  void answerHeldGetBeforeClose() {
    if (pendingGet == null) {
      return;
    }
    if (!session.outbox.isEmpty()) {
      session.outbox.flush();
    } else {
      send(new ArrayList<>(List.of(Packet.NOOP)));
    }
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
    PollingCodec.Body encoded = PollingCodec.encode(session.protocol, base64, jsonpIndex, packets);
    byte[] body = encoded.bytes();
    Headers h = responses.headers(get.request());
    h.set("Content-Type", encoded.contentType());
    h.set("cache-control", "no-store");
    String ua = get.request().header("User-Agent");
    if (ua != null && (ua.contains(";MSIE") || ua.contains("Trident/"))) {
      h.set("X-XSS-Protection", "0");
    }
    if (handshake && session.options.cookie() != null) {
      h.add("Set-Cookie", session.options.cookie().headerValue(session.id));
    }
    responses.applyHeadersHook(h, get.request(), handshake);
    session.observer().packetsOut(TransportType.POLLING, packets.size(), body.length);
    if (session.options.httpCompression()
        && body.length >= session.options.compressionThreshold()) {
      String encoding = PollingCodec.acceptedEncoding(get.request().header("Accept-Encoding"));
      if (encoding != null) {
        byte[] compressed = PollingCodec.compress(body, encoding);
        if (compressed != null) {
          body = compressed;
          h.set("Content-Encoding", encoding);
        }
      }
    }
    get.respond(200, h, body);
  }

  @Override
  void closeGracefully() {
    HttpExchange parked = unpark();
    if (parked != null && pendingGet == null) {
      pendingGet = parked; // the close is the answer it waited for
      pendingGetIsHandshake = false;
    }
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
    HttpExchange parked = unpark();
    if (parked != null) {
      write(parked, List.of(Packet.CLOSE), false);
    }
    if (pendingGet != null) {
      send(new ArrayList<>(List.of(Packet.CLOSE)));
    }
  }

  @Override
  void discard() {
    discarded = true;
    closeDeferred = false;
    HttpExchange parked = unpark();
    if (parked != null) {
      // it reached the session before the 5 but was sent after 3probe: answered as if it had come
      // after
      responses.refuseAfterUpgrade(parked, session);
    }
    if (pendingGet != null) {
      // a GET still held when the upgrade commits gets the close packet (docs/protocol.md §6.3,
      // T/07 C)
      send(new ArrayList<>(List.of(Packet.CLOSE)));
    }
  }

  @Override
  void failOpen() {
    HttpExchange get = pendingGet;
    pendingGet = null;
    pendingGetIsHandshake = false;
    if (get != null) {
      responses.empty(get, 500);
    }
  }
}

package dev.eio4j.socketio;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.Message;
import dev.eio4j.SendResult;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.socketio.parser.SioDecodeException;
import dev.eio4j.socketio.parser.SioDecoder;
import dev.eio4j.socketio.parser.SioEncoder;
import dev.eio4j.socketio.parser.SioPacket;
import dev.eio4j.socketio.parser.SioPacketType;
import dev.eio4j.spi.Cancellable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One Engine.IO connection seen by the Socket.IO layer: its decoder, its sockets (one per namespace) and
 * its connect timer. All state below is touched only on {@link #queue()}, which receives the engine's
 * events in order, the timeouts and the middleware continuations.
 */
final class Client {
  private static final Logger log = LoggerFactory.getLogger(Client.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SocketIoServer server;
  private final EngineIoSocket conn;
  private final boolean v4;
  private final SerialQueue queue;
  private final SioDecoder decoder;
  private final Map<String, SocketIoSocket> sockets = new LinkedHashMap<>();

  /** Sockets whose middlewares are running, by namespace; each holds one namespace membership. */
  private final Map<String, SocketIoSocket> connecting = new HashMap<>();

  /** Held while one packet's frames are queued, so that concurrent senders cannot interleave them. */
  private final Object sendLock = new Object();

  private Cancellable connectTimer = Cancellable.NONE;
  private boolean closed;

  Client(SocketIoServer server, EngineIoSocket conn) {
    this.server = server;
    this.conn = conn;
    this.v4 = conn.protocol() == ProtocolVersion.V3;
    this.queue = new SerialQueue(t -> server.reportError(null, t));
    this.decoder = new SioDecoder(server.options().maxAttachments());
  }

  /** Wires the engine events; called in the engine's connection callback. */
  void start() {
    conn.onMessage(m -> queue.execute(() -> onMessage(m)));
    conn.onClose((reason, description) -> queue.execute(() -> onEngineClose(reason)));
    queue.execute(
        () -> {
          if (closed) {
            return;
          }
          connectTimer =
              server.schedule(
                  server.options().connectTimeout(), () -> queue.execute(this::onConnectTimeout));
          if (v4) {
            // protocol v4: the main namespace is joined without a CONNECT from the client
            connect("/", JsonNodeFactory.instance.objectNode());
          }
        });
  }

  SocketIoServer server() {
    return server;
  }

  EngineIoSocket conn() {
    return conn;
  }

  SerialQueue queue() {
    return queue;
  }

  boolean isV4() {
    return v4;
  }

  /** Encodes and queues a packet; true when every frame was queued. */
  boolean send(SioPacket packet) {
    return send(SioEncoder.encode(packet));
  }

  /**
   * Queues an encoded packet's frames back to back. A refused text frame sends nothing more; a refused
   * attachment after its text frame would leave the client waiting for it, so the connection is closed.
   */
  boolean send(SioEncoder.Encoded e) {
    synchronized (sendLock) {
      if (conn.send(e.text()) != SendResult.QUEUED) {
        return false;
      }
      for (byte[] b : e.attachments()) {
        if (conn.send(b) != SendResult.QUEUED) {
          log.debug("closing {}: an attachment was refused after its packet", conn.id());
          conn.close();
          return false;
        }
      }
      return true;
    }
  }

  private void onMessage(Message m) {
    if (closed) {
      return;
    }
    SioPacket p;
    try {
      p = decoder.decode(m);
    } catch (SioDecodeException e) {
      protocolError(e.getMessage());
      return;
    }
    if (p == null) {
      return;
    }
    if (p.type() == SioPacketType.CONNECT) {
      String nsp = p.nsp();
      ObjectNode auth;
      if (v4) {
        int q = nsp.indexOf('?');
        auth = q < 0 ? JsonNodeFactory.instance.objectNode() : parseQuery(nsp.substring(q + 1));
        nsp = q < 0 ? nsp : nsp.substring(0, q);
      } else {
        auth = p.data() == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) p.data();
      }
      connect(nsp, auth);
      return;
    }
    String name = p.nsp();
    int q = v4 ? name.indexOf('?') : -1;
    SocketIoSocket socket = sockets.get(q < 0 ? name : name.substring(0, q));
    if (socket != null) {
      socket.onPacket(p);
    } else if (sockets.isEmpty() && connecting.isEmpty()) {
      protocolError(p.type() + " before any CONNECT");
    } else {
      log.debug(
          "{}: {} for namespace {} that this connection has not joined: dropped",
          conn.id(),
          p.type(),
          LogText.of(name));
    }
  }

  /** The client broke the protocol: the connection is closed (its sockets get "forced close"). */
  void protocolError(String why) {
    log.debug("closing {}: invalid Socket.IO packet: {}", conn.id(), why);
    closed = true;
    conn.close();
  }

  private void connect(String name, ObjectNode auth) {
    if (sockets.containsKey(name) || connecting.containsKey(name)) {
      log.debug("{}: second CONNECT to {} ignored", conn.id(), LogText.of(name));
      return;
    }
    if (sockets.size() + connecting.size() >= server.options().maxNamespacesPerConnection()) {
      sendConnectError(name, "Too many namespaces", null, false);
      return;
    }
    Namespace nsp = server.acquire(name);
    if (nsp == null) {
      sendConnectError(name, "Invalid namespace", null, true);
      return;
    }
    RecoveryStore recovery = v4 ? null : server.recovery(); // protocol v4 has no recovery
    RecoveryStore.Restored restored = recovery == null ? null : recovery.take(name, auth);
    String id =
        restored != null
            ? restored.session().id()
            : v4 ? (name.equals("/") ? conn.id() : name + "#" + conn.id()) : randomId();
    SocketIoSocket socket =
        new SocketIoSocket(this, nsp, id, new Handshake(auth, conn.request(), Instant.now()));
    if (recovery != null) { // connection state recovery: a private id, and what was restored
      socket.pid = restored != null ? restored.session().pid() : randomId();
      socket.restored = restored;
      if (restored != null) {
        socket.data().putAll(restored.session().data());
      }
    }
    connecting.put(name, socket);
    if (restored != null && recovery.options().skipMiddlewares()) {
      connected(socket);
    } else {
      runMiddlewares(socket, nsp.middlewareChain(), 0);
    }
  }

  private void runMiddlewares(SocketIoSocket socket, List<Namespace.Middleware> chain, int i) {
    if (connecting.get(socket.namespace().name()) != socket) {
      return; // abandoned: the connection closed and released it
    }
    if (closed) {
      return; // closing: released with the rest when the engine reports the close
    }
    if (i == chain.size()) {
      connected(socket);
      return;
    }
    CompletionStage<?> stage;
    try {
      stage = chain.get(i).handle(socket);
    } catch (Throwable t) {
      refused(socket, t);
      return;
    }
    if (stage == null) {
      runMiddlewares(socket, chain, i + 1);
      return;
    }
    CompletableFuture<?> f = stage.toCompletableFuture();
    if (f.isDone() && !f.isCompletedExceptionally()) {
      runMiddlewares(socket, chain, i + 1);
      return;
    }
    stage.whenComplete(
        (v, err) ->
            queue.execute(
                () -> {
                  if (err != null) {
                    refused(socket, err);
                  } else {
                    runMiddlewares(socket, chain, i + 1);
                  }
                }));
  }

  private void refused(SocketIoSocket socket, Throwable err) {
    String name = socket.namespace().name();
    if (!connecting.remove(name, socket)) {
      return; // abandoned: the connection closed and released it
    }
    socket.namespace().adapter().delAll(socket.id()); // rooms a middleware joined
    server.release(socket.namespace());
    if (closed) {
      return;
    }
    Throwable cause = err;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ConnectError ce) {
      sendConnectError(name, ce.getMessage(), ce.data(), false);
    } else {
      server.reportError(socket, cause);
      sendConnectError(name, "Server error", null, false);
    }
  }

  private void connected(SocketIoSocket socket) {
    String name = socket.namespace().name();
    connecting.remove(name);
    sockets.put(name, socket);
    connectTimer.cancel();
    socket.onConnect();
  }

  /**
   * CONNECT_ERROR: {@code {"message","data"?}} for v5; for v4 the data, else the message as a string
   * (the unknown-namespace refusal keeps the object form for both, as the reference 4.x does).
   */
  private void sendConnectError(String nsp, String message, JsonNode data, boolean objectForm) {
    JsonNode payload;
    if (v4 && !objectForm) {
      payload = data != null ? data : SocketIoSocket.text(message);
    } else {
      ObjectNode o = JsonNodeFactory.instance.objectNode().put("message", message);
      if (data != null) {
        o.set("data", data);
      }
      payload = o;
    }
    send(new SioPacket(SioPacketType.CONNECT_ERROR, nsp, SioPacket.NO_ID, payload));
  }

  /** Called by a socket as it leaves. */
  void removed(SocketIoSocket socket) {
    sockets.remove(socket.namespace().name(), socket);
    server.release(socket.namespace());
  }

  /** Every socket leaves with DISCONNECT ("server namespace disconnect"), then the connection closes. */
  void disconnectAll() {
    disconnectAll(SocketIoDisconnectReason.SERVER_NAMESPACE_DISCONNECT);
  }

  /** Every socket leaves with DISCONNECT and {@code reason}, then the connection closes. */
  void disconnectAll(SocketIoDisconnectReason reason) {
    for (SocketIoSocket s : new ArrayList<>(sockets.values())) {
      if (s.connected()) {
        send(new SioPacket(SioPacketType.DISCONNECT, s.namespace().name(), SioPacket.NO_ID, null));
        s.onClose(reason);
      }
    }
    closed = true;
    connectTimer.cancel();
    conn.close();
  }

  private void onConnectTimeout() {
    if (!closed && sockets.isEmpty()) {
      log.debug("closing {}: no namespace joined within connectTimeout", conn.id());
      closed = true;
      conn.close();
    }
  }

  private void onEngineClose(DisconnectReason reason) {
    closed = true;
    connectTimer.cancel();
    SocketIoDisconnectReason r = SocketIoDisconnectReason.of(reason);
    for (SocketIoSocket s : new ArrayList<>(sockets.values())) {
      s.onClose(r);
    }
    sockets.clear();
    for (SocketIoSocket s : connecting.values()) {
      s.namespace().adapter().delAll(s.id()); // rooms a middleware joined
      server.release(s.namespace()); // a middleware still running: its completion will find nothing
    }
    connecting.clear();
    server.removed(this);
  }

  private static String randomId() {
    byte[] b = new byte[15];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** {@code a=1&b=x%20y} as a JSON object of strings (the last of repeated keys wins). */
  static ObjectNode parseQuery(String query) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (String part : query.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      o.put(decode(k), decode(v));
    }
    return o;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}

package dev.eio4j.server;

import dev.eio4j.socketio.BroadcastOperator;
import dev.eio4j.socketio.ConnectError;
import dev.eio4j.socketio.Namespace;
import dev.eio4j.socketio.SocketIoServer;
import dev.eio4j.socketio.SocketIoSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code --socketio} demo app: the namespaces {@code /}, {@code /custom}, every {@code /dyn-<word>}
 * and the token-guarded {@code /private}, each running the same event handlers (see docs/socketio.md).
 * Every handler runs on its connection's serial lane, so one connection's events are handled in order.
 */
public final class SocketIoDemo {
  /** The auth token {@code /private} admits. */
  static final String PRIVATE_TOKEN = "s3cret";

  /** Longest {@code ask} timeout accepted; larger values are clamped so no timer outlives a minute. */
  static final long MAX_ASK_TIMEOUT_MS = 60_000;

  /** How long the recovery endpoint keeps a dropped socket's session. */
  static final Duration RECOVERY_WINDOW = Duration.ofSeconds(120);

  private static final Pattern DYNAMIC = Pattern.compile("^/dyn-\\w+$");

  private SocketIoDemo() {}

  /** Registers the demo's namespaces and handlers on {@code io}. */
  public static void install(SocketIoServer io) {
    Consumer<SocketIoSocket> app = SocketIoDemo::onConnection;
    io.sockets().onConnection(app);
    io.of("/custom").onConnection(app);
    io.of(DYNAMIC).onConnection(app);
    io.of("/private")
        .use(
            socket -> {
              JsonNode token =
                  socket.handshake().auth() == null ? null : socket.handshake().auth().get("token");
              if (token == null
                  || !token.isString()
                  || !PRIVATE_TOKEN.equals(token.stringValue())) {
                return CompletableFuture.failedFuture(
                    new ConnectError(
                        "Not authorized", JsonNodeFactory.instance.objectNode().put("code", 4001)));
              }
              return CompletableFuture.completedFuture(null);
            })
        .onConnection(app);
  }

  private static void onConnection(SocketIoSocket socket) {
    ObjectNode auth = socket.handshake().auth();
    socket.emit("auth", auth == null ? JsonNodeFactory.instance.objectNode() : auth);
    socket.on("message", (args, ack) -> socket.emit("message-back", spread(args)));
    socket.on("message-with-ack", (args, ack) -> ack.send(spread(args)));
    socket.on(
        "join",
        (args, ack) -> {
          for (String room : names(args.get(0))) {
            socket.join(room);
          }
          ack.send(ownRooms(socket));
        });
    socket.on(
        "leave",
        (args, ack) -> {
          for (String room : names(args.get(0))) {
            socket.leave(room);
          }
          ack.send(ownRooms(socket));
        });
    socket.on("broadcast", (args, ack) -> broadcast(socket, args, ack));
    socket.on("ask", (args, ack) -> ask(socket, args, ack));
    socket.on(
        "server-disconnect",
        (args, ack) ->
            socket.disconnect(
                args.size() > 0 && args.get(0).isBoolean() && args.get(0).booleanValue()));
    socket.onDisconnecting(
        reason -> {
          Set<String> rooms = new LinkedHashSet<>(socket.rooms());
          rooms.remove(socket.id());
          if (rooms.isEmpty()) {
            return;
          }
          // one peer-left per peer, however many of the rooms it shares with the leaving socket
          Set<SocketIoSocket> peers = new LinkedHashSet<>();
          for (String room : rooms) {
            peers.addAll(socket.to(room).sockets());
          }
          for (SocketIoSocket peer : peers) {
            peer.emit("peer-left", socket.id(), reason.wireName());
          }
        });
  }

  /** {@code broadcast(target, event, ...args)}: each selected socket gets the event once. */
  private static void broadcast(SocketIoSocket socket, ArrayNode args, dev.eio4j.socketio.Ack ack) {
    JsonNode target = args.get(0);
    JsonNode event = args.get(1);
    if (target == null
        || !target.isObject()
        || event == null
        || !event.isString()
        || reserved(event.stringValue())) {
      return;
    }
    Set<String> rooms = new LinkedHashSet<>(names(target.get("rooms")));
    Set<String> except = new LinkedHashSet<>(names(target.get("except")));
    boolean self = target.path("self").asBoolean(false);
    Object[] rest = new Object[Math.max(0, args.size() - 2)];
    for (int i = 2; i < args.size(); i++) {
      rest[i - 2] = args.get(i);
    }
    // one broadcast operator (rather than one emit per socket), so that with connection state
    // recovery the event is also kept for the sockets of those rooms that are away
    Namespace nsp = socket.namespace();
    List<String> in = new ArrayList<>(rooms);
    BroadcastOperator op =
        in.isEmpty() ? socket.broadcast() : self ? nsp.to(in.get(0)) : socket.to(in.get(0));
    for (int i = 1; i < in.size(); i++) {
      op = op.to(in.get(i));
    }
    for (String room : except) {
      op = op.except(room);
    }
    op.emit(event.stringValue(), rest);
    if (self && in.isEmpty() && socket.rooms().stream().noneMatch(except::contains)) {
      socket.emit(event.stringValue(), rest);
    }
    ack.send();
  }

  /** {@code ask({event, args, timeout})}: relays a question to the sender and acks with its answer. */
  private static void ask(SocketIoSocket socket, ArrayNode args, dev.eio4j.socketio.Ack ack) {
    JsonNode q = args.get(0);
    if (q == null
        || !q.isObject()
        || !q.path("event").isString()
        || reserved(q.path("event").stringValue())) {
      return;
    }
    long timeout = Math.min(MAX_ASK_TIMEOUT_MS, Math.max(0, q.path("timeout").asLong(5_000)));
    JsonNode a = q.get("args");
    Object[] out;
    if (a == null || a.isNull()) {
      out = new Object[0];
    } else if (a.isArray()) {
      out = new Object[a.size()];
      for (int i = 0; i < a.size(); i++) {
        out[i] = a.get(i);
      }
    } else {
      out = new Object[] {a};
    }
    socket
        .emitWithAck(Duration.ofMillis(timeout), q.path("event").stringValue(), out)
        .whenComplete(
            (answer, error) -> {
              ObjectNode result = JsonNodeFactory.instance.objectNode();
              if (error == null) {
                result.put("ok", true).set("args", answer);
              } else {
                result.put("ok", false).put("error", "timeout");
              }
              ack.send(result);
            });
  }

  private static boolean reserved(String event) {
    return switch (event) {
      case "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener" ->
          true;
      default -> false;
    };
  }

  private static Object[] spread(ArrayNode args) {
    Object[] out = new Object[args.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = args.get(i);
    }
    return out;
  }

  /** A room name or an array of them; anything else is no room. */
  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node.isString()) {
      out.add(node.stringValue());
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        if (n.isString()) {
          out.add(n.stringValue());
        }
      }
    }
    return out;
  }

  private static ArrayNode ownRooms(SocketIoSocket socket) {
    TreeSet<String> rooms = new TreeSet<>(socket.rooms());
    rooms.remove(socket.id());
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    rooms.forEach(out::add);
    return out;
  }
}

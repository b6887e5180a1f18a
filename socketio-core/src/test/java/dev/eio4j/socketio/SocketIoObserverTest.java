package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.socketio.SioHarness.Ws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a {@link SocketIoObserver} is told, in order, under virtual time; a throwing one breaks nothing. */
class SocketIoObserverTest {
  private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

  private final SocketIoObserver recorder =
      new SocketIoObserver() {
        @Override
        public void serverCreated(SocketIoServer server) {
          seen.add("server");
        }

        @Override
        public void namespaceCreated(Namespace namespace) {
          seen.add("ns+ " + namespace.name());
        }

        @Override
        public void namespaceRemoved(Namespace namespace) {
          seen.add("ns- " + namespace.name());
        }

        @Override
        public void socketConnected(SocketIoSocket socket) {
          seen.add("connected " + socket.namespace().name());
        }

        @Override
        public void socketDisconnected(SocketIoSocket socket, SocketIoDisconnectReason reason) {
          seen.add("disconnected " + socket.namespace().name() + " " + reason.wireName());
        }

        @Override
        public void eventIn(SocketIoSocket socket, String event) {
          seen.add("in " + event);
        }

        @Override
        public void eventOut(SocketIoSocket socket, String event) {
          seen.add("out " + event);
        }

        @Override
        public void ackPending(SocketIoSocket socket) {
          seen.add("ack pending");
        }

        @Override
        public void ackAnswered(SocketIoSocket socket) {
          seen.add("ack answered");
        }

        @Override
        public void ackTimedOut(SocketIoSocket socket) {
          seen.add("ack timed out");
        }

        @Override
        public void broadcast(Namespace namespace, String event, int recipients) {
          seen.add("broadcast " + namespace.name() + " " + event + " " + recipients);
        }

        @Override
        public void listenerError(SocketIoSocket socket, Throwable error) {
          seen.add("error " + error.getMessage());
        }
      };

  private List<String> take() {
    synchronized (seen) {
      List<String> out = new ArrayList<>(seen);
      seen.clear();
      return out;
    }
  }

  @Test
  void everyCallbackInOrder() {
    SioHarness sio = new SioHarness(b -> b.observer(recorder));
    assertThat(take()).containsExactly("ns+ /", "server");
    sio.io
        .of(Pattern.compile("/dyn-\\w+"))
        .onConnection(
            s -> {
              s.join("r");
              s.on(
                  "boom",
                  (args, ack) -> {
                    throw new IllegalStateException("boom");
                  });
              s.on("ask", (args, ack) -> s.emitWithAck(Duration.ofSeconds(5), "q", 1));
              s.on("all", (args, ack) -> s.namespace().to("r").emit("news", 2));
              s.on("hi", (args, ack) -> s.emit("hello"));
            });
    Ws a = sio.ws("4");
    Ws b = sio.ws("4");
    a.send("0/dyn-a,");
    b.send("0/dyn-a,");
    a.take();
    b.take();
    assertThat(take()).containsExactly("ns+ /dyn-a", "connected /dyn-a", "connected /dyn-a");

    a.send("2/dyn-a,[\"hi\"]");
    assertThat(take()).containsExactly("in hi", "out hello");
    a.send("2/dyn-a,[\"all\"]");
    assertThat(take()).containsExactly("in all", "broadcast /dyn-a news 2");
    a.send("2/dyn-a,[\"boom\"]");
    assertThat(take()).containsExactly("in boom", "error boom");

    a.send("2/dyn-a,[\"ask\"]");
    assertThat(take()).containsExactly("in ask", "ack pending", "out q");
    a.send("3/dyn-a,0[]");
    assertThat(take()).containsExactly("ack answered");
    a.send("2/dyn-a,[\"ask\"]");
    assertThat(take()).containsExactly("in ask", "ack pending", "out q");
    sio.clock().advance(Duration.ofSeconds(5));
    assertThat(take()).containsExactly("ack timed out");

    a.send("1/dyn-a,");
    assertThat(take()).containsExactly("disconnected /dyn-a client namespace disconnect");
    b.conn.clientClose();
    sio.clock().runPending();
    assertThat(take()).containsExactly("disconnected /dyn-a transport close", "ns- /dyn-a");
  }

  @Test
  void aThrowingObserverBreaksNothing() {
    SocketIoObserver throwing =
        new SocketIoObserver() {
          @Override
          public void eventIn(SocketIoSocket socket, String event) {
            throw new IllegalStateException("observer broken");
          }

          @Override
          public void socketConnected(SocketIoSocket socket) {
            throw new IllegalStateException("observer broken");
          }
        };
    SioHarness sio = new SioHarness(b -> b.observer(throwing));
    sio.io.sockets().onConnection(s -> s.on("ping", (args, ack) -> ack.send("pong")));
    Ws c = sio.ws("4");
    assertThat(c.send("0").take()).hasSize(1);
    assertThat(c.send("21[\"ping\"]").take()).containsExactly("text:431[\"pong\"]");
    assertThat(sio.errors).isEmpty();
  }
}

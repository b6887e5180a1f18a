package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.socketio.SioHarness.Ws;
import dev.eio4j.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Protocol v4 (Socket.IO 2.x clients over Engine.IO 3), frames as the reference 4.8.x sends them with
 * {@code allowEIO3}: the main namespace joined unasked, auth from the namespace query, no CONNECT payload,
 * ids {@code <sid>} and {@code /nsp#<sid>}, CONNECT_ERROR carrying the data or the bare message.
 */
class ProtocolV4Test {
  private final SioHarness sio = new SioHarness();
  private final List<SocketIoSocket> connected = new ArrayList<>();

  ProtocolV4Test() {
    sio.io
        .sockets()
        .onConnection(
            s -> {
              connected.add(s);
              s.emit("auth", s.handshake().auth());
              s.on("message-with-ack", (args, ack) -> ack.send(args.valueStream().toArray()));
              s.on(
                  "send-bin",
                  (args, ack) -> {
                    var nested = JsonNodeFactory.instance.objectNode();
                    nested.set("nested", JsonNodeFactory.instance.binaryNode(new byte[] {4}));
                    s.emit("bin", new byte[] {1, 2, 3}, nested.put("n", 1));
                  });
            });
    sio.io
        .of("/custom")
        .onConnection(
            s -> {
              connected.add(s);
              s.emit("auth", s.handshake().auth());
            });
    sio.io
        .of("/private")
        .use(
            s -> {
              throw new ConnectError(
                  "Not authorized", JsonNodeFactory.instance.objectNode().put("code", 42));
            });
    sio.io
        .of("/private2")
        .use(
            s -> {
              throw new ConnectError("Not authorized");
            });
    sio.io.of(Pattern.compile("/never"));
  }

  @Test
  void implicitConnectQueryAuthIdsAndConnectErrors() {
    EngineHarness.WsClient raw = sio.h.openWebSocket("EIO=3");
    sio.clock().runPending();
    assertThat(raw.conn().takeFrameLog())
        .containsExactly("text:" + raw.conn().texts().get(0), "text:40", "text:42[\"auth\",{}]");
    Ws c = new Ws(raw.sid(), raw.conn(), sio);

    assertThat(c.send("0/custom?token=abc,").take())
        .containsExactly("text:40/custom,", "text:42/custom,[\"auth\",{\"token\":\"abc\"}]");
    assertThat(connected)
        .extracting(SocketIoSocket::id)
        .containsExactly(raw.sid(), "/custom#" + raw.sid());

    assertThat(c.send("21[\"message-with-ack\",\"x\"]").take()).containsExactly("text:431[\"x\"]");
    assertThat(c.send("0/random,").take())
        .containsExactly("text:44/random,{\"message\":\"Invalid namespace\"}");
    assertThat(c.send("0/private,").take()).containsExactly("text:44/private,{\"code\":42}");
    assertThat(c.send("0/private2,").take()).containsExactly("text:44/private2,\"Not authorized\"");

    // Engine.IO 3 puts the message type byte 4 before each attachment on a WebSocket
    assertThat(c.send("2[\"send-bin\"]").take())
        .containsExactly(
            "text:452-[\"bin\",{\"_placeholder\":true,\"num\":0},{\"nested\":{\"_placeholder\":true,\"num\":1},\"n\":1}]",
            "binary:04 01 02 03",
            "binary:04 04");
  }

  @Test
  void queryAuthIsUrlDecoded() {
    assertThat(Client.parseQuery("token=a%20b&x=&flag&u=%E2%82%AC&bad=%zz").toString())
        .isEqualTo("{\"token\":\"a b\",\"x\":\"\",\"flag\":\"\",\"u\":\"€\",\"bad\":\"%zz\"}");
  }
}

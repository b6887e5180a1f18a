package dev.eio4j.bench.jmh;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.SendResult;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.spi.WsHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The session hot path through the public SPI, with no I/O: an {@link EngineIoServer} whose sockets echo,
 * a lane that runs inline and WebSockets that discard what they are given.
 *
 * <ul>
 *   <li>{@code wsEcho}: a text frame {@code 4<msg>} arrives on a direct WebSocket session, is decoded, handed
 *       to the echo listener, queued, flushed, encoded and written;</li>
 *   <li>{@code wsSend}: the application sends a text message on an open WebSocket session;</li>
 *   <li>{@code pollingEcho}: a POST with one message then the GET that carries the echo back (request
 *       routing, query parsing, payload decode and encode);</li>
 *   <li>{@code broadcast}: one text message to {@value #BROADCAST_SOCKETS} WebSocket sessions.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SessionBenchmark {
  /** Sessions reached by {@link #broadcast()}. */
  public static final int BROADCAST_SOCKETS = 1000;

  @Param({"V4", "V3"})
  public ProtocolVersion version;

  @Param({"32"})
  public int size;

  private EngineIoServer server;
  private EngineIoServer fanoutServer;
  private EngineIoSocket wsSocket;
  private InlineLane lane;
  private DiscardingWs ws;
  private WsHandler handler;
  private String frame;
  private String message;
  private String sid;
  private String postUri;
  private String getUri;
  private byte[] postBody;
  private final List<DiscardingWs> fanout = new ArrayList<>();

  @Setup(Level.Trial)
  public void setup() {
    server = echoServer();
    fanoutServer = echoServer();
    lane = new InlineLane();
    int eio = version.number();
    message = Payloads.text(size);
    frame = "4" + message;

    ws = new DiscardingWs();
    BenchUpgrade up = new BenchUpgrade("/engine.io/?EIO=" + eio + "&transport=websocket", lane, ws);
    server.handleUpgrade(up);
    if (up.handler == null) {
      throw new IllegalStateException("upgrade refused: " + up.rejected);
    }
    handler = up.handler;
    if (ws.frames != 1 || !ws.lastText.startsWith("0{")) {
      throw new IllegalStateException("no open packet: " + ws.lastText);
    }
    wsSocket = server.socket(sidOf(ws.lastText)).orElseThrow();

    BenchExchange handshake =
        new BenchExchange("GET", "/engine.io/?EIO=" + eio + "&transport=polling&t=a", null, lane);
    server.handleRequest(handshake);
    sid = sidOf(new String(handshake.response, StandardCharsets.UTF_8));
    postUri = "/engine.io/?EIO=" + eio + "&transport=polling&t=b&sid=" + sid;
    getUri = "/engine.io/?EIO=" + eio + "&transport=polling&t=c&sid=" + sid;
    String payload = eio == 4 ? frame : frame.length() + ":" + frame;
    postBody = payload.getBytes(StandardCharsets.UTF_8);

    for (int i = 0; i < BROADCAST_SOCKETS; i++) {
      DiscardingWs c = new DiscardingWs();
      fanoutServer.handleUpgrade(
          new BenchUpgrade("/engine.io/?EIO=" + eio + "&transport=websocket", lane, c));
      fanout.add(c);
    }
  }

  private static EngineIoServer echoServer() {
    EngineIoServer s =
        EngineIoServer.builder()
            .pingInterval(Duration.ofHours(1))
            .pingTimeout(Duration.ofHours(1))
            .build();
    s.onConnection(socket -> socket.onMessage(socket::send));
    return s;
  }

  private static String sidOf(String openPacket) {
    int at = openPacket.indexOf("\"sid\":\"") + 7;
    return openPacket.substring(at, openPacket.indexOf('"', at));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
    fanoutServer.close();
  }

  @Benchmark
  public String wsEcho() {
    handler.onText(frame);
    return ws.lastText;
  }

  @Benchmark
  public SendResult wsSend() {
    return wsSocket.send(message);
  }

  @Benchmark
  public byte[] pollingEcho() {
    BenchExchange post = new BenchExchange("POST", postUri, postBody, lane);
    server.handleRequest(post);
    BenchExchange get = new BenchExchange("GET", getUri, null, lane);
    server.handleRequest(get);
    if (!get.answered() || get.status != 200) {
      throw new IllegalStateException("GET not answered: " + get.status);
    }
    return get.response;
  }

  @Benchmark
  public int broadcast() {
    return fanoutServer.broadcast(message);
  }
}

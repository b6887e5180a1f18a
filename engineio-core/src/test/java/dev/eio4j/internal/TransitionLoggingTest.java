package dev.eio4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.eio4j.EngineIoServer;
import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.Lane;
import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import dev.eio4j.spi.WsUpgrade;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every session-state and upgrade-state transition is logged at DEBUG as {@code session <id>: <from> ->
 * <to>}, nothing of it at INFO, and peer- or application-controlled text in those lines is escaped.
 * Drives a real {@link EngineIoServer} through minimal in-memory adapter fakes (the testkit depends on
 * this module, so it cannot be used here).
 */
class TransitionLoggingTest {
  private static final Pattern TRANSITION =
      Pattern.compile("session (\\S+): (upgrade )?(\\w+) -> (\\w+)( \\(.*\\))?");

  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.eio4j.internal");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Level previousLevel;
  private final Lane lane = new QueueLane();

  @BeforeEach
  void attach() {
    previousLevel = logger.getLevel();
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    logger.setLevel(previousLevel);
  }

  @Test
  void everyTransitionIsLoggedAtDebugWithTheSessionId() {
    logger.setLevel(Level.DEBUG);
    EngineIoServer server = EngineIoServer.builder().build();
    // polling handshake, then the upgrade: probe, 5
    String sid = handshake(server);
    Ws ws = upgrade(server, sid);
    ws.handler.onText("2probe");
    ws.handler.onText("5");
    server.socket(sid).orElseThrow().close();

    assertThat(transitions(sid))
        .containsExactly(
            "OPENING -> OPEN",
            "upgrade NONE -> PROBING",
            "upgrade PROBING -> PROBED",
            "upgrade PROBED -> UPGRADED",
            "OPEN -> CLOSING",
            "CLOSING -> CLOSED");
    assertThat(appender.list)
        .filteredOn(e -> TRANSITION.matcher(e.getFormattedMessage()).matches())
        .extracting(ILoggingEvent::getLevel)
        .containsOnly(Level.DEBUG);
  }

  @Test
  void aFailedUpgradeAndAClosedProbeAreTransitionsToo() {
    logger.setLevel(Level.DEBUG);
    EngineIoServer server = EngineIoServer.builder().upgradeTimeout(Duration.ofMillis(50)).build();
    String sid = handshake(server);
    upgrade(server, sid)
        .handler
        .onText("4too early"); // anything but 2probe or 5: the probe is aborted
    upgrade(server, sid);
    ((QueueLane) lane).fireTimers(); // the upgrade timeout (and the first ping)
    upgrade(server, sid).handler.onText("2probe");
    Exchange close =
        new Exchange("POST", "/engine.io/?EIO=4&transport=polling&sid=" + sid, "1", null);
    server.handleRequest(close); // the client closes over polling during the probe

    assertThat(close.status).isEqualTo(200);
    assertThat(transitions(sid))
        .containsExactly(
            "OPENING -> OPEN",
            "upgrade NONE -> PROBING",
            "upgrade PROBING -> NONE (invalid packet during upgrade: MESSAGE)",
            "upgrade NONE -> PROBING",
            "upgrade PROBING -> NONE (upgrade timeout)",
            "upgrade NONE -> PROBING",
            "upgrade PROBING -> PROBED",
            "OPEN -> CLOSED",
            "upgrade PROBED -> NONE (session closed)");
  }

  @Test
  void nothingOfItAtInfo() {
    logger.setLevel(Level.INFO);
    EngineIoServer server = EngineIoServer.builder().build();
    String sid = handshake(server);
    server.socket(sid).orElseThrow().close(); // deferred until the next GET
    assertThat(get(server, "EIO=4&transport=polling&sid=" + sid).body).isEqualTo("6\u001e1");
    get(server, "EIO=4&transport=bogus"); // a refused request
    assertThat(server.socketCount()).isZero();
    assertThat(appender.list).isEmpty();
  }

  @Test
  void peerAndApplicationControlledTextIsEscaped() {
    logger.setLevel(Level.DEBUG);
    // an idGenerator that (unwisely) derives the id from a request header: the id reaches the logs
    // escaped
    EngineIoServer server =
        EngineIoServer.builder().idGenerator(req -> "id\u0007" + req.header("X-Tag")).build();
    Exchange hs =
        new Exchange("GET", "/engine.io/?EIO=4&transport=polling", null, "line\u001b[2Jbreak");
    server.handleRequest(hs);
    assertThat(hs.status).isEqualTo(200);
    // a refused request whose transport (peer input) holds a newline and an escape sequence
    get(server, "EIO=4&transport=pol%0Aling%1B%5B31m");

    List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).isNotEmpty();
    assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain("\u0007", "\n", "\u001b"));
    assertThat(lines)
        .anySatisfy(
            l -> assertThat(l).isEqualTo("session id\\u0007line\\u001b[2Jbreak: OPENING -> OPEN"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("pol\\u000aling\\u001b[31m"));
    assertThat(appender.list).extracting(ILoggingEvent::getLevel).containsOnly(Level.DEBUG);
  }

  // ------------------------------------------------------------------ helpers

  private List<String> transitions(String sid) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : appender.list) {
      Matcher m = TRANSITION.matcher(e.getFormattedMessage());
      if (m.matches() && m.group(1).equals(sid)) {
        out.add(
            (m.group(2) == null ? "" : m.group(2))
                + m.group(3)
                + " -> "
                + m.group(4)
                + (m.group(5) == null ? "" : m.group(5)));
      }
    }
    return out;
  }

  private String handshake(EngineIoServer server) {
    Exchange hs = get(server, "EIO=4&transport=polling");
    assertThat(hs.status).isEqualTo(200);
    Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(hs.body);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private Exchange get(EngineIoServer server, String query) {
    Exchange ex = new Exchange("GET", "/engine.io/?" + query, null, null);
    server.handleRequest(ex);
    return ex;
  }

  private Ws upgrade(EngineIoServer server, String sid) {
    Ws ws = new Ws("/engine.io/?EIO=4&transport=websocket&sid=" + sid);
    server.handleUpgrade(ws);
    assertThat(ws.handler).as("upgrade accepted").isNotNull();
    return ws;
  }

  /** A serial lane: tasks queued while one runs wait for it; timers run only when fired. */
  private static final class QueueLane implements Lane {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<Runnable> timers = new ArrayList<>();
    private boolean running;

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
      try {
        Runnable r;
        while ((r = tasks.poll()) != null) {
          r.run();
        }
      } finally {
        running = false;
      }
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
      Runnable[] slot = {task};
      timers.add(
          () -> {
            if (slot[0] != null) {
              slot[0].run();
            }
          });
      return () -> slot[0] = null;
    }

    @Override
    public boolean inLane() {
      return running;
    }

    void fireTimers() {
      List<Runnable> due = new ArrayList<>(timers);
      timers.clear();
      for (Runnable t : due) {
        execute(t);
      }
    }
  }

  private final class Exchange implements HttpExchange {
    private final EngineRequest request;
    private final byte[] requestBody;
    int status = -1;
    String body;

    Exchange(String method, String uri, String requestBody, String tag) {
      Headers h = new Headers();
      if (tag != null) {
        h.set("X-Tag", tag);
      }
      this.request = new EngineRequest(method, uri, h, null, false);
      this.requestBody =
          requestBody == null ? new byte[0] : requestBody.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public EngineRequest request() {
      return request;
    }

    @Override
    public Lane laneForNewSession() {
      return lane;
    }

    @Override
    public void readBody(long maxBytes, BodyHandler handler) {
      handler.onBody(requestBody);
    }

    @Override
    public void respond(int status, Headers headers, byte[] body) {
      this.status = status;
      this.body = new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public void abort() {}

    @Override
    public void onClientGone(Runnable callback) {}
  }

  private final class Ws implements WsUpgrade, WsConnection {
    private final EngineRequest request;
    WsHandler handler;

    Ws(String uri) {
      this.request = new EngineRequest("GET", uri, new Headers(), null, false);
    }

    @Override
    public EngineRequest request() {
      return request;
    }

    @Override
    public Lane laneForNewSession() {
      return lane;
    }

    @Override
    public void reject(int status, Headers headers, String body) {}

    @Override
    public void accept(
        Headers extraHeaders, long maxPayload, Function<WsConnection, WsHandler> onOpen) {
      handler = onOpen.apply(this);
    }

    @Override
    public void sendText(String text) {}

    @Override
    public void sendBinary(byte[] data) {}

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public void close(int statusCode, String reason) {}
  }
}

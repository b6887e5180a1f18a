package dev.eio4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.OverflowPolicy;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import dev.eio4j.testing.FakeWsUpgrade;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Request routing under random input: random methods, paths, query strings (valid and broken keys and
 * values, percent escapes, sids of live and dead sessions), headers and bodies, WebSocket handshakes with
 * random frames, clients that go away, application sends and closes, and jumps of virtual time, against
 * servers with random options. After every script the server is closed and the clock run out.
 *
 * <p>Checked: no exception escapes (the scheduler rethrows what a lane task throws, and the engine's
 * last-resort handlers log at ERROR, which {@link LogCounter} sees); every HTTP request is answered exactly
 * once unless its connection was aborted or its client left; every WebSocket handshake gets exactly one
 * decision and every accepted one ends closed; no session, timer or pending client-gone callback is left.
 */
class RoutingFuzzTest {
  private static final int TRIES = 600;
  private static final AtomicLong scripts = new AtomicLong();
  private static final AtomicLong httpRequests = new AtomicLong();
  private static final AtomicLong upgrades = new AtomicLong();
  private static final AtomicLong wsFrames = new AtomicLong();
  private static final AtomicLong sessionsOpened = new AtomicLong();
  private static final AtomicLong clockJumps = new AtomicLong();
  private static final Map<Integer, AtomicLong> statuses = new TreeMap<>();
  private static final Map<String, AtomicLong> errorKinds = new TreeMap<>();
  private static final long started = System.nanoTime();

  /** One step of a script; which fields matter depends on {@code kind}. */
  record Step(
      int kind,
      String method,
      String path,
      List<String> query,
      List<String> headers,
      String body,
      List<String> frames,
      int pick) {}

  /** Server options for one script. */
  record Config(
      boolean cors, int maxSessions, boolean eio3, int transports, boolean close, long budget) {}

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<Config> configs() {
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(1, 1), Tuple.of(2, 3)),
            Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)),
            Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, 1), Tuple.of(1, 2)),
            Arbitraries.of(true, false),
            Arbitraries.of(16L * 1024 * 1024, 20L))
        .as(Config::new);
  }

  @Provide
  Arbitrary<List<Step>> scripts() {
    return step().list().ofMinSize(1).ofMaxSize(40);
  }

  private Arbitrary<Step> step() {
    Arbitrary<Integer> kind =
        Arbitraries.frequency(
            Tuple.of(10, 0), // HTTP request
            Tuple.of(3, 1), // WebSocket handshake (+ frames)
            Tuple.of(2, 2), // frames on an open WebSocket, or its client closing
            Tuple.of(2, 3), // virtual time passes
            Tuple.of(2, 4), // the application sends / closes
            Tuple.of(1, 5)); // a client with a pending request goes away
    return Combinators.combine(
            kind,
            method(),
            path(),
            query(),
            headers(),
            body(),
            frames(),
            Arbitraries.integers().between(0, 1000))
        .as(Step::new);
  }

  private static Arbitrary<String> method() {
    return Arbitraries.frequency(
        Tuple.of(16, "GET"),
        Tuple.of(10, "POST"),
        Tuple.of(2, "OPTIONS"),
        Tuple.of(1, "PUT"),
        Tuple.of(1, "DELETE"),
        Tuple.of(1, "HEAD"),
        Tuple.of(1, "PATCH"),
        Tuple.of(1, "get"),
        Tuple.of(1, "BREW"),
        Tuple.of(1, ""));
  }

  private static Arbitrary<String> path() {
    return Arbitraries.frequency(
        Tuple.of(12, "/engine.io/"),
        Tuple.of(1, "/engine.io"),
        Tuple.of(1, "/engine.io/x/../y"),
        Tuple.of(1, "/"),
        Tuple.of(1, "/engine.io/%00"));
  }

  /** Raw text with the characters that matter to query parsing. */
  private static Arbitrary<String> junk() {
    return Arbitraries.strings()
        .withChars("aZ09=&%+#?;/\u00e9\u20ac\ud83d\ude00 \t\n\u0000\u001e\"<>'\\")
        .ofMaxLength(12);
  }

  /** Mostly well-formed queries (so that sessions open and live), the rest random. */
  private static Arbitrary<List<String>> query() {
    Arbitrary<List<String>> wellFormed =
        Combinators.combine(
                Arbitraries.of("EIO=4", "EIO=4", "EIO=3"),
                Arbitraries.of("transport=polling", "transport=polling", "transport=websocket"),
                Arbitraries.of("sid=@LIVE@", "sid=@LIVE@", null),
                Arbitraries.of("b64=1", "j=0", "t=abc", null, null, null))
            .as(
                (e, t, s, o) -> {
                  List<String> parts = new ArrayList<>(List.of(e, t));
                  if (s != null) {
                    parts.add(s);
                  }
                  if (o != null) {
                    parts.add(o);
                  }
                  return parts;
                });
    return Arbitraries.frequencyOf(Tuple.of(3, wellFormed), Tuple.of(2, randomQuery()));
  }

  private static Arbitrary<List<String>> randomQuery() {
    Arbitrary<String> eio =
        Arbitraries.of(
            "EIO=4", "EIO=4", "EIO=3", "EIO=5", "EIO=", "EIO=abc", "EIO=%34", "EIO=4&EIO=3");
    Arbitrary<String> transport =
        Arbitraries.of(
            "transport=polling",
            "transport=polling",
            "transport=websocket",
            "transport=webtransport",
            "transport=",
            "transport=POLLING",
            "transport=pol%0Aling",
            "transport=%70olling",
            "transport=flashsocket");
    Arbitrary<String> sid =
        Arbitraries.oneOf(
            Arbitraries.just("sid=@LIVE@"),
            Arbitraries.just("sid=@LIVE@"),
            Arbitraries.just("sid=@LIVE@"),
            Arbitraries.just("sid="),
            Arbitraries.just("sid=%00"),
            Arbitraries.just("sid=" + "A".repeat(300)),
            junk().map(j -> "sid=" + j));
    Arbitrary<String> other =
        Arbitraries.oneOf(
            Arbitraries.of(
                "b64=1", "b64=0", "b64=", "j=0", "j=abc12", "j=", "t=NqZ", "t=", "&", "=", "%",
                "%zz", "+", "&&x"),
            Combinators.combine(junk(), junk()).as((k, v) -> k + "=" + v),
            junk());
    return Combinators.combine(
            eio.injectNull(0.1),
            transport.injectNull(0.1),
            sid.injectNull(0.4),
            other.list().ofMaxSize(3))
        .as(
            (e, t, s, o) -> {
              List<String> parts = new ArrayList<>();
              if (e != null) {
                parts.add(e);
              }
              if (t != null) {
                parts.add(t);
              }
              if (s != null) {
                parts.add(s);
              }
              parts.addAll(o);
              return parts;
            });
  }

  private static Arbitrary<List<String>> headers() {
    Arbitrary<String> h =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Origin: https://app.example.com",
                "Origin: null",
                "Origin: http://a\nb",
                "Origin: \u00ff\u0100",
                "Content-Type: text/plain;charset=UTF-8",
                "Content-Type: text/plain;charset=UTF-8",
                "Content-Type: application/octet-stream",
                "Content-Type: application/x-www-form-urlencoded",
                "Content-Type: ;;;",
                "Content-Length: 99999999",
                "Content-Length: -1",
                "Content-Length: abc",
                "Content-Length: 3",
                "Accept-Encoding: gzip",
                "Accept-Encoding: deflate;q=0, br",
                "Accept-Encoding: ,;q=",
                "User-Agent: Mozilla/4.0 (compatible;MSIE 6.0)",
                "Cookie: io=abc",
                "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: x-a, x-b",
                "X-Forwarded-For: 1.2.3.4"),
            Combinators.combine(junk(), junk()).as((n, v) -> (n.isEmpty() ? "X" : n) + ": " + v));
    return h.list().ofMaxSize(4);
  }

  private static Arbitrary<String> body() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "",
            "4hello",
            "4a\u001e4b",
            "1",
            "2",
            "3",
            "2probe",
            "5",
            "6",
            "4ok\u001ex9",
            "bAQID",
            "6:4hello",
            "1:1",
            "2:4a3:4bc",
            "0:",
            "5:4€ 😀",
            "d=4%3A4a%5Cnb",
            "d=1",
            "d=",
            "\u00ff\u00fe"),
        junk());
  }

  private static Arbitrary<List<String>> frames() {
    return Arbitraries.oneOf(
            Arbitraries.of(
                "2probe", "5", "4hi", "1", "2", "3", "3probe", "6", "", "b4AQID", "bAQID", "@BIN",
                "@BIN0", "@CLOSE", "@ERROR", "@STALL", "@DRAIN"),
            junk())
        .list()
        .ofMaxSize(5);
  }

  // ------------------------------------------------------------------ the property

  @Property(tries = TRIES)
  void everyRequestIsAnsweredOnceAndNothingIsLeftBehind(
      @ForAll("configs") Config config, @ForAll("scripts") List<Step> script) {
    int errorsBefore = LogCounter.errors().size();
    EngineHarness h = EngineHarness.create(options(config));
    h.events()
        .onOpen(
            s -> {
              sessionsOpened.incrementAndGet();
              s.onMessage(s::send);
            });
    List<FakeHttpExchange> exchanges = new ArrayList<>();
    List<FakeHttpExchange> deferred = new ArrayList<>();
    List<FakeWsUpgrade> handshakes = new ArrayList<>();
    List<String> sids = new ArrayList<>();
    scripts.incrementAndGet();
    // two sessions to start from (when the options allow them), so that sids of live sessions come
    // up
    FakeHttpExchange first = h.get("EIO=4&transport=polling");
    exchanges.add(first);
    learnSid(first, sids);
    FakeWsUpgrade second = h.upgrade("EIO=3&transport=websocket");
    handshakes.add(second);
    if (second.accepted()) {
      sids.add(sidOf(second.connection().frames().get(0).text()));
    }

    for (Step st : script) {
      switch (st.kind()) {
        case 0 -> {
          FakeHttpExchange.Builder b =
              FakeHttpExchange.builder(
                      st.method(), st.path() + "?" + resolve(st.query(), sids, st.pick()))
                  .lane(h.clock());
          for (String header : st.headers()) {
            int colon = header.indexOf(':');
            b.header(header.substring(0, colon), header.substring(colon + 1).trim());
          }
          b.body(st.body().getBytes(StandardCharsets.UTF_8));
          boolean defer = st.pick() % 7 == 0;
          if (defer) {
            b.deferBody();
          }
          FakeHttpExchange ex = h.send(b.build());
          exchanges.add(ex);
          if (defer && ex.bodyRequested() && ex.bodyOutcome() == null) {
            deferred.add(ex);
          }
          httpRequests.incrementAndGet();
          learnSid(ex, sids);
        }
        case 1 -> {
          FakeWsUpgrade.Builder b =
              FakeWsUpgrade.builder(st.path() + "?" + resolve(st.query(), sids, st.pick()))
                  .lane(h.clock());
          for (String header : st.headers()) {
            int colon = header.indexOf(':');
            b.header(header.substring(0, colon), header.substring(colon + 1).trim());
          }
          FakeWsUpgrade up = h.send(b.build());
          handshakes.add(up);
          upgrades.incrementAndGet();
          if (up.accepted()) {
            FakeWsConnection c = up.connection();
            if (!c.frames().isEmpty()
                && !c.frames().get(0).binary()
                && c.frames().get(0).text().startsWith("0{")) {
              sids.add(sidOf(c.frames().get(0).text()));
            }
            play(c, st.frames(), st.pick());
          }
        }
        case 2 -> {
          List<FakeWsUpgrade> open =
              handshakes.stream()
                  .filter(u -> u.accepted() && !u.connection().clientDone())
                  .toList();
          if (!open.isEmpty()) {
            play(open.get(st.pick() % open.size()).connection(), st.frames(), st.pick());
          }
        }
        case 3 -> {
          clockJumps.incrementAndGet();
          h.clock()
              .advanceMillis(
                  new long[] {0, 1, 99, 100, 1_000, 10_000, 25_000, 45_001}[st.pick() % 8]);
        }
        case 4 -> {
          List<? extends EngineIoSocket> live = new ArrayList<>(h.server().sockets());
          if (!live.isEmpty()) {
            EngineIoSocket s = live.get(st.pick() % live.size());
            switch (st.pick() % 4) {
              case 0 -> s.close();
              case 1 -> s.send(new byte[] {1, 2, 3});
              default -> s.send(st.body());
            }
            h.clock().runPending();
          }
        }
        default -> {
          List<FakeHttpExchange> pending =
              exchanges.stream().filter(e -> !e.responded() && !e.isClientGone()).toList();
          if (!pending.isEmpty()) {
            FakeHttpExchange e = pending.get(st.pick() % pending.size());
            e.clientGone();
            deferred.remove(e);
          } else if (!deferred.isEmpty()) {
            deferred.remove(0).completeBody();
          }
        }
      }
      for (FakeHttpExchange ex : exchanges) {
        assertThat(ex.respondCalls()).as("answers to %s", ex).isLessThanOrEqualTo(1);
      }
      for (FakeWsUpgrade up : handshakes) {
        assertThat(up.decisions()).as("decisions on %s", up).isEqualTo(1);
      }
    }

    // the end: bodies still streaming arrive, the server closes, the clock runs out
    for (FakeHttpExchange ex : deferred) {
      if (!ex.isClientGone() && ex.bodyOutcome() == null) {
        ex.completeBody();
      }
    }
    h.server().close();
    h.clock().advanceMillis(120_000);

    for (var e : h.connectionErrors()) {
      synchronized (errorKinds) {
        errorKinds
            .computeIfAbsent(
                e.error().code() + ":" + e.context().getOrDefault("name", ""),
                k -> new AtomicLong())
            .incrementAndGet();
      }
    }
    assertThat(h.server().socketCount()).as("sessions left").isZero();
    assertThat(h.clock().pendingTimers()).as("timers left").isZero();
    for (FakeHttpExchange ex : exchanges) {
      if (!ex.aborted() && !ex.isClientGone()) {
        assertThat(ex.respondCalls()).as("answers to %s", ex).isEqualTo(1);
        int status = ex.status();
        synchronized (statuses) {
          statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
        }
        if (status >= 400 && ex.bodyString().startsWith("{")) {
          assertThat(ex.bodyString())
              .as("error body of %s", ex)
              .matches("\\{\"code\":[0-5],\"message\":\"[^\"]*\"\\}");
        }
      }
      assertThat(ex.respondCalls()).isLessThanOrEqualTo(1);
      if (ex.responded()) {
        assertThat(ex.pendingGoneCallbacks()).as("gone callbacks of %s", ex).isZero();
      }
    }
    for (FakeWsUpgrade up : handshakes) {
      assertThat(up.decisions()).isEqualTo(1);
      if (up.accepted()) {
        FakeWsConnection c = up.connection();
        assertThat(c.closed() || c.clientDone()).as("WebSocket %s ended", c).isTrue();
      }
    }
    assertThat(LogCounter.errors().subList(errorsBefore, LogCounter.errors().size()))
        .as("engine errors")
        .isEmpty();
  }

  private static Consumer<EngineIoServer.Builder> options(Config c) {
    return b -> {
      b.pingInterval(Duration.ofMillis(20_000))
          .pingTimeout(Duration.ofMillis(5_000))
          .upgradeTimeout(Duration.ofMillis(3_000));
      b.closeTimeout(Duration.ofMillis(10_000));
      b.allowEIO3(c.eio3()).maxSessions(c.maxSessions()).maxBufferedBytes(c.budget());
      b.overflowPolicy(c.close() ? OverflowPolicy.CLOSE : OverflowPolicy.REJECT);
      if (c.cors()) {
        b.cors(
            CorsOptions.builder()
                .allowOrigins("https://app.example.com")
                .credentials(true)
                .build());
      }
      switch (c.transports()) {
        case 1 -> b.transports(TransportType.POLLING);
        case 2 -> b.transports(TransportType.WEBSOCKET);
        default -> b.transports(TransportType.POLLING, TransportType.WEBSOCKET);
      }
    };
  }

  /** Replaces {@code @LIVE@} with a sid seen earlier (live or not), or a made-up one. */
  private static String resolve(List<String> query, List<String> sids, int pick) {
    String sid = sids.isEmpty() ? "nobodyHere000000000" : sids.get(pick % sids.size());
    return String.join("&", query).replace("@LIVE@", sid);
  }

  private static void learnSid(FakeHttpExchange ex, List<String> sids) {
    if (!ex.responded() || ex.status() != 200) {
      return;
    }
    String body = ex.bodyString();
    int at = body.indexOf("{\"sid\":\"");
    if (at >= 0) {
      int end = body.indexOf('"', at + 8);
      if (end > at) {
        sids.add(body.substring(at + 8, end));
      }
    }
  }

  private static String sidOf(String open) {
    int at = open.indexOf("\"sid\":\"") + 7;
    return open.substring(at, open.indexOf('"', at));
  }

  private static void play(FakeWsConnection c, List<String> frames, int pick) {
    for (String f : frames) {
      if (c.clientDone()) {
        return;
      }
      wsFrames.incrementAndGet();
      switch (f) {
        case "@BIN" -> c.clientBinary(new byte[] {4, 1, 2, 3});
        case "@BIN0" -> c.clientBinary(new byte[0]);
        case "@CLOSE" -> c.clientClose();
        case "@ERROR" -> c.clientError("boom");
        case "@STALL" -> c.setWritable(false);
        case "@DRAIN" -> c.setWritable(true);
        default -> c.clientText(f);
      }
    }
    if (pick % 5 == 0 && !c.clientDone()) {
      c.setWritable(true);
    }
  }

  @AfterContainer
  static void figures() {
    System.out.println(
        "FIGURES: RoutingFuzzTest scripts="
            + scripts
            + " httpRequests="
            + httpRequests
            + " wsHandshakes="
            + upgrades
            + " wsFrames="
            + wsFrames
            + " sessionsOpened="
            + sessionsOpened
            + " clockJumps="
            + clockJumps
            + " statuses="
            + statuses
            + " refusals="
            + errorKinds
            + " engineErrors=0 elapsedMs="
            + (System.nanoTime() - started) / 1_000_000);
  }
}

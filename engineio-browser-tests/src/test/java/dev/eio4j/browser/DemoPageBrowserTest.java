package dev.eio4j.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.CookieOptions;
import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.Message;
import dev.eio4j.browser.Chromium.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The demo page, served by our server, in headless Chromium (Debian's {@code /usr/bin/chromium} driven
 * by playwright-core), with the official engine.io-client browser bundles 6.x (protocol v4) and 3.x
 * (protocol v3). Each test starts its own server on 127.0.0.1 and a fresh browser context.
 *
 * <p>Fails when Chromium is missing; skipped only with {@code EIO4J_SKIP_BROWSER=1}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisabledIfEnvironmentVariable(
    named = Chromium.SKIP_VARIABLE,
    matches = "1",
    disabledReason = "EIO4J_SKIP_BROWSER=1")
class DemoPageBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static Chromium chromium;
  private static Path outputDir;

  /** The two browser bundles the page offers. */
  enum Client {
    V6("v6", "6.6.8", 4),
    V3("v3", "3.5.6", 3);

    final String value;
    final String version;
    final int protocol;

    Client(String value, String version, int protocol) {
      this.value = value;
      this.version = version;
      this.protocol = protocol;
    }
  }

  @BeforeAll
  static void launch() throws Exception {
    Path nodeDir = Path.of(System.getProperty("eio4j.browser.nodeDir", "node"));
    outputDir = Path.of(System.getProperty("eio4j.browser.outputDir", "target"));
    chromium = Chromium.launch(nodeDir, outputDir);
  }

  @AfterAll
  static void quit() {
    if (chromium != null) {
      chromium.close();
    }
  }

  // ---- polling, upgrade, binary: both bundles

  @ParameterizedTest(name = "{0}")
  @EnumSource(Client.class)
  void pollingEcho(Client client) throws Exception {
    try (EchoServer server = EchoServer.start(EngineIoOptions.defaults());
        Page page = openDemo(server.origin() + "/")) {
      assertThat(page.text("#versions")).contains("6.6.8").contains("3.5.6");
      configure(page, client, "polling", false);
      page.click("#connect");
      Map<String, Object> s = waitOpen(page);
      assertThat(s.get("transport")).isEqualTo("polling");
      assertThat(page.text("#transport")).isEqualTo("polling");
      assertThat(page.text("#client-info"))
          .contains(client.version)
          .contains("protocol v" + client.protocol);
      for (String text : List.of("hello", "你好,世界! 👋 ñ", "", "x".repeat(10_000) + "€")) {
        Map<String, Object> echo = echoText(page, text);
        assertThat(echo.get("type")).isEqualTo("string");
        assertThat(echo.get("data")).isEqualTo(text);
        assertThat(server.nextReceived().text()).isEqualTo(text);
      }
      // the page's own controls
      page.fill("#text", "from the Send text button");
      page.click("#send-text");
      page.waitFor(
          "() => [...document.querySelectorAll('#log li[data-kind=in]')].some((li) => li.textContent.includes('from the Send text button'))",
          WAIT);
      assertThat(page.text("#rtt")).matches("\\d+\\.\\d ms");
      assertThat(page.text("#counts")).isEqualTo("5 sent · 5 received");
      s = state(page);
      assertThat(s.get("transport")).isEqualTo("polling");
      assertThat(s.get("upgrades")).isEqualTo(0L);
      assertThat(server.onlySocketTransport()).isEqualTo("polling");
      assertThat(page.network()).noneMatch(e -> "websocket".equals(e.get("kind")));
      assertNoPageErrors(page);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Client.class)
  void upgradeToWebSocket(Client client) throws Exception {
    try (EchoServer server = EchoServer.start(EngineIoOptions.defaults());
        Page page = openDemo(server.origin() + "/")) {
      configure(page, client, "both", true);
      page.click("#connect");
      @SuppressWarnings("unchecked")
      Map<String, Object> s =
          (Map<String, Object>)
              page.waitFor(
                  "() => { const s = window.demo.state(); return s.transport === 'websocket' && s; }",
                  WAIT);
      assertThat(s.get("state")).isEqualTo("open");
      assertThat(s.get("opens")).isEqualTo(1L);
      assertThat(s.get("upgrades")).isEqualTo(1L);
      assertThat(page.text("#transport")).isEqualTo("websocket");
      String sid = (String) s.get("sid");
      assertThat(logLines(page))
          .anyMatch(l -> l.contains("open") && l.contains("session " + sid + " over polling"));
      assertThat(logLines(page)).anyMatch(l -> l.contains("upgraded polling → websocket"));
      assertThat(server.onlySocketTransport()).isEqualTo("websocket");
      assertThat(page.network())
          .anyMatch(
              e ->
                  "websocket".equals(e.get("kind"))
                      && ((String) e.get("url")).contains("transport=websocket")
                      && ((String) e.get("url")).contains("sid=" + sid));

      Map<String, Object> echo = echoText(page, "over the WebSocket ✓");
      assertThat(echo.get("data")).isEqualTo("over the WebSocket ✓");
      assertThat(server.nextReceived().text()).isEqualTo("over the WebSocket ✓");
      page.fill("#text", "Hello from eio4j!");
      page.click("#send-text");
      page.click("#send-binary");
      page.waitFor("() => window.demo.state().received === 3", WAIT);
      assertThat(server.nextReceived().text()).isEqualTo("Hello from eio4j!");
      Message bin = server.nextReceived();
      assertThat(bin.isBinary()).isTrue();
      assertThat(bin.bytes()).hasSize(16);
      assertThat(logLines(page)).anyMatch(l -> l.contains("echo") && l.contains("binary 16 B"));
      assertThat(page.text("#transport")).isEqualTo("websocket");

      Path shot =
          outputDir.resolve(client == Client.V6 ? "demo-upgrade.png" : "demo-upgrade-v3.png");
      page.screenshot(shot);
      assertThat(Files.size(shot)).isGreaterThan(10_000);
      assertNoPageErrors(page);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Client.class)
  void binaryArrayBufferRoundTrips(Client client) throws Exception {
    try (EchoServer server = EchoServer.start(EngineIoOptions.defaults());
        Page page = openDemo(server.origin() + "/")) {
      for (String transport : List.of("polling", "websocket")) {
        configure(page, client, transport, false);
        page.click("#connect");
        assertThat(waitOpen(page).get("transport")).isEqualTo(transport);
        int seed = 1;
        for (int size : new int[] {1, 2, 255, 256, 4096, 65_536, 300_000}) {
          seed += 7;
          Map<String, Object> r = echoBinary(page, size, seed);
          assertThat(r.get("type"))
              .as("%s %s %d bytes: type", client, transport, size)
              .isEqualTo("[object ArrayBuffer]");
          assertThat(r.get("length"))
              .as("%s %s %d bytes: length", client, transport, size)
              .isEqualTo((long) size);
          assertThat(r.get("firstDiff"))
              .as("%s %s %d bytes: first differing byte", client, transport, size)
              .isEqualTo(-1L);
          Message m = server.nextReceived();
          assertThat(m.isBinary()).isTrue();
          assertThat(m.bytes())
              .as("%s %s %d bytes as the server got them", client, transport, size)
              .isEqualTo(pattern(size, seed));
        }
        assertThat(state(page).get("transport")).isEqualTo(transport);
        page.click("#disconnect");
        page.waitFor("() => window.demo.state().state === 'closed'", WAIT);
      }
      assertNoPageErrors(page);
    }
  }

  // ---- reconnection

  @ParameterizedTest(name = "{0}")
  @EnumSource(Client.class)
  void reconnectsAfterServerRestart(Client client) throws Exception {
    try (EchoServer server = EchoServer.start(EngineIoOptions.defaults());
        Page page = openDemo(server.origin() + "/")) {
      configure(page, client, "both", true);
      page.click("#connect");
      page.waitFor("() => window.demo.state().transport === 'websocket'", WAIT);
      String before = (String) state(page).get("sid");
      assertThat(echoText(page, "before the restart").get("data")).isEqualTo("before the restart");

      server.restart(Duration.ofMillis(500)); // a new server, same port, no sessions

      @SuppressWarnings("unchecked")
      Map<String, Object> s =
          (Map<String, Object>)
              page.waitFor(
                  "(old) => { const s = window.demo.state(); return s.state === 'open' && s.sid && s.sid !== old && s; }",
                  before,
                  Duration.ofSeconds(20));
      assertThat(s.get("opens")).isEqualTo(2L);
      assertThat(server.engine().socket((String) s.get("sid"))).isPresent();
      assertThat(echoText(page, "after the restart").get("data")).isEqualTo("after the restart");
      assertThat(logLines(page)).anyMatch(l -> l.contains("reconnecting in"));
      assertThat(page.text("#state")).isEqualTo("open");
    }
  }

  // ---- cross-origin

  @ParameterizedTest(name = "{0}")
  @EnumSource(Client.class)
  void crossOriginWithCors(Client client) throws Exception {
    try (OtherOrigin site = OtherOrigin.start();
        EchoServer server =
            EchoServer.start(
                // engine.io-client 3.x sends its XHRs withCredentials by default, which CORS allows
                // only
                // with Access-Control-Allow-Credentials; 6.x does not send credentials
                EngineIoOptions.builder()
                    .cors(
                        CorsOptions.builder()
                            .allowOrigins(site.origin())
                            .credentials(client == Client.V3)
                            .build())
                    .build());
        Page page = openDemo(crossOriginUrl(site, server, client))) {
      assertThat(page.eval("() => location.origin"))
          .isEqualTo(site.origin())
          .isNotEqualTo(server.origin());
      page.click("#connect");
      assertThat(waitOpen(page).get("transport")).isEqualTo("polling");
      assertThat(echoText(page, "across origins").get("data")).isEqualTo("across origins");
      Map<String, Object> bin = echoBinary(page, 1000, 3);
      assertThat(bin.get("firstDiff")).isEqualTo(-1L);
      assertThat(bin.get("length")).isEqualTo(1000L);
      List<Map<String, Object>> engineResponses =
          page.network().stream()
              .filter(
                  e ->
                      "response".equals(e.get("kind"))
                          && ((String) e.get("url")).startsWith(server.origin() + "/engine.io/"))
              .toList();
      assertThat(engineResponses).isNotEmpty();
      assertThat(engineResponses)
          .allSatisfy(
              e ->
                  assertThat(headers(e).get("access-control-allow-origin"))
                      .isEqualTo(site.origin()));
      assertNoPageErrors(page);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Client.class)
  void crossOriginRefusedWithoutCors(Client client) throws Exception {
    try (OtherOrigin site = OtherOrigin.start();
        EchoServer server = EchoServer.start(EngineIoOptions.defaults());
        Page page = openDemo(crossOriginUrl(site, server, client))) {
      page.click("#connect");
      page.waitFor("() => window.demo.state().state === 'closed'", WAIT);
      Map<String, Object> s = state(page);
      assertThat(s.get("opens")).isEqualTo(0L);
      assertThat(s.get("sid")).isNull();
      assertThat(errors(s)).anyMatch(e -> e.contains("xhr poll error"));
      assertThat(page.network())
          .anyMatch(
              e ->
                  "requestfailed".equals(e.get("kind"))
                      && ((String) e.get("url")).startsWith(server.origin() + "/engine.io/"));
      assertThat(page.network())
          .noneMatch(
              e ->
                  "response".equals(e.get("kind"))
                      && headers(e).containsKey("access-control-allow-origin"));
    }
  }

  // ---- the cookie option

  @Test
  void cookieOption() throws Exception {
    try (EchoServer server =
            EchoServer.start(EngineIoOptions.builder().cookie(CookieOptions.defaults()).build());
        Page page = openDemo(server.origin() + "/?transports=polling")) {
      page.click("#connect");
      String sid = (String) waitOpen(page).get("sid");
      assertThat(echoText(page, "with a cookie").get("data")).isEqualTo("with a cookie");
      List<Map<String, Object>> network = page.network();

      Map<String, Object> handshake =
          network.stream()
              .filter(
                  e ->
                      "response".equals(e.get("kind"))
                          && ((String) e.get("url")).contains("/engine.io/?")
                          && !((String) e.get("url")).contains("sid="))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no handshake response in " + network));
      assertThat((String) headers(handshake).get("set-cookie"))
          .contains("io=" + sid)
          .contains("Path=/")
          .contains("HttpOnly")
          .contains("SameSite=Lax");
      assertThat(network)
          .as("the browser sends the cookie back on the session's next requests")
          .anyMatch(
              e ->
                  "request".equals(e.get("kind"))
                      && ((String) e.get("url")).contains("sid=" + sid)
                      && String.valueOf(headers(e).get("cookie")).contains("io=" + sid));
      assertThat(page.cookies())
          .anyMatch(
              c ->
                  "io".equals(c.get("name"))
                      && sid.equals(c.get("value"))
                      && Boolean.TRUE.equals(c.get("httpOnly"))
                      && "/".equals(c.get("path")));
      assertThat((String) page.eval("() => document.cookie"))
          .as("HttpOnly: hidden from scripts")
          .doesNotContain("io=");
      assertNoPageErrors(page);
    }
  }

  // ---- helpers

  private static Page openDemo(String url) {
    Page page = chromium.newPage();
    try {
      assertThat(page.open(url)).isEqualTo(200);
      page.waitFor("() => window.demo !== undefined", WAIT);
      return page;
    } catch (RuntimeException | Error e) {
      page.close();
      throw e;
    }
  }

  private static String crossOriginUrl(OtherOrigin site, EchoServer server, Client client) {
    return site.origin()
        + "/?url="
        + URLEncoder.encode(server.origin(), StandardCharsets.UTF_8)
        + "&client="
        + client.value
        + "&transports=polling&reconnect=0";
  }

  private static void configure(Page page, Client client, String transports, boolean upgrade) {
    page.select("#client", client.value);
    page.select("#transports", transports);
    if (transports.equals("both")) {
      page.check("#upgrade", upgrade);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> state(Page page) {
    return (Map<String, Object>) page.eval("() => window.demo.state()");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> waitOpen(Page page) {
    return (Map<String, Object>)
        page.waitFor(
            "() => { const s = window.demo.state(); return s.state === 'open' && s; }", WAIT);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> echoText(Page page, String text) {
    return (Map<String, Object>)
        page.eval(
            "async (text) => { const r = await window.demo.echo(text); return { data: r.data, type: typeof r.data, rtt: r.rtt }; }",
            text);
  }

  /** Sends {@link #pattern} bytes as an ArrayBuffer and compares the echo in the page. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> echoBinary(Page page, int size, int seed) {
    return (Map<String, Object>)
        page.eval(
            """
            async ({ size, seed }) => {
              const sent = new Uint8Array(size);
              for (let i = 0; i < size; i++) sent[i] = (i * 31 + seed) & 255;
              const r = await window.demo.echo(sent.buffer);
              const type = Object.prototype.toString.call(r.data);
              const got = new Uint8Array(r.data instanceof ArrayBuffer ? r.data : await new Blob([r.data]).arrayBuffer());
              let firstDiff = got.length === size ? -1 : Math.min(got.length, size);
              for (let i = 0; firstDiff === -1 && i < size; i++) if (got[i] !== sent[i]) firstDiff = i;
              return { type, length: got.length, firstDiff, rtt: r.rtt };
            }""",
            Map.of("size", size, "seed", seed));
  }

  /** The bytes {@link #echoBinary} sends: every byte value once per 256 (31 is odd). */
  private static byte[] pattern(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) ((i * 31 + seed) & 255);
    }
    return b;
  }

  @SuppressWarnings("unchecked")
  private static List<String> logLines(Page page) {
    return (List<String>) page.eval("() => window.demo.log()");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> headers(Map<String, Object> networkEvent) {
    return (Map<String, Object>) networkEvent.getOrDefault("headers", Map.of());
  }

  @SuppressWarnings("unchecked")
  private static List<String> errors(Map<String, Object> state) {
    return (List<String>) state.get("errors");
  }

  /** No script error and no Content-Security-Policy violation on the page. */
  private static void assertNoPageErrors(Page page) {
    assertThat(page.console())
        .noneMatch(m -> m.startsWith("pageerror:") || m.contains("Content Security Policy"));
  }
}

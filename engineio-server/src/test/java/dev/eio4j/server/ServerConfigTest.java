package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void noFlagsGiveTheLibraryDefaultsOnPort3000() {
    ServerConfig c = ServerConfig.parse(new String[0]);
    assertThat(c.port()).isEqualTo(3000);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.options().toString()).isEqualTo(EngineIoOptions.defaults().toString());
  }

  @Test
  void everyFlagReachesItsOption() {
    ServerConfig c =
        ServerConfig.parse(
            new String[] {
              "--host",
              "127.0.0.1",
              "--port=3005",
              "--path",
              "/rt",
              "--ping-interval",
              "300",
              "--ping-timeout=200",
              "--upgrade-timeout",
              "5000",
              "--max-http-buffer-size",
              "100",
              "--transports",
              "websocket",
              "--no-allow-eio3",
              "--cors-origin",
              "http://a.test",
              "--cors-credentials",
              "--cookie",
              "sid",
              "--initial-packet",
              "hi",
              "--no-http-compression",
              "--per-message-deflate",
              "--no-upgrades"
            });
    EngineIoOptions o = c.options();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(3005);
    assertThat(o.pathPrefix()).isEqualTo("/rt/");
    assertThat(o.pingInterval().toMillis()).isEqualTo(300);
    assertThat(o.pingTimeout().toMillis()).isEqualTo(200);
    assertThat(o.upgradeTimeout().toMillis()).isEqualTo(5000);
    assertThat(o.maxHttpBufferSize()).isEqualTo(100);
    assertThat(o.transports()).containsExactly(TransportType.WEBSOCKET);
    assertThat(o.allowEIO3()).isFalse();
    assertThat(o.allowUpgrades()).isFalse();
    assertThat(o.cors()).isNotNull();
    assertThat(o.cors().credentials()).isTrue();
    assertThat(o.cookie().name()).isEqualTo("sid");
    assertThat(o.initialPacket()).isEqualTo("hi");
    assertThat(o.httpCompression()).isFalse();
    assertThat(o.perMessageDeflate()).isTrue();
  }

  @Test
  void nodeIdTagsTheSessionIds() {
    assertThat(ServerConfig.parse(new String[0]).options().nodeId()).isNull();
    assertThat(ServerConfig.parse(new String[] {"--node-id", "n01"}).options().nodeId())
        .isEqualTo("n01");
    assertThat(ServerConfig.parse(new String[] {"--node-id=z9a"}).options().nodeId())
        .isEqualTo("z9a");
    for (String bad : new String[] {"N01", "n1", "n001", "n-1"}) {
      assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--node-id", bad}))
          .hasMessageStartingWith("--node-id must be exactly 3 characters");
    }
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--node-id"}))
        .hasMessageContaining("--node-id needs a value");
  }

  @Test
  void socketioServesAtSocketIoPathWithAConnectTimeout() {
    ServerConfig off = ServerConfig.parse(new String[0]);
    assertThat(off.socketio()).isFalse();
    assertThat(off.options().pathPrefix()).isEqualTo("/engine.io/");
    ServerConfig on = ServerConfig.parse(new String[] {"--socketio"});
    assertThat(on.socketio()).isTrue();
    assertThat(on.options().pathPrefix()).isEqualTo("/socket.io/");
    assertThat(on.connectTimeout()).isEqualTo(java.time.Duration.ofMillis(45_000));
    ServerConfig custom =
        ServerConfig.parse(new String[] {"--path", "/x", "--socketio", "--connect-timeout=1500"});
    assertThat(custom.options().pathPrefix()).isEqualTo("/x/");
    assertThat(custom.connectTimeout()).isEqualTo(java.time.Duration.ofMillis(1500));
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--connect-timeout", "0"}))
        .hasMessageContaining("--connect-timeout must be in 1..");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--socketio=yes"}))
        .hasMessageContaining("--socketio takes no value");
  }

  @Test
  void metricsAreOffUnlessAsked() {
    assertThat(ServerConfig.parse(new String[0]).metrics()).isFalse();
    ServerConfig c = ServerConfig.parse(new String[] {"--port", "1", "--metrics"});
    assertThat(c.metrics()).isTrue();
    assertThat(c.port()).isEqualTo(1);
    assertThat(c.options().observer()).as("Main wires the observer, not the parser").isNull();
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--metrics=yes"}))
        .hasMessageContaining("--metrics takes no value");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.printHelp(new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--metrics", "/metrics", "Prometheus");
  }

  @Test
  void cookieWithoutNameUsesIo() {
    assertThat(ServerConfig.parse(new String[] {"--cookie"}).options().cookie().name())
        .isEqualTo("io");
    assertThat(
            ServerConfig.parse(new String[] {"--cookie", "--port", "1"}).options().cookie().name())
        .isEqualTo("io");
  }

  @Test
  void badInputGetsAClearError() {
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port", "abc"}))
        .hasMessageContaining("--port needs a whole number");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port", "70000"}))
        .hasMessageContaining("0..65535");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--ping-interval"}))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--transports", "smoke"}))
        .hasMessageContaining("unknown transport: smoke");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--frobnicate"}))
        .hasMessageContaining("unknown flag: --frobnicate");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--path", "no-slash"}))
        .hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--cors-credentials"}))
        .hasMessageContaining("needs --cors-origin");
    assertThatThrownBy(
            () -> ServerConfig.parse(new String[] {"--cors-origin", "*", "--cors-credentials"}))
        .hasMessageContaining("credentials");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--no-upgrades=1"}))
        .hasMessageContaining("takes no value");
  }

  /** The {@code Access-Control-Allow-Origin} these options send to a request from {@code origin}. */
  private static String allowedOrigin(CorsOptions cors, String origin) {
    Headers out = new Headers();
    cors.applyActual(
        new EngineRequest(
            "GET",
            "/engine.io/?EIO=4&transport=polling",
            new Headers().add("Origin", origin),
            null,
            false),
        out);
    return out.get("Access-Control-Allow-Origin");
  }

  @Test
  void aCommaSeparatedCorsOriginIsAListOfOrigins() {
    CorsOptions cors =
        ServerConfig.parse(new String[] {"--cors-origin", "https://a.example,https://b.example"})
            .options()
            .cors();
    assertThat(allowedOrigin(cors, "https://a.example")).isEqualTo("https://a.example");
    assertThat(allowedOrigin(cors, "https://b.example")).isEqualTo("https://b.example");
    assertThat(allowedOrigin(cors, "https://c.example")).isNull();
    assertThat(allowedOrigin(cors, "https://a.example,https://b.example")).isNull();

    // with credentials, two origins are reflected one by one (never sent as one fixed, joined
    // value)
    CorsOptions withCredentials =
        ServerConfig.parse(
                new String[] {
                  "--cors-origin=https://a.example, https://b.example", "--cors-credentials"
                })
            .options()
            .cors();
    assertThat(withCredentials.credentials()).isTrue();
    assertThat(allowedOrigin(withCredentials, "https://b.example")).isEqualTo("https://b.example");
    assertThat(allowedOrigin(withCredentials, "https://c.example")).isNull();

    // lists and repeats add up
    CorsOptions repeated =
        ServerConfig.parse(
                new String[] {
                  "--cors-origin",
                  "https://a.example,https://b.example",
                  "--cors-origin",
                  "https://c.example"
                })
            .options()
            .cors();
    assertThat(allowedOrigin(repeated, "https://a.example")).isEqualTo("https://a.example");
    assertThat(allowedOrigin(repeated, "https://c.example")).isEqualTo("https://c.example");
    assertThat(allowedOrigin(repeated, "https://d.example")).isNull();

    assertThatThrownBy(
            () ->
                ServerConfig.parse(
                    new String[] {"--cors-origin", "https://a.example,,https://b.example"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--cors-origin has an empty entry");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--cors-origin", " "}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--cors-origin has an empty entry");
  }

  @Test
  void anyOriginWithCredentialsIsAFlagError() {
    for (String[] args :
        new String[][] {
          {"--cors-origin", "*", "--cors-credentials"},
          {"--cors-credentials", "--cors-origin", "https://a.example,*"},
        }) {
      assertThatThrownBy(() -> ServerConfig.parse(args))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--cors-credentials cannot be combined with --cors-origin '*'");
    }
    assertThat(
            ServerConfig.parse(new String[] {"--cors-origin", "*"}).options().cors().credentials())
        .isFalse();
  }

  @Test
  void limitAndShutdownFlags() {
    ServerConfig d = ServerConfig.parse(new String[0]);
    assertThat(d.shutdownTimeout().toMillis()).isEqualTo(5000);
    assertThat(d.drainWindow().toMillis()).isZero();
    ServerConfig c =
        ServerConfig.parse(
            new String[] {
              "--max-sessions",
              "100",
              "--overflow-policy=close",
              "--shutdown-timeout",
              "2500",
              "--drain-window",
              "30000"
            });
    assertThat(c.options().maxSessions()).isEqualTo(100);
    assertThat(c.options().overflowPolicy()).isEqualTo(dev.eio4j.OverflowPolicy.CLOSE);
    assertThat(c.shutdownTimeout().toMillis()).isEqualTo(2500);
    assertThat(c.drainWindow().toMillis()).isEqualTo(30000);
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--overflow-policy", "drop"}))
        .hasMessageContaining("reject or close");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--max-sessions", "-1"}))
        .hasMessageContaining("--max-sessions must be in 0..");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.printHelp(new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "--max-sessions",
            "--overflow-policy",
            "--drain-window",
            "--shutdown-timeout",
            "[5000]",
            "[0: unlimited]",
            "[reject]");
  }

  @Test
  void helpListsEveryFlagWithItsDefault() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.printHelp(new PrintStream(out, true, StandardCharsets.UTF_8));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String flag :
        new String[] {
          "--host",
          "--port",
          "--path",
          "--ping-interval",
          "--ping-timeout",
          "--upgrade-timeout",
          "--max-http-buffer-size",
          "--transports",
          "--allow-eio3",
          "--no-allow-eio3",
          "--cors-origin",
          "--cookie",
          "--initial-packet",
          "--socketio",
          "--connect-timeout",
          "--help"
        }) {
      assertThat(help).contains(flag);
    }
    assertThat(help)
        .contains(
            "[25000]", "[20000]", "[10000]", "[1000000]", "[3000]", "[/engine.io]", "[45000]");
  }
}

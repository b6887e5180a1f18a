package dev.eio4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.protocol.TransportType;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upgrade with {@code 2probe} and {@code 5} sent back to back on a fresh WebSocket (as the
 * compliance suite's tests 23 and 24 do), many times in a row on every runtime: each one must end in
 * the upgrade. The count is {@code eio4j.upgradeRace.iterations} (500 by default). On Tomcat the
 * WebSocket handshake often reuses the connection whose handshake response the session's lane just
 * wrote; before responses were written on a container thread, Tomcat sometimes served that upgrade
 * inside the response's write event and never read the WebSocket's frames (an upgrade timeout, within
 * 150 iterations in every loaded run).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class UpgradeRaceTest {
  private static final int ITERATIONS = Integer.getInteger("eio4j.upgradeRace.iterations", 500);

  @Parameter Backend backend;

  static TestServer v3;
  static TestServer v4;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    v3 = TestServer.echo(backend, b -> ComplianceWebSocketTest.quiet(b).allowEIO3(true));
    v4 = TestServer.echo(backend, b -> ComplianceWebSocketTest.quiet(b).allowEIO3(false));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (v3 != null) {
      v3.close();
    }
    if (v4 != null) {
      v4.close();
    }
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void probeAndUpgradeSentBackToBackAlwaysUpgrade() throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < ITERATIONS; i++) {
      TestServer server = i % 2 == 0 ? v3 : v4;
      String eio = i % 2 == 0 ? "3" : "4";
      String sid = server.handshake("EIO=" + eio + "&transport=polling");
      JdkWs ws =
          JdkWs.open(server.http, server.wsUri("EIO=" + eio + "&transport=websocket&sid=" + sid));
      ws.sendText("2probe");
      ws.sendText("5");
      TransportType t;
      try {
        t = server.upgraded(sid).get(20, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "iteration "
                + i
                + " (EIO="
                + eio
                + "): no upgrade within 20 s; the client got "
                + (ws.pending() > 0 ? ws.next(Duration.ofMillis(1)) : "nothing")
                + (ws.closed().isDone() ? ", closed " + ws.closed().getNow(null) : ", open")
                + ", session open: "
                + server.isOpen(sid),
            e);
      }
      assertThat(t).isEqualTo(TransportType.WEBSOCKET);
      assertThat(ws.nextText()).isEqualTo("3probe");
      ws.sendText("4hi");
      ComplianceWebSocketTest.awaitText(ws, "4hi");
      ws.close();
      server.awaitClosed(sid, Duration.ofSeconds(20));
    }
    System.out.printf(
        "FIGURES: UpgradeRaceTest %s %d upgrades with 2probe+5 back to back in %d ms%n",
        backend, ITERATIONS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }
}

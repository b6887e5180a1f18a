package dev.eio4j.interop;

import static dev.eio4j.interop.CompliancePollingTest.assertError;
import static dev.eio4j.interop.CompliancePollingTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.eio4j.DisconnectReason;
import dev.eio4j.interop.TestServer.Closed;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks of the official Engine.IO compliance suites that {@link CompliancePollingTest} and {@link
 * ComplianceWebSocketTest} do not make, on real sockets and every runtime.
 *
 * <p>The heartbeat here is a minute long, so a session that ends within these tests' bounds ended for
 * the reason under test and never by ping timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class ComplianceGapsTest {
  /** The runtime of this run. */
  @Parameter Backend backend;

  static TestServer server;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server =
        TestServer.echo(
            backend,
            b ->
                b.allowEIO3(true)
                    .pingInterval(Duration.ofSeconds(60))
                    .pingTimeout(Duration.ofSeconds(60)));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /**
   * v4 suite, "closes the session upon cancelled polling request": the client sends a GET and drops the
   * connection without waiting for the answer. Whether the server has already parked the GET or reads it
   * together with the end of the connection, the GET can never be answered, so the session ends with a
   * transport error and its sid is unknown from then on.
   */
  @ParameterizedTest(name = "EIO={0}")
  @CsvSource({"4", "3"})
  @DisplayName(
      "a polling GET whose connection is dropped closes the session; the sid is then unknown")
  void aCancelledPollClosesTheSession(String eio) throws Exception {
    // Jetty and Tomcat do not tell a suspended (async) request that its client has gone: there the
    // session lives on until the heartbeat ends it (README, "Where a servlet container differs")
    assumeFalse(
        backend.isServlet(), "the servlet runtimes do not see a held GET's connection drop");
    String q = "EIO=" + eio + "&transport=polling";
    String sid = server.handshake(q);
    try (RawHttp dropped = RawHttp.connect(server.port())) {
      dropped.sendRequest("GET", TestServer.target(q + "&sid=" + sid), null);
    } // closed here, unanswered
    Closed closed = server.awaitClosed(sid, Duration.ofSeconds(20));
    assertThat(closed.reason()).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(closed.description()).isEqualTo("poll connection closed prematurely");
    assertError(server.get(q + "&sid=" + sid), 400, 1, "Session ID unknown");
  }

  /**
   * All suites, "forcefully closes the session", when the close POST reaches the server before the GET
   * that the suite sends at the same moment (the suite expects the other order; see docs/conformance.md):
   * with no GET to answer, the close packet ends the session at once, and the GET that comes after it is
   * refused as for any unknown sid.
   */
  @ParameterizedTest(name = "EIO={0}")
  @CsvSource({"4, 1", "3, 1:1"})
  @DisplayName(
      "a close packet posted while no GET is held ends the session at once; a later GET is refused")
  void aClosePacketWithNoHeldGet(String eio, String closePayload) throws Exception {
    String q = "EIO=" + eio + "&transport=polling";
    String sid = server.handshake(q);
    assertOk(server.post(q + "&sid=" + sid, closePayload));
    Closed closed = server.awaitClosed(sid, Duration.ofSeconds(20));
    assertThat(closed.reason()).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(server.isOpen(sid)).isFalse();
    assertError(server.get(q + "&sid=" + sid), 400, 1, "Session ID unknown");
  }
}

package dev.eio4j.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.interop.cluster.Balancer.Recipe;
import dev.eio4j.interop.cluster.ClusterNodes.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The balancer recipes of docs/cluster/ in front of three tagged nodes, with the real engine.io-client
 * 3.x and 6.x over polling, WebSocket and the upgrade: every request that names a session reaches the
 * node that owns it (each node counts requests for its own sids and for others'), handshakes spread over
 * the nodes, and no client sees "Session ID unknown". {@link ClusterNegativeControlTest} shows the same
 * clients fail behind the same nginx without the sid map.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@EnumSource(names = {"NGINX", "HAPROXY_MAP", "HAPROXY_USE_SERVER"})
class ClusterRecipeTest {
  @Parameter Recipe recipe;

  private ClusterNodes nodes;
  private Balancer balancer;

  @BeforeParameterizedClassInvocation
  void start() throws Exception {
    assertThat(NodeClient.NODE_DIR.resolve("node_modules/eio-client-v6"))
        .as("npm ci has run in %s", NodeClient.NODE_DIR)
        .exists();
    // heartbeats every second cross the balancer in every run; a generous timeout for a busy
    // machine
    nodes = new ClusterNodes(Duration.ofSeconds(1), Duration.ofSeconds(10));
    balancer = Balancer.start(recipe, nodes.ports());
  }

  @AfterParameterizedClassInvocation
  void stop() throws Exception {
    if (balancer != null) {
      balancer.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("v3", "polling", "order"),
        Arguments.of("v6", "polling", "order"),
        Arguments.of("v3", "websocket", "echo-text"),
        Arguments.of("v6", "websocket", "echo-text"),
        Arguments.of("v3", "upgrade", "upgrade-burst"),
        Arguments.of("v6", "upgrade", "upgrade-burst"),
        Arguments.of("v3", "upgrade", "many"),
        Arguments.of("v6", "polling", "many"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void everyRequestReachesTheOwnerOfItsSession(String client, String mode, String scenario)
      throws Exception {
    Map<String, Integer> sessionsBefore = new HashMap<>();
    for (Node n : nodes.nodes) {
      sessionsBefore.put(n.tag, n.sessions.get());
    }
    int ownBefore = nodes.sum(n -> n.ownRequests);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url",
                balancer.url(),
                "--client",
                client,
                "--scenario",
                scenario,
                "--timeout-ms",
                "30000"));
    switch (mode) {
      case "polling" -> args.addAll(List.of("--transports", "polling", "--upgrade", "false"));
      case "websocket" ->
          args.addAll(
              List.of(
                  "--transports",
                  "websocket",
                  "--upgrade",
                  "false",
                  "--expect-transport",
                  "websocket"));
      default -> args.addAll(List.of("--transports", "polling,websocket", "--upgrade", "true"));
    }
    switch (scenario) {
      case "order" -> args.addAll(List.of("--count", "300", "--expect-transport", "polling"));
      case "upgrade-burst" ->
          args.addAll(List.of("--count", "100", "--expect-transport", "websocket"));
      case "many" -> args.addAll(List.of("--count", "24"));
      default -> {}
    }
    NodeClient.Result r = NodeClient.run(args);
    assertThat(r.ok())
        .as(
            "client.js %s through %s\nstdout: %s\nstderr: %s\nnodes: %s\nbalancer: %s",
            args, recipe, r.stdout(), r.stderr(), nodes.counters(), balancer.logs())
        .isTrue();

    assertThat(nodes.sum(n -> n.foreignRequests))
        .as("requests that reached a node that does not own their session: %s", nodes.counters())
        .isZero();
    assertThat(nodes.sum(n -> n.unknownSid))
        .as("Session ID unknown answers: %s", nodes.counters())
        .isZero();
    if (!mode.equals("websocket")) {
      // the requests that named a sid were counted by their owners (a direct WebSocket names none)
      assertThat(nodes.sum(n -> n.ownRequests)).isGreaterThan(ownBefore);
    }
    if (scenario.equals("many")) {
      // 24 handshakes go round robin: every node opened some of them
      for (Node n : nodes.nodes) {
        assertThat(n.sessions.get() - sessionsBefore.get(n.tag))
            .as("sessions opened on %s by 24 clients: %s", n.tag, nodes.counters())
            .isPositive();
      }
    }
  }
}

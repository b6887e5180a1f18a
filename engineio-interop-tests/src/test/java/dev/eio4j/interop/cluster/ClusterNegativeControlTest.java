package dev.eio4j.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.interop.cluster.Balancer.Recipe;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The negative control of {@link ClusterRecipeTest}: the same three nodes and the same nginx recipe with
 * its sid map emptied, so every request goes round robin. Polling clients then fail with "Session ID
 * unknown", which shows that the balancer really spreads a session's requests and that the passing
 * runs owe their success to the sid routing. And the recipe docs/cluster.md warns against, {@code hash
 * $arg_sid}, fails the same way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterNegativeControlTest {
  @Test
  void withoutTheSidMapPollingSessionsBreak() throws Exception {
    try (ClusterNodes nodes = new ClusterNodes(Duration.ofSeconds(1), Duration.ofSeconds(10));
        Balancer balancer = Balancer.start(Recipe.NGINX_ROUND_ROBIN, nodes.ports())) {
      NodeClient.Result r =
          NodeClient.run(
              List.of(
                  "--url", balancer.url(),
                  "--client", "v6",
                  "--scenario", "echo-text",
                  "--transports", "polling",
                  "--upgrade", "false",
                  "--timeout-ms", "20000"));
      assertThat(r.ok()).as("client.js should fail: %s", r.stdout()).isFalse();
      assertThat(nodes.sum(n -> n.unknownSid))
          .as(
              "Session ID unknown answers from nodes that do not own the session: %s",
              nodes.counters())
          .isPositive();
      assertThat(r.stdout()).contains("\"ok\":false");
    }
  }

  /**
   * {@code hash $arg_sid}: a handshake has no sid, so it goes round robin, and the node the hash later
   * picks for the sid is most often another one. Of 12 polling clients, some fail.
   */
  @Test
  void hashingTheSidBreaksSessions() throws Exception {
    try (ClusterNodes nodes = new ClusterNodes(Duration.ofSeconds(1), Duration.ofSeconds(10));
        Balancer balancer = Balancer.start(Recipe.NGINX_HASH_SID, nodes.ports())) {
      NodeClient.Result r =
          NodeClient.run(
              List.of(
                  "--url", balancer.url(),
                  "--client", "v6",
                  "--scenario", "many",
                  "--count", "12",
                  "--transports", "polling",
                  "--upgrade", "false",
                  "--timeout-ms", "20000"));
      assertThat(r.ok()).as("client.js should fail: %s", r.stdout()).isFalse();
      assertThat(nodes.sum(n -> n.unknownSid))
          .as("Session ID unknown answers: %s", nodes.counters())
          .isPositive();
    }
  }
}

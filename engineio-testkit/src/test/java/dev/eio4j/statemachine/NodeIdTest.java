package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.FakeHttpExchange;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Cluster mode's routable session ids: the node tag leads every sid (docs/cluster.md). */
class NodeIdTest {

  @Test
  void everySidStartsWithTheTagThen120RandomBits() {
    EngineHarness h = EngineHarness.create(b -> b.nodeId("n07")).echo();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String sid = (i % 2 == 0 ? h.openPolling("EIO=4") : h.openPolling("EIO=3")).sid();
      assertThat(sid).matches("n07[A-Za-z0-9_-]{20}");
      assertThat(Base64.getUrlDecoder().decode(sid.substring(3))).hasSize(15);
      seen.add(sid);
    }
    String ws = h.openWebSocket("EIO=4").sid();
    assertThat(ws).startsWith("n07").hasSize(23);
    assertThat(seen).hasSize(50).doesNotContain(ws);
  }

  @Test
  void aTaggedSessionWorksLikeAnyOther() {
    EngineHarness h = EngineHarness.create(b -> b.nodeId("a1z")).echo();
    PollingClient c = h.openPolling("EIO=4");
    assertThat(c.post("4hello").status()).isEqualTo(200);
    assertThat(c.get().bodyString()).isEqualTo("4hello");
  }

  @Test
  void aSidWithAnotherNodesTagIsUnknownHere() {
    EngineHarness h = EngineHarness.create(b -> b.nodeId("n01"));
    String sid = h.openPolling("EIO=4").sid();
    FakeHttpExchange other = h.get("EIO=4&transport=polling&sid=n02" + sid.substring(3));
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.bodyString()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
  }

  @Test
  void aCustomGeneratorMustKeepTheTag() {
    EngineHarness kept =
        EngineHarness.create(b -> b.nodeId("n01").idGenerator(req -> "n01-" + req.queryParam("n")));
    assertThat(kept.openPolling("EIO=4&n=1").sid()).isEqualTo("n01-1");

    EngineHarness lost =
        EngineHarness.create(b -> b.nodeId("n01").idGenerator(req -> "x" + req.queryParam("n")));
    FakeHttpExchange refused = lost.get("EIO=4&transport=polling&n=1");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.bodyString()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
    assertThat(lost.server().socketCount()).isZero();

    EngineHarness bare = EngineHarness.create(b -> b.nodeId("n01").idGenerator(req -> "n01"));
    assertThat(bare.get("EIO=4&transport=polling").status()).isEqualTo(400);
    assertThat(bare.server().socketCount()).isZero();
  }

  @Test
  void onlyThreeLowercaseLettersOrDigitsMakeATag() {
    for (String bad : new String[] {"", "n1", "n001", "N01", "n-1", "n_1", "né1", "n 1"}) {
      assertThatThrownBy(() -> EngineIoOptions.builder().nodeId(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nodeId");
    }
    assertThat(EngineIoOptions.builder().nodeId("0az").build().nodeId()).isEqualTo("0az");
    assertThat(EngineIoOptions.builder().nodeId("0az").nodeId(null).build().nodeId()).isNull();
    assertThat(EngineIoOptions.builder().nodeId("b2c").build().toBuilder().build().nodeId())
        .isEqualTo("b2c");
  }
}

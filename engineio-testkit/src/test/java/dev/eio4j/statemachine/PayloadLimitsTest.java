package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.SendResult;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.FakeHttpExchange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a client can make the server hold: every queued packet costs a fixed overhead against {@code
 * maxBufferedBytes}, a POST carries at most {@code maxPacketsPerPayload} packets, and a large POST is
 * delivered in slices that let the lane's other tasks run in between.
 */
@ExtendWith(NoUnexpectedEvents.class)
class PayloadLimitsTest {
  private static final int OVERHEAD = EngineIoOptions.PACKET_OVERHEAD_BYTES;

  @Test
  void emptyMessagesCountTheirOverheadAgainstTheBudget() {
    EngineHarness h = EngineHarness.create(b -> b.maxBufferedBytes(10L * OVERHEAD));
    PollingClient c = h.openPolling("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    for (int i = 0; i < 10; i++) {
      assertThat(s.send("")).as("empty message %d", i).isEqualTo(SendResult.QUEUED);
    }
    assertThat(s.send("")).isEqualTo(SendResult.BUFFER_FULL);
    assertThat(s.bufferedAmount()).isEqualTo(10L * OVERHEAD);
    h.clock().runPending();
    assertThat(c.get().bodyString()).isEqualTo(String.join("\u001e", Collections.nCopies(10, "4")));
    assertThat(s.bufferedAmount()).isZero();
  }

  @Test
  void theEchoesOfAPostOfEmptyMessagesStayWithinTheBudget() {
    // the attack: POSTs of "4␞4␞4…" to an echoing socket that never polls
    EngineHarness h = EngineHarness.create(b -> b.maxBufferedBytes(100L * OVERHEAD)).echo();
    PollingClient c = h.openPolling("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    String payload = String.join("\u001e", Collections.nCopies(1_000, "4"));
    for (int i = 0; i < 3; i++) {
      assertThat(c.post(payload).bodyString()).isEqualTo("ok");
    }
    assertThat(c.events().texts()).hasSize(3_000);
    assertThat(s.bufferedAmount()).isEqualTo(100L * OVERHEAD);
    String[] echoed = c.get().bodyString().split("\u001e");
    assertThat(echoed).hasSize(100);
  }

  @ParameterizedTest
  @CsvSource({
    "EIO=4, 4a\u001e4b\u001e4c, 4a\u001e4b\u001e4c\u001e4d",
    "EIO=3, 2:4a2:4b2:4c, 2:4a2:4b2:4c2:4d",
    "EIO=4&j=0, d=4a%1E4b%1E4c, d=4a%1E4b%1E4c%1E4d"
  })
  void aPayloadWithMorePacketsThanTheLimitIsRefusedWhole(
      String eio, String atLimit, String overLimit) {
    EngineHarness h = EngineHarness.create(b -> b.maxPacketsPerPayload(3));
    PollingClient c = h.openPolling(eio);
    String type =
        eio.contains("j=") ? "application/x-www-form-urlencoded" : "text/plain;charset=UTF-8";
    FakeHttpExchange ok = h.send(c.postBuilder().contentType(type).body(atLimit).build());
    assertThat(ok.status()).isEqualTo(200);
    assertThat(c.events().texts()).containsExactly("a", "b", "c");
    FakeHttpExchange held = c.get();
    FakeHttpExchange refused = h.send(c.postBuilder().contentType(type).body(overLimit).build());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).isEmpty();
    assertThat(c.events().texts())
        .as("none of the refused payload was delivered")
        .containsExactly("a", "b", "c");
    c.events().assertClosed(DisconnectReason.TRANSPORT_ERROR);
    assertThat(c.events().closeDescription()).isEqualTo("more than 3 packets in one payload");
    assertThat(held.status()).as("the held GET gets the close packet").isEqualTo(200);
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void theDefaultLimitAllowsTenThousandPackets() {
    EngineHarness h = EngineHarness.create();
    PollingClient c = h.openPolling("EIO=4");
    assertThat(c.post(String.join("\u001e", Collections.nCopies(10_000, "4x"))).status())
        .isEqualTo(200);
    assertThat(c.events().texts()).hasSize(10_000);
    assertThat(c.post(String.join("\u001e", Collections.nCopies(10_001, "4x"))).status())
        .isEqualTo(400);
    assertThat(c.events().texts()).hasSize(10_000);
    c.events().assertClosed(DisconnectReason.TRANSPORT_ERROR);
    assertThat(c.events().closeDescription()).isEqualTo("more than 10000 packets in one payload");
  }

  @Test
  void aLargePayloadIsDeliveredInSlicesThatLetOtherLaneTasksRun() {
    EngineHarness h = EngineHarness.create();
    PollingClient c = h.openPolling("EIO=4");
    List<String> order = new ArrayList<>();
    FakeHttpExchange[] post = new FakeHttpExchange[1];
    boolean[] answeredWhenTheOtherTaskRan = new boolean[1];
    h.server()
        .socket(c.sid())
        .orElseThrow()
        .onMessage(
            m -> {
              order.add(m.text());
              if (order.size() == 1) {
                // another task of the same lane (e.g. another session's request) queued meanwhile
                h.clock()
                    .execute(
                        () -> {
                          order.add("other task");
                          answeredWhenTheOtherTaskRan[0] = post[0].responded();
                        });
              }
            });
    List<String> packets = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      packets.add("4m" + i);
    }
    post[0] = c.postBuilder().body(String.join("\u001e", packets)).build();
    h.send(post[0]);
    assertThat(post[0].bodyString()).isEqualTo("ok");
    assertThat(order).hasSize(1_001);
    assertThat(order.indexOf("other task")).as("it ran right after the first slice").isEqualTo(256);
    assertThat(answeredWhenTheOtherTaskRan[0])
        .as("the POST is answered after its last packet")
        .isFalse();
    assertThat(order.get(1_000)).isEqualTo("m999");
    assertThat(c.events().texts())
        .isEqualTo(order.stream().filter(s -> !s.equals("other task")).toList());
  }

  @Test
  void aSecondPostWhileOneIsStillBeingDeliveredIsAnOverlap() {
    EngineHarness h = EngineHarness.create();
    PollingClient c = h.openPolling("EIO=4");
    List<String> packets = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      packets.add("4m" + i);
    }
    FakeHttpExchange first =
        c.postBuilder().body(String.join("\u001e", packets)).autoRun(false).build();
    h.server().handleRequest(first);
    FakeHttpExchange second = c.postBuilder().body("4late").autoRun(false).build();
    h.clock().execute(() -> h.server().handleRequest(second)); // after the first slice
    h.clock().runPending();
    assertThat(second.status()).isEqualTo(400);
    assertThat(first.aborted()).isTrue();
    assertThat(c.events().texts()).hasSizeLessThan(600).doesNotContain("late");
    c.events().assertClosed(DisconnectReason.TRANSPORT_ERROR);
    assertThat(h.clock().pendingTimers()).isZero();
  }
}

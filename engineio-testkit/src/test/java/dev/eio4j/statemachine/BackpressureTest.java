package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.OverflowPolicy;
import dev.eio4j.ReadyState;
import dev.eio4j.SendResult;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import dev.eio4j.testing.FakeWsConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbound budget under virtual time: {@code bufferedAmount}, {@code isWritable}/{@code onWritable}
 * around the low-water mark, and both overflow policies (REJECT keeps the socket; CLOSE drops it with
 * "send buffer overflow" and close code 1008).
 */
@ExtendWith(NoUnexpectedEvents.class)
class BackpressureTest {
  private static final int BUDGET = 1000;

  private static EngineHarness harness(OverflowPolicy policy) {
    return EngineHarness.create(
        b ->
            b.maxBufferedBytes(BUDGET).overflowPolicy(policy).pingInterval(Duration.ofSeconds(60)));
  }

  private static String chunk(int n) {
    return "x".repeat(n);
  }

  /** A message that costs 100 bytes of the budget: its payload plus the fixed per-packet overhead. */
  private static String costing100() {
    return chunk(100 - EngineIoOptions.PACKET_OVERHEAD_BYTES);
  }

  @Test
  void rejectKeepsTheSocketAndSignalsWhenWritableAgain() {
    EngineHarness h = harness(OverflowPolicy.REJECT);
    AtomicInteger writable = new AtomicInteger();
    h.events().onOpen(s -> s.onWritable(writable::incrementAndGet));
    WsClient c = h.openWebSocket("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    c.conn()
        .setWritable(
            false); // the peer stops reading: the adapter's buffer is above its high-water mark

    List<SendResult> results = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      results.add(s.send(costing100()));
      h.clock().runPending();
      assertThat(s.bufferedAmount()).isLessThanOrEqualTo(BUDGET);
    }
    assertThat(results.subList(0, 10)).containsOnly(SendResult.QUEUED);
    assertThat(results.subList(10, 15)).containsOnly(SendResult.BUFFER_FULL);
    assertThat(s.bufferedAmount()).isEqualTo(1000);
    assertThat(s.isWritable()).isFalse();
    assertThat(s.readyState()).isEqualTo(ReadyState.OPEN);
    assertThat(writable).hasValue(0);

    c.conn().setWritable(true); // the peer read: onWritable → flush
    assertThat(s.bufferedAmount()).isZero();
    assertThat(s.isWritable()).isTrue();
    assertThat(writable).hasValue(1);
    assertThat(c.conn().texts()).filteredOn(t -> t.startsWith("4x")).hasSize(10);
    assertThat(s.send(costing100())).isEqualTo(SendResult.QUEUED);
    h.clock().runPending();
    assertThat(writable).as("no new crossing of the low-water mark").hasValue(1);
    System.out.println(
        "FIGURES: BackpressureTest.reject budget="
            + BUDGET
            + " queued=10 rejected=5 writableSignals=1");
  }

  @Test
  void isWritableFollowsTheLowWaterMark() {
    EngineHarness h = harness(OverflowPolicy.REJECT);
    WsClient c = h.openWebSocket("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    c.conn().setWritable(false);
    assertThat(s.send(chunk(500 - EngineIoOptions.PACKET_OVERHEAD_BYTES)))
        .isEqualTo(SendResult.QUEUED);
    h.clock().runPending();
    assertThat(s.isWritable()).as("500 of 1000: at the low-water mark").isTrue();
    assertThat(s.send(chunk(1))).isEqualTo(SendResult.QUEUED);
    h.clock().runPending();
    assertThat(s.isWritable()).isFalse();
  }

  @Test
  void aMessageLargerThanTheBudgetIsQueuedWhenTheBufferIsEmpty() {
    EngineHarness h = harness(OverflowPolicy.CLOSE);
    WsClient c = h.openWebSocket("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    c.conn().setWritable(false);
    assertThat(s.send(chunk(5000))).isEqualTo(SendResult.QUEUED); // never refuse a lone message
    h.clock().runPending();
    assertThat(s.readyState()).isEqualTo(ReadyState.OPEN);
  }

  @Test
  void closePolicyDropsTheSlowWebSocketConsumer() {
    EngineHarness h = harness(OverflowPolicy.CLOSE);
    WsClient c = h.openWebSocket("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    FakeWsConnection conn = c.conn();
    conn.setWritable(false);
    for (int i = 0; i < 10; i++) {
      assertThat(s.send(costing100())).isEqualTo(SendResult.QUEUED);
    }
    assertThat(s.send(costing100())).isEqualTo(SendResult.BUFFER_FULL);
    assertThat(s.send("after")).as("the socket is closing").isEqualTo(SendResult.CLOSED);
    h.clock().runPending();

    h.events().socket(c.sid()).assertClosed(DisconnectReason.SEND_BUFFER_OVERFLOW);
    assertThat(h.events().socket(c.sid()).closeDescription())
        .isEqualTo("more than 1000 bytes queued");
    assertThat(DisconnectReason.SEND_BUFFER_OVERFLOW.wireName()).isEqualTo("send buffer overflow");
    assertThat(conn.closeCalls()).hasSize(1);
    assertThat(conn.closeCalls().get(0).status()).isEqualTo(1008);
    assertThat(conn.closeCalls().get(0).reason()).isEqualTo("send buffer overflow");
    assertThat(s.bufferedAmount()).isZero();
    assertThat(h.server().socketCount()).isZero();
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void closePolicyDropsAPollingClientThatStopsPolling() {
    EngineHarness h = harness(OverflowPolicy.CLOSE);
    PollingClient c = h.openPolling("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    int queued = 0;
    SendResult r;
    while ((r = s.send(costing100())) == SendResult.QUEUED) {
      queued++;
      h.clock().runPending();
    }
    assertThat(r).isEqualTo(SendResult.BUFFER_FULL);
    assertThat(queued).isEqualTo(10);
    h.clock().runPending();
    h.events().socket(c.sid()).assertClosed(DisconnectReason.SEND_BUFFER_OVERFLOW);
    // the client's next poll learns that the session is gone
    assertThat(c.get().status()).isEqualTo(400);
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void rejectWithPollingHoldsTheBudgetUntilTheNextGet() {
    EngineHarness h = harness(OverflowPolicy.REJECT);
    AtomicInteger writable = new AtomicInteger();
    h.events().onOpen(s -> s.onWritable(writable::incrementAndGet));
    PollingClient c = h.openPolling("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    for (int i = 0; i < 10; i++) {
      assertThat(s.send(costing100())).isEqualTo(SendResult.QUEUED);
    }
    assertThat(s.send(costing100())).isEqualTo(SendResult.BUFFER_FULL);
    h.clock().runPending();
    assertThat(s.isWritable()).isFalse();
    assertThat(c.get().bodyString()).startsWith("4xxx");
    assertThat(s.bufferedAmount()).isZero();
    assertThat(writable).hasValue(1);
    h.events().socket(c.sid()).assertOpen();
  }
}

package dev.eio4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.OverflowPolicy;
import dev.eio4j.protocol.Packet;
import org.junit.jupiter.api.Test;

class SendBufferTest {
  private static SendBuffer buffer(long max) {
    return new SendBuffer(EngineIoOptions.builder().maxBufferedBytes(max).build());
  }

  @Test
  void everyPacketCostsItsPayloadPlusTheOverhead() {
    assertThat(SendBuffer.cost(0)).isEqualTo(EngineIoOptions.PACKET_OVERHEAD_BYTES);
    assertThat(SendBuffer.cost(10)).isEqualTo(10 + EngineIoOptions.PACKET_OVERHEAD_BYTES);
  }

  @Test
  void aReservationPastTheLimitIsRefusedAndHoldsNothing() {
    SendBuffer b = buffer(200);
    assertThat(b.reserve(150)).isTrue();
    assertThat(b.reserve(100)).isFalse();
    assertThat(b.bufferedAmount()).isEqualTo(150);
    b.unreserve(150);
    // alone, a packet larger than the limit is still accepted
    assertThat(b.reserve(500)).isTrue();
    assertThat(b.bufferedAmount()).isEqualTo(500);
  }

  @Test
  void takeReleasesWhatWasQueuedAndReportsTheLowWaterCrossing() {
    SendBuffer b = buffer(200);
    Packet p = Packet.message("x");
    b.reserve(80);
    b.add(p, 80);
    b.reserve(80);
    b.add(p, 80);
    b.reserve(30); // a send whose lane task has not run yet
    assertThat(b.atOrBelowLowWater()).isFalse();
    SendBuffer.Batch taken = b.take();
    assertThat(taken.packets()).containsExactly(p, p);
    assertThat(taken.bytes()).isEqualTo(160);
    assertThat(b.bufferedAmount()).isEqualTo(30);
    assertThat(b.isEmpty()).isTrue();
    assertThat(b.crossedLowWater(taken.bytes())).isTrue();
    assertThat(b.crossedLowWater(0)).isFalse();
  }

  @Test
  void aSecondPongIsNotQueuedPastTheLimit() {
    long overhead = EngineIoOptions.PACKET_OVERHEAD_BYTES;
    SendBuffer b = buffer(overhead);
    assertThat(b.addPong(Packet.PONG)).isTrue();
    assertThat(b.addPong(Packet.PONG)).isFalse();
    assertThat(b.bufferedAmount()).isEqualTo(overhead);
    b.take();
    assertThat(b.addPong(Packet.PONG)).isTrue();
  }

  @Test
  void discardDropsTheQueueButKeepsPendingReservations() {
    SendBuffer b = buffer(1000);
    b.reserve(100);
    b.add(Packet.message("a"), 100);
    b.reserve(40);
    b.discard();
    assertThat(b.isEmpty()).isTrue();
    assertThat(b.bufferedAmount()).isEqualTo(40);
  }

  @Test
  void onlyTheClosePolicyEndsTheSessionOnOverflow() {
    EngineIoOptions close = EngineIoOptions.builder().overflowPolicy(OverflowPolicy.CLOSE).build();
    EngineIoOptions reject =
        EngineIoOptions.builder().overflowPolicy(OverflowPolicy.REJECT).build();
    assertThat(new SendBuffer(close).overflowCloses()).isTrue();
    assertThat(new SendBuffer(reject).overflowCloses()).isFalse();
  }
}

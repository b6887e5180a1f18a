package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.OverflowPolicy;
import dev.eio4j.SendResult;
import dev.eio4j.netty.support.Heap;
import dev.eio4j.testing.RawClient;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slow consumer: a WebSocket client (8 KiB receive buffer) that stops reading while the application
 * sends 64 KiB binary messages (a fresh array each time) as fast as {@code send} allows, offering 32
 * times the budget ({@code maxBufferedBytes} 4 MiB). With REJECT the socket's {@code bufferedAmount}
 * never exceeds the budget, the excess is refused with BUFFER_FULL, and the server's heap after GC grows
 * by less than three budgets (the socket's queue, Netty's outbound buffer up to its high-water mark and
 * one batch in flight); the consumer, reading again, gets every queued message in order. With CLOSE the
 * first overflow closes the socket ("send buffer overflow", 1008) and the memory comes back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowConsumerTest {
  static final long BUDGET = 4L * 1024 * 1024;
  static final int MESSAGE = 64 * 1024;
  static final int OFFERED = (int) (32 * BUDGET / MESSAGE);

  @Test
  void rejectKeepsTheServerBounded() throws Exception {
    EngineIoServer server =
        EngineIoServer.builder()
            .maxBufferedBytes(BUDGET)
            .pingInterval(Duration.ofSeconds(60))
            .build();
    EngineIoNettyServer running =
        EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(2).start();
    try (RawClient c = RawClient.connect("127.0.0.1", running.port(), 8 * 1024)) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      EngineIoSocket s = server.socket(RawClient.sidOf(c.readText())).orElseThrow();
      long before = Heap.usedAfterGc();
      long directBefore = io.netty.util.internal.PlatformDependent.usedDirectMemory();
      long queued = 0;
      long full = 0;
      long maxBuffered = 0;
      for (int i = 0; i < OFFERED; i++) {
        byte[] m = new byte[MESSAGE];
        m[0] = (byte) (queued & 0x7f);
        ThreadLocalRandom.current().nextBytes(m);
        m[0] = (byte) (queued & 0x7f); // the sequence number, checked by the reader
        SendResult r = s.send(m);
        if (r == SendResult.QUEUED) {
          queued++;
        } else {
          assertThat(r).isEqualTo(SendResult.BUFFER_FULL);
          full++;
        }
        maxBuffered = Math.max(maxBuffered, s.bufferedAmount());
        assertThat(s.bufferedAmount()).isLessThanOrEqualTo(BUDGET);
        if (i % 64 == 0) {
          Thread.sleep(5); // let the event loop write what it can
        }
      }
      Thread.sleep(200);
      long during = Heap.usedAfterGc();
      long directDuring = io.netty.util.internal.PlatformDependent.usedDirectMemory();
      long growth = during - before;
      assertThat(full).isPositive();
      assertThat(s.isWritable()).isFalse();
      assertThat(growth).as("heap growth while saturated").isLessThan(3 * BUDGET);

      // the consumer reads again: every queued message arrives, in order, and the socket drains
      c.timeout(Duration.ofSeconds(20));
      for (long n = 0; n < queued; n++) {
        RawClient.Frame f = c.readFrame();
        if (f.opcode() == RawClient.TEXT) {
          n--; // a ping
          continue;
        }
        assertThat(f.payload()).hasSize(MESSAGE);
        assertThat(f.payload()[0]).isEqualTo((byte) (n & 0x7f));
      }
      assertThat(s.bufferedAmount()).isZero();
      assertThat(s.isWritable()).isTrue();
      System.out.println(
          "FIGURES: SlowConsumerTest REJECT budget="
              + Heap.mib(BUDGET)
              + " offered="
              + Heap.mib((long) OFFERED * MESSAGE)
              + " queued="
              + queued
              + " bufferFull="
              + full
              + " maxBufferedAmount="
              + maxBuffered
              + " heapBefore="
              + Heap.mib(before)
              + " heapSaturated="
              + Heap.mib(during)
              + " growth="
              + Heap.mib(growth)
              + " (bound "
              + Heap.mib(3 * BUDGET)
              + ") nettyDirectMemory="
              + Heap.mib(directBefore)
              + "->"
              + Heap.mib(directDuring)
              + " deliveredInOrderAfterResume="
              + queued);
    } finally {
      running.close();
    }
  }

  @Test
  void closeDropsTheSlowConsumerAndFreesItsMemory() throws Exception {
    EngineIoServer server =
        EngineIoServer.builder()
            .maxBufferedBytes(BUDGET)
            .overflowPolicy(OverflowPolicy.CLOSE)
            .pingInterval(Duration.ofSeconds(60))
            .build();
    AtomicReference<String> closed = new AtomicReference<>();
    server.onConnection(
        s ->
            s.onClose((reason, description) -> closed.set(reason.wireName() + ": " + description)));
    EngineIoNettyServer running =
        EngineIoNettyServer.builder(server)
            .host("127.0.0.1")
            .port(0)
            .ioThreads(2)
            .webSocketCloseTimeout(Duration.ofMillis(500))
            .start();
    try (RawClient c = RawClient.connect("127.0.0.1", running.port(), 8 * 1024)) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      EngineIoSocket s = server.socket(RawClient.sidOf(c.readText())).orElseThrow();
      long before = Heap.usedAfterGc();
      long queued = 0;
      SendResult r = SendResult.QUEUED;
      int i = 0;
      for (; i < OFFERED && r == SendResult.QUEUED; i++) {
        r = s.send(new byte[MESSAGE]);
        if (r == SendResult.QUEUED) {
          queued++;
        }
        if (i % 64 == 0) {
          Thread.sleep(5);
        }
      }
      assertThat(r).isEqualTo(SendResult.BUFFER_FULL);
      assertThat(s.send(new byte[1])).isEqualTo(SendResult.CLOSED);
      long end = System.nanoTime() + 5_000_000_000L;
      while ((closed.get() == null || running.connectionCount() > 0) && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(closed.get())
          .isEqualTo(
              DisconnectReason.SEND_BUFFER_OVERFLOW.wireName()
                  + ": more than "
                  + BUDGET
                  + " bytes queued");
      assertThat(running.connectionCount()).as("the TCP connection is closed too").isZero();
      assertThat(server.socketCount()).isZero();
      long after = Heap.usedAfterGc();
      assertThat(after - before).as("memory given back").isLessThan(BUDGET / 2);
      System.out.println(
          "FIGURES: SlowConsumerTest CLOSE budget="
              + Heap.mib(BUDGET)
              + " queuedBeforeOverflow="
              + queued
              + " sendsTried="
              + i
              + " closeReason=\""
              + closed.get()
              + "\" connectionsAfter="
              + running.connectionCount()
              + " heapBefore="
              + Heap.mib(before)
              + " heapAfter="
              + Heap.mib(after));
    } finally {
      running.close();
    }
  }
}

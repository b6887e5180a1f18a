package dev.eio4j.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.spi.WsHandler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The send queue over Jakarta's one-send-at-a-time asynchronous remote: order, no overlapping sends,
 * no recursion when sends complete inside the send call (as Tomcat's often do), the close after the
 * frames queued before it, and the write-buffer water marks.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class JakartaWsConnectionTest {
  /** How the fake remote completes a send. */
  enum Completion {
    INLINE, // inside the send call, on the caller's thread
    LATER, // on another thread
    HELD // when the test releases it
  }

  /** A Jakarta session whose asynchronous remote records frames and completes them as told. */
  static final class FakeSession {
    final List<Object> sent = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();
    final LinkedBlockingQueue<Runnable> held = new LinkedBlockingQueue<>();
    final ExecutorService completer = Executors.newSingleThreadExecutor();
    volatile CloseReason closedWith;
    final Completion completion;
    final Session session;

    FakeSession(Completion completion) {
      this.completion = completion;
      RemoteEndpoint.Async remote =
          (RemoteEndpoint.Async)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {RemoteEndpoint.Async.class},
                  (proxy, method, args) -> {
                    switch (method.getName()) {
                      case "sendText" -> send(args[0], (SendHandler) args[1]);
                      case "sendBinary" -> {
                        ByteBuffer b = (ByteBuffer) args[0];
                        byte[] copy = new byte[b.remaining()];
                        b.get(copy);
                        send(copy, (SendHandler) args[1]);
                      }
                      default -> throw new UnsupportedOperationException(method.getName());
                    }
                    return null;
                  });
      this.session =
          (Session)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {Session.class},
                  (proxy, method, args) ->
                      switch (method.getName()) {
                        case "getAsyncRemote" -> remote;
                        case "setMaxIdleTimeout" -> null;
                        case "isOpen" -> closedWith == null;
                        case "close" -> {
                          closedWith = (CloseReason) args[0];
                          yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "FakeSession";
                        default -> throw new UnsupportedOperationException(method.getName());
                      });
    }

    private void send(Object frame, SendHandler handler) {
      if (outstanding.incrementAndGet() > 1) {
        overlapped.set(true);
      }
      sent.add(frame);
      Runnable complete =
          () -> {
            outstanding.decrementAndGet();
            handler.onResult(new SendResult(session));
          };
      switch (completion) {
        case INLINE -> complete.run();
        case LATER -> completer.execute(complete);
        case HELD -> held.add(complete);
      }
    }

    void releaseHeld() {
      Runnable r;
      while ((r = held.poll()) != null) {
        r.run();
      }
    }
  }

  private final List<FakeSession> fakes = new ArrayList<>();

  private FakeSession fake(Completion completion) {
    FakeSession f = new FakeSession(completion);
    fakes.add(f);
    return f;
  }

  @AfterEach
  void stopCompleters() {
    fakes.forEach(f -> f.completer.shutdownNow());
  }

  private static void awaitSent(FakeSession f, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (f.sent.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(f.sent).hasSize(n);
  }

  @Test
  void sendsThatCompleteInsideTheSendCallDoNotRecurse() throws Exception {
    FakeSession f = fake(Completion.INLINE);
    JakartaWsConnection conn = new JakartaWsConnection(f.session);
    int n = 50_000; // deep enough to overflow the stack if each completion started the next send
    for (int i = 0; i < n; i++) {
      conn.sendText("4m" + i);
    }
    conn.flush();
    assertThat(f.sent).hasSize(n);
    assertThat(f.sent.get(0)).isEqualTo("4m0");
    assertThat(f.sent.get(n - 1)).isEqualTo("4m" + (n - 1));
  }

  @Test
  void sendsThatCompleteLaterKeepCallOrderWithOneSendAtATime() throws Exception {
    FakeSession f = fake(Completion.LATER);
    JakartaWsConnection conn = new JakartaWsConnection(f.session);
    int n = 2_000;
    for (int i = 0; i < n; i++) {
      if (i % 3 == 0) {
        conn.sendBinary(new byte[] {(byte) i});
      } else {
        conn.sendText("4t" + i);
      }
      if (i % 7 == 0) {
        conn.flush();
      }
    }
    conn.flush();
    awaitSent(f, n);
    assertThat(f.overlapped).as("two sends outstanding at once").isFalse();
    for (int i = 0; i < n; i++) {
      Object frame = f.sent.get(i);
      if (i % 3 == 0) {
        assertThat((byte[]) frame).containsExactly((byte) i);
      } else {
        assertThat(frame).isEqualTo("4t" + i);
      }
    }
  }

  @Test
  void aCloseWaitsForTheFramesQueuedBeforeItAndCarriesNoStatus() throws Exception {
    FakeSession f = fake(Completion.HELD);
    JakartaWsConnection conn = new JakartaWsConnection(f.session);
    conn.sendText("4last");
    conn.sendText("4words");
    conn.flush();
    conn.close();
    conn.sendText("4after the close");
    conn.flush();
    assertThat(f.closedWith).as("closed before the frames went out").isNull();
    f.releaseHeld();
    f.releaseHeld();
    assertThat(f.sent).containsExactly("4last", "4words");
    // not Tomcat: the API's 1005, which Jetty sends as a close frame without a status code
    assertThat(f.closedWith.getCloseCode().getCode()).isEqualTo(1005);
    conn.close(1009, "too late"); // a second close does nothing
    assertThat(f.closedWith.getCloseCode().getCode()).isEqualTo(1005);
  }

  @Test
  void aCloseWithAStatusCarriesIt() {
    FakeSession f = fake(Completion.INLINE);
    JakartaWsConnection conn = new JakartaWsConnection(f.session);
    conn.close(1009, "Max payload size exceeded");
    assertThat(f.closedWith.getCloseCode().getCode()).isEqualTo(1009);
    assertThat(f.closedWith.getReasonPhrase()).isEqualTo("Max payload size exceeded");
  }

  @Test
  void writabilityFollowsTheWaterMarks() throws Exception {
    FakeSession f = fake(Completion.HELD);
    JakartaWsConnection conn = new JakartaWsConnection(f.session);
    AtomicInteger writable = new AtomicInteger();
    conn.attach(
        new WsHandler() {
          @Override
          public void onText(String text) {}

          @Override
          public void onBinary(byte[] data) {}

          @Override
          public void onClose() {}

          @Override
          public void onError(String description) {}

          @Override
          public void onWritable() {
            writable.incrementAndGet();
          }
        });
    String chunk = "x".repeat(64 * 1024);
    int frames = (int) (JakartaWsConnection.HIGH_WATER / chunk.length()) + 1;
    for (int i = 0; i < frames; i++) {
      conn.sendText(chunk);
    }
    conn.flush();
    assertThat(conn.isWritable()).isFalse();
    // completing sends one by one: writable again once at most 256 KiB are left
    while (!f.held.isEmpty() || f.sent.size() < frames) {
      Runnable r = f.held.poll(5, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      r.run();
    }
    assertThat(writable.get()).isEqualTo(1);
    assertThat(conn.isWritable()).isTrue();
    assertThat(
            new String(
                ((String) f.sent.get(0)).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .hasSize(chunk.length());
  }
}

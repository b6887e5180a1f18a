package dev.eio4j.servlet.internal;

import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's view of a Jakarta WebSocket session. Jakarta allows one asynchronous send at a time, so
 * frames wait in a queue and go out one after the other, in call order, each started when the previous
 * one completed; nothing blocks. The queue's size in bytes drives {@link #isWritable()} with the Netty
 * runtime's water marks (1 MiB high, 256 KiB low). A close waits behind the frames queued before it.
 */
final class JakartaWsConnection implements WsConnection {
  private static final Logger log = LoggerFactory.getLogger(JakartaWsConnection.class);
  static final long HIGH_WATER = 1024 * 1024;
  static final long LOW_WATER = 256 * 1024;

  /** How long a closing session may wait for the peer's close frame before the container drops it. */
  private static final long CLOSE_IDLE_TIMEOUT_MILLIS = 10_000;

  private final Session session;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();

  /** Held by whoever is sending: the pump loop, or an asynchronous send until its completion. */
  private final AtomicBoolean busy = new AtomicBoolean();

  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicBoolean unwritableSeen = new AtomicBoolean();
  private volatile boolean dead;
  private volatile WsHandler handler;

  /** The close frame to send once everything before it has gone. */
  private record Close(int code, String reason) {
    static final int NO_STATUS = -1;
  }

  JakartaWsConnection(Session session) {
    this.session = session;
  }

  /** The handler told about writability; set once the core has it. */
  void attach(WsHandler h) {
    this.handler = h;
  }

  @Override
  public void sendText(String text) {
    enqueue(text, text.length());
  }

  @Override
  public void sendBinary(byte[] data) {
    enqueue(data, data.length);
  }

  private void enqueue(Object frame, long size) {
    if (closing.get() || dead) {
      return;
    }
    queuedBytes.addAndGet(size);
    queue.add(frame);
  }

  @Override
  public void flush() {
    pump();
  }

  @Override
  public boolean isWritable() {
    boolean writable = !dead && queuedBytes.get() < HIGH_WATER;
    if (!writable) {
      unwritableSeen.set(true);
    }
    return writable;
  }

  @Override
  public void close() {
    startClose(new Close(Close.NO_STATUS, null));
  }

  @Override
  public void close(int statusCode, String reason) {
    startClose(new Close(statusCode, reason));
  }

  private void startClose(Close close) {
    if (closing.compareAndSet(false, true)) {
      queue.add(close);
      pump();
    }
  }

  boolean closeStarted() {
    return closing.get();
  }

  // ------------------------------------------------------------------ the send loop

  private void pump() {
    if (busy.compareAndSet(false, true)) {
      drain();
    }
  }

  /**
   * Sends queued frames while holding {@code busy}. A send that completes on this thread, inside the
   * send call (Tomcat does that when the socket takes the frame at once), lets the loop go on; one that
   * completes later resumes the loop from its completion thread.
   */
  private void drain() {
    while (true) {
      Object frame = queue.poll();
      if (frame == null) {
        busy.set(false);
        // a frame queued after the poll and before the release would wait for the next flush
        // otherwise
        if (queue.isEmpty() || !busy.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      if (dead) {
        queue.clear();
        queuedBytes.set(0);
        continue;
      }
      if (frame instanceof Close c) {
        doClose(c);
        continue;
      }
      Completion done =
          new Completion(frame instanceof String s ? s.length() : ((byte[]) frame).length);
      try {
        if (frame instanceof String s) {
          session.getAsyncRemote().sendText(s, done);
        } else {
          session.getAsyncRemote().sendBinary(ByteBuffer.wrap((byte[]) frame), done);
        }
      } catch (RuntimeException e) {
        done.onResult(new SendResult(session, e));
      }
      if (!done.leaveInline()) {
        return; // completes later, on another thread, which calls drain() again
      }
    }
  }

  private void doClose(Close c) {
    dead = true;
    try {
      // bounds the wait for the peer's answering close frame
      session.setMaxIdleTimeout(CLOSE_IDLE_TIMEOUT_MILLIS);
    } catch (RuntimeException ignored) {
      // closed already
    }
    if (c.code() == Close.NO_STATUS) {
      ContainerSupport.closeWithoutStatus(session);
    } else {
      ContainerSupport.closeQuietly(
          session,
          new CloseReason(
              CloseReason.CloseCodes.getCloseCode(c.code()), c.reason() == null ? "" : c.reason()));
    }
  }

  /** The end of one asynchronous send. */
  private final class Completion implements SendHandler {
    private final long size;
    private boolean finished; // guarded by this
    private boolean inline = true; // guarded by this: still inside the send call

    Completion(long size) {
      this.size = size;
    }

    @Override
    public void onResult(SendResult result) {
      sent(size, result);
      boolean resume;
      synchronized (this) {
        finished = true;
        resume = !inline;
      }
      if (resume) {
        drain();
      }
    }

    /** Called by the loop after the send call returned: true when the send had already completed. */
    boolean leaveInline() {
      synchronized (this) {
        inline = false;
        return finished;
      }
    }
  }

  private void sent(long size, SendResult result) {
    long left = queuedBytes.addAndGet(-size);
    if (!result.isOK()) {
      if (!dead) {
        dead = true;
        log.debug("WebSocket send failed: {}", String.valueOf(result.getException()));
      }
      return;
    }
    WsHandler h = handler;
    if (left <= LOW_WATER && h != null && unwritableSeen.compareAndSet(true, false)) {
      h.onWritable();
    }
  }
}

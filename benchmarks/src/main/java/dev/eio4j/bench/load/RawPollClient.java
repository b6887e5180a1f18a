package dev.eio4j.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Plain HTTP echo: POSTs to the raw server's echo path on one keep-alive connection, one at a time,
 * each body holding every message queued meanwhile (joined by {@code 0x1E}, as an Engine.IO v4 payload
 * would be); the response body is the same bytes. Open once the TCP connection is up.
 */
final class RawPollClient extends Client implements HttpConn.Callback {
  private final HttpConn conn;
  private final ArrayDeque<Object> outbox = new ArrayDeque<>();
  private volatile EventLoop loop;
  private boolean batching;

  RawPollClient(int index, Ctx ctx) {
    super(index, ctx);
    this.conn = new HttpConn(ctx, ctx.net.source(index), this);
  }

  @Override
  void connect() {
    startedAt = System.nanoTime();
    // an empty POST opens the connection and proves the echo works
    loop = ctx.net.group.next();
    var f =
        conn.send(
            HttpConn.post(
                ctx.cfg.httpPath(), ctx.net.hostHeader(), io.netty.buffer.Unpooled.EMPTY_BUFFER),
            loop);
    if (f == null) {
      reportFailed("no connection");
    }
  }

  @Override
  EventLoop loop() {
    return loop;
  }

  @Override
  void send(long stamp) {
    outbox.add(stamp);
    ctx.metrics.sent.increment();
    if (!batching) {
      flush();
    }
  }

  @Override
  void burst(int k) {
    batching = true;
    try {
      super.burst(k);
    } finally {
      batching = false;
    }
    flush();
  }

  @Override
  void sendControl(String text) {
    outbox.add(text);
    if (!batching) {
      flush();
    }
  }

  private void flush() {
    if (closing || !open || outbox.isEmpty() || conn.inFlight()) {
      return;
    }
    int size = ctx.cfg.size;
    ByteBuf body = conn.channel().alloc().buffer(Math.min(outbox.size() * (size + 1), 1 << 20));
    boolean first = true;
    Object o;
    while ((o = outbox.poll()) != null) {
      if (!first) {
        body.writeByte(Wire.SEPARATOR);
      }
      first = false;
      if (o instanceof Long stamp) {
        Wire.writeMessage(body, stamp, size, ctx.net.pad);
      } else {
        body.writeCharSequence((String) o, StandardCharsets.UTF_8);
      }
    }
    conn.send(HttpConn.post(ctx.cfg.httpPath(), ctx.net.hostHeader(), body), loop);
  }

  @Override
  void close() {
    closing = true;
    EventLoop l = loop;
    if (l != null) {
      l.execute(conn::close);
    }
  }

  @Override
  public void response(HttpConn c, FullHttpResponse res) {
    int status = res.status().code();
    if (status != 200) {
      ctx.errors.add("POST answered " + status);
      reportLost("POST answered " + status);
      return;
    }
    if (!open) {
      reportOpened();
      return;
    }
    String body = res.content().toString(StandardCharsets.UTF_8);
    long now = System.nanoTime();
    if (!body.isEmpty()) {
      batching = true;
      try {
        Wire.forEachV4(
            body, (b, s, e) -> ctx.events.message(this, Wire.readStamp(b, s, e - s), now));
      } catch (IllegalArgumentException e) {
        ctx.errors.add("bad echo body: " + e.getMessage());
      } finally {
        batching = false;
      }
    }
    flush();
  }

  @Override
  public void broken(HttpConn c, String why) {
    reportLost("POST: " + why);
  }
}

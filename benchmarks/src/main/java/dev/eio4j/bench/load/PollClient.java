package dev.eio4j.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * An Engine.IO session over HTTP long-polling, v4 or v3: the handshake GET, then a GET always held on one
 * keep-alive connection and POSTs (one at a time, batching whatever was queued meanwhile) on another.
 * v4: server pings are answered with a pong in the next POST. v3: a ping is POSTed every pingInterval and
 * the pong is timed.
 */
final class PollClient extends Client implements HttpConn.Callback {
  private final boolean v3;
  private final String base;
  private final HttpConn getConn;
  private final HttpConn postConn;
  private final ArrayDeque<Object> outbox =
      new ArrayDeque<>(); // Long: a stamped message; String: a packet
  private volatile EventLoop loop;
  private String sid;
  private long pingIntervalMs;
  private long lastPingAt;
  private long pingSentAt;
  private boolean batching;
  private int t;
  private ScheduledFuture<?> pinger;
  private ScheduledFuture<?> timeout;

  PollClient(int index, Ctx ctx) {
    super(index, ctx);
    this.v3 = ctx.cfg.protocol == 3;
    String p = ctx.cfg.httpPath();
    this.base =
        p + (p.contains("?") ? "&" : "?") + "EIO=" + ctx.cfg.protocol + "&transport=polling";
    this.getConn = new HttpConn(ctx, ctx.net.source(index), this);
    this.postConn = new HttpConn(ctx, ctx.net.source(index), this);
  }

  @Override
  void connect() {
    startedAt = System.nanoTime();
    loop = ctx.net.group.next();
    var f =
        getConn.send(
            HttpConn.get(base + "&t=" + Integer.toString(t++, 36), ctx.net.hostHeader()), loop);
    if (f != null) {
      f.addListener(
          future -> {
            if (future.isSuccess()) {
              timeout =
                  loop.schedule(
                      () -> {
                        if (!open) {
                          reportFailed("no handshake within " + ctx.cfg.openTimeoutMs + " ms");
                        }
                      },
                      ctx.cfg.openTimeoutMs,
                      TimeUnit.MILLISECONDS);
            }
          });
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
      flushPost();
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
    flushPost();
  }

  @Override
  void sendControl(String text) {
    outbox.add("4" + text);
    if (!batching) {
      flushPost();
    }
  }

  @Override
  void close() {
    closing = true;
    EventLoop l = loop;
    if (l != null) {
      l.execute(
          () -> {
            if (pinger != null) {
              pinger.cancel(false);
            }
            if (timeout != null) {
              timeout.cancel(false);
            }
            getConn.close();
            postConn.close();
          });
    }
  }

  private String uri() {
    return base + "&t=" + Integer.toString(t++, 36) + "&sid=" + sid;
  }

  private void poll() {
    if (!closing) {
      getConn.send(HttpConn.get(uri(), ctx.net.hostHeader()), loop);
    }
  }

  private void flushPost() {
    if (closing || sid == null || outbox.isEmpty() || postConn.inFlight()) {
      return;
    }
    int size = ctx.cfg.size;
    ByteBuf body = getConn.channel().alloc().buffer(Math.min(outbox.size() * (size + 8), 1 << 20));
    boolean first = true;
    Object o;
    while ((o = outbox.poll()) != null) {
      if (!v3 && !first) {
        body.writeByte(Wire.SEPARATOR);
      }
      first = false;
      if (o instanceof Long stamp) {
        if (v3) {
          Wire.writeV3Length(body, size + 1);
        }
        body.writeByte('4');
        Wire.writeMessage(body, stamp, size, ctx.net.pad);
      } else {
        String packet = (String) o;
        if (v3) {
          Wire.writeV3Length(body, packet.length());
        }
        body.writeCharSequence(packet, StandardCharsets.UTF_8);
      }
    }
    postConn.send(HttpConn.post(uri(), ctx.net.hostHeader(), body), loop);
  }

  @Override
  public void response(HttpConn conn, FullHttpResponse res) {
    int status = res.status().code();
    if (conn == postConn) {
      if (status != 200) {
        ctx.errors.add(
            "POST answered " + status + ": " + res.content().toString(StandardCharsets.UTF_8));
        reportLost("POST answered " + status);
        return;
      }
      flushPost();
      return;
    }
    String body = res.content().toString(StandardCharsets.UTF_8);
    if (status != 200) {
      if (open) {
        ctx.errors.add("GET answered " + status + ": " + body);
      }
      reportLost("GET answered " + status + ": " + body);
      return;
    }
    long now = System.nanoTime();
    batching = true;
    try {
      if (v3) {
        Wire.forEachV3(body, (b, s, e) -> packet(b, s, e, now));
      } else {
        Wire.forEachV4(body, (b, s, e) -> packet(b, s, e, now));
      }
    } catch (IllegalArgumentException e) {
      ctx.errors.add("bad payload: " + e.getMessage());
      reportLost("bad payload");
      return;
    } finally {
      batching = false;
    }
    if (closing) {
      return;
    }
    flushPost();
    poll();
  }

  private void packet(String b, int s, int e, long now) {
    char type = b.charAt(s);
    switch (type) {
      case '4' -> {
        if (open) {
          ctx.events.message(this, Wire.readStamp(b, s + 1, e - s - 1), now);
        }
      }
      case '2' -> {
        if (!v3) {
          outbox.add("3");
          lastPingAt = onServerPing(lastPingAt, now, pingIntervalMs);
        }
      }
      case '3' -> {
        if (v3 && pingSentAt != 0) {
          ctx.metrics.heartbeat.record(now - pingSentAt);
          ctx.metrics.pongsReceived.increment();
          pingSentAt = 0;
        }
      }
      case '0' -> {
        if (!open) {
          Wire.OpenInfo info = Wire.parseOpen(b.substring(s + 1, e));
          sid = info.sid();
          pingIntervalMs = info.pingInterval();
          if (timeout != null) {
            timeout.cancel(false);
          }
          if (v3) {
            pinger =
                loop.scheduleAtFixedRate(
                    this::ping, pingIntervalMs, pingIntervalMs, TimeUnit.MILLISECONDS);
          }
          reportOpened();
        }
      }
      case '1' -> reportLost("the server closed the session");
      case '6' -> {
        // noop
      }
      default -> ctx.errors.add("unexpected packet type '" + type + "'");
    }
  }

  private void ping() {
    if (!closing) {
      pingSentAt = System.nanoTime();
      outbox.add("2");
      flushPost();
    }
  }

  @Override
  public void broken(HttpConn conn, String why) {
    reportLost((conn == getConn ? "GET: " : "POST: ") + why);
  }
}

package dev.eio4j.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guard's request ordering, on an embedded channel (no sockets, no clock): a request is passed on
 * only once the response to the one before it has been written, reading stops while a complete request
 * waits for its response, and what waits is bounded.
 */
class ConnectionGuardOrderTest {
  /** Records what reaches the application side; answers nothing by itself. */
  static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<String> seen = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest r) {
        seen.add(r.uri());
      } else if (msg instanceof LastHttpContent) {
        seen.add("end");
      } else {
        seen.add("body");
      }
      ReferenceCountUtil.release(msg);
    }
  }

  private static EmbeddedChannel channel(Recorder app) {
    ConnectionGuard guard = new ConnectionGuard(new ConnectionGuard.Timeouts(0, 0, 0, 0));
    return new EmbeddedChannel(guard.http(), app);
  }

  private static HttpRequest get(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }

  private static void respond(EmbeddedChannel ch) {
    ch.writeOutbound(
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER));
    ch.runPendingTasks();
    Object out;
    while ((out = ch.readOutbound()) != null) {
      ReferenceCountUtil.release(out);
    }
  }

  @Test
  void aRequestIsPassedOnOnlyAfterTheResponseBeforeIt() {
    Recorder app = new Recorder();
    EmbeddedChannel ch = channel(app);
    // one read brought three requests, the second with a body
    ch.writeInbound(get("/a"), LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(ch.config().isAutoRead())
        .as("a complete request waits for its response: no more reading")
        .isFalse();
    ch.writeInbound(
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/b"),
        new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {1})),
        LastHttpContent.EMPTY_LAST_CONTENT,
        get("/c"),
        LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(app.seen).containsExactly("/a", "end");

    // an interim response does not count as the answer
    ch.writeOutbound(
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    ch.runPendingTasks();
    assertThat(app.seen).containsExactly("/a", "end");

    respond(ch);
    assertThat(app.seen).containsExactly("/a", "end", "/b", "body", "end");
    assertThat(ch.config().isAutoRead()).isFalse();
    respond(ch);
    assertThat(app.seen).containsExactly("/a", "end", "/b", "body", "end", "/c", "end");
    respond(ch);
    assertThat(ch.config().isAutoRead()).as("nothing outstanding: reading again").isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void aRequestWhoseBodyIsStillComingKeepsReading() {
    Recorder app = new Recorder();
    EmbeddedChannel ch = channel(app);
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload"));
    assertThat(ch.config().isAutoRead())
        .as("the body must be read for the request to be answered")
        .isTrue();
    ch.writeInbound(
        new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {1})),
        LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(ch.config().isAutoRead()).isFalse();
    respond(ch);
    assertThat(ch.config().isAutoRead()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void whatWaitsIsBounded() {
    Recorder app = new Recorder();
    EmbeddedChannel ch = channel(app);
    ch.writeInbound(get("/held"), LastHttpContent.EMPTY_LAST_CONTENT);
    for (int i = 0; i < ConnectionGuard.MAX_HELD / 2; i++) {
      ch.writeInbound(get("/p" + i), LastHttpContent.EMPTY_LAST_CONTENT);
    }
    assertThat(ch.isActive()).as(ConnectionGuard.MAX_HELD + " parts may wait").isTrue();
    ch.writeInbound(get("/one-too-many"));
    assertThat(ch.isActive()).as("past the bound the connection is closed").isFalse();
    assertThat(app.seen).containsExactly("/held", "end");
    ch.finishAndReleaseAll();
  }
}

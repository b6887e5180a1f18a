package dev.eio4j.netty.internal;

import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.HttpFallback;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.ssl.SslContext;

/**
 * The pipeline: [TLS] → HTTP codec → Engine.IO HTTP handler. On a WebSocket handshake the HTTP handler
 * is replaced by a frame aggregator and the frame handler.
 */
public final class EngineIoChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final EngineIoServer server;
  private final HttpFallback fallback;
  private final SslContext ssl;

  /** A pipeline for {@code server}; {@code ssl} may be null. */
  public EngineIoChannelInitializer(EngineIoServer server, HttpFallback fallback, SslContext ssl) {
    this.server = server;
    this.fallback = fallback;
    this.ssl = ssl;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    if (ssl != null) {
      p.addLast("tls", ssl.newHandler(ch.alloc()));
    }
    p.addLast("http", new HttpServerCodec(4096, 16 * 1024, 64 * 1024));
    if (server.options().perMessageDeflate()) {
      p.addLast("ws-deflate", new WebSocketServerCompressionHandler(0));
    }
    p.addLast("eio-http", new HttpHandler(server, fallback, ssl != null));
  }
}

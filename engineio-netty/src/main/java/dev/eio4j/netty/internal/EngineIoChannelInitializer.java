package dev.eio4j.netty.internal;

import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.HttpFallback;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.ssl.SslContext;
import java.util.List;

/**
 * The pipeline: [TLS] → connection guard (bytes) → HTTP codec → [permessage-deflate negotiation] →
 * connection guard (HTTP) → Engine.IO HTTP handler. On a WebSocket handshake the codec becomes the frame
 * decoder and encoder, the negotiation leaves its bounded inflater and Netty's deflater, the guard leaves
 * the close-handshake timeout, and the HTTP handler is replaced by: message checks (reserved bits, size
 * after inflating) → UTF-8 validation → fragment aggregation → the frame handler.
 */
public final class EngineIoChannelInitializer extends ChannelInitializer<SocketChannel> {
  /** The longest request line (method, target, version) read; a longer one is answered 414. */
  static final int MAX_REQUEST_LINE = 4096;

  /** The largest header block read; a larger one is answered 431. */
  static final int MAX_HEADER_BLOCK = 16 * 1024;

  private final EngineIoServer server;
  private final HttpFallback fallback;
  private final SslContext ssl;
  private final ConnectionGuard.Timeouts timeouts;
  private final ChannelGroup channels;
  private final List<EngineIoServer> mounted;

  /** A pipeline for {@code server}; {@code ssl} may be null. No connection deadlines, no tracking. */
  public EngineIoChannelInitializer(EngineIoServer server, HttpFallback fallback, SslContext ssl) {
    this(server, fallback, ssl, new ConnectionGuard.Timeouts(0, 0, 0, 0), null);
  }

  /**
   * A pipeline for {@code server}; {@code ssl} and {@code channels} (every connection is added to it)
   * may be null.
   */
  public EngineIoChannelInitializer(
      EngineIoServer server,
      HttpFallback fallback,
      SslContext ssl,
      ConnectionGuard.Timeouts timeouts,
      ChannelGroup channels) {
    this(server, List.of(), fallback, ssl, timeouts, channels);
  }

  /**
   * As above, with further engines served at their own paths (they share {@code server}'s WebSocket
   * compression and message limit).
   */
  public EngineIoChannelInitializer(
      EngineIoServer server,
      List<EngineIoServer> mounted,
      HttpFallback fallback,
      SslContext ssl,
      ConnectionGuard.Timeouts timeouts,
      ChannelGroup channels) {
    this.mounted = List.copyOf(mounted);
    this.server = server;
    this.fallback = fallback;
    this.ssl = ssl;
    this.timeouts = timeouts;
    this.channels = channels;
  }

  /** Request-line, header-block and chunk limits; a request with both Content-Length and chunked is refused. */
  static HttpDecoderConfig decoderConfig() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_REQUEST_LINE)
        .setMaxHeaderSize(MAX_HEADER_BLOCK)
        .setMaxChunkSize(64 * 1024)
        .setUseRfc9112TransferEncoding(true);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (channels != null) {
      channels.add(ch);
    }
    ChannelPipeline p = ch.pipeline();
    if (ssl != null) {
      p.addLast("tls", ssl.newHandler(ch.alloc()));
    }
    ConnectionGuard guard = new ConnectionGuard(timeouts);
    p.addLast("eio-guard-bytes", guard.bytes());
    p.addLast("http", new HttpServerCodec(decoderConfig()));
    if (server.options().perMessageDeflate()) {
      // the inflater holds the message limit on the inflated data
      p.addLast(
          "ws-deflate",
          new WebSocketServerExtensionHandler(
              new BoundedDeflate(server.options().maxHttpBufferSize())));
    }
    p.addLast("eio-guard-http", guard.http());
    p.addLast("eio-http", new HttpHandler(server, mounted, fallback, ssl != null));
  }
}

package dev.eio4j.netty;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import dev.eio4j.netty.internal.EngineIoChannelInitializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone Netty runtime: serves an {@link EngineIoServer} on one port, with native epoll when
 * available (NIO otherwise).
 *
 * <pre>{@code
 * RunningServer running = EngineIoNettyServer.builder(server).host("127.0.0.1").port(3000).start();
 * }</pre>
 *
 * Each session lives on the event loop of the connection that created it; requests arriving on other
 * connections hop to it.
 */
public final class EngineIoNettyServer implements RunningServer {
  private static final Logger log = LoggerFactory.getLogger(EngineIoNettyServer.class);
  private final EngineIoServer server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final boolean nativeTransport;

  private EngineIoNettyServer(Builder b) throws IOException {
    this.server = b.server;
    boolean epoll = b.nativeTransport && Epoll.isAvailable();
    this.nativeTransport = epoll;
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.boss = new MultiThreadIoEventLoopGroup(1, factory);
    this.workers = new MultiThreadIoEventLoopGroup(b.ioThreads, factory);
    Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap sb =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(new EngineIoChannelInitializer(server, b.fallback, b.ssl));
    try {
      this.channel = sb.bind(b.host, b.port).sync().channel();
    } catch (Exception e) {
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IOException("cannot bind " + b.host + ":" + b.port + ": " + e.getMessage(), e);
    }
  }

  /** A builder for serving {@code server}. */
  public static Builder builder(EngineIoServer server) {
    return new Builder(server);
  }

  @Override
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** True when native epoll is in use. */
  public boolean nativeTransport() {
    return nativeTransport;
  }

  /** The served Engine.IO server. */
  public EngineIoServer server() {
    return server;
  }

  /**
   * Closes every session ("forced close"), stops accepting, frees the port at once and stops the I/O
   * threads after a short grace period for the close frames and responses to go out.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.closeSessions();
    channel.close().syncUninterruptibly();
    workers.shutdownGracefully(50, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
    log.debug("stopped");
  }

  /** Options of the Netty runtime. */
  public static final class Builder {
    private final EngineIoServer server;
    private String host = "0.0.0.0";
    private int port = 3000;
    private int ioThreads = 0;
    private boolean nativeTransport = true;
    private HttpFallback fallback;
    private SslContext ssl;

    private Builder(EngineIoServer server) {
      this.server = Objects.requireNonNull(server, "server");
    }

    /** The address to bind (default {@code 0.0.0.0}). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port (default 3000; 0 picks a free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /** I/O threads (default 0: Netty's default, twice the cores). */
    public Builder ioThreads(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("ioThreads must be >= 0");
      }
      this.ioThreads = n;
      return this;
    }

    /** Use native epoll when available (default true). */
    public Builder nativeTransport(boolean on) {
      this.nativeTransport = on;
      return this;
    }

    /** Answers requests outside the Engine.IO path (default: 404). */
    public Builder fallback(HttpFallback fallback) {
      this.fallback = fallback;
      return this;
    }

    /** Serves TLS with this context (default: plain). */
    public Builder ssl(SslContext ssl) {
      this.ssl = ssl;
      return this;
    }

    /** Binds and starts serving. */
    public EngineIoNettyServer start() throws IOException {
      return new EngineIoNettyServer(this);
    }
  }
}

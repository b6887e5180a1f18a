package dev.eio4j.netty;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import dev.eio4j.netty.internal.ConnectionGuard;
import dev.eio4j.netty.internal.EngineIoChannelInitializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
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
 *
 * <p><b>Connection deadlines</b> (slowloris and idle connections; see {@link Builder}): a request head
 * must be complete within {@code requestHeadersTimeout} (10 s) of the connection or of the request's
 * first byte, a request body within {@code requestBodyTimeout} (30 s) of its head (otherwise {@code 408}
 * and close), and a kept-alive connection with nothing in progress is closed after {@code idleTimeout}
 * (60 s). A held long-poll GET and an open WebSocket have no such deadline (the Engine.IO heartbeat
 * covers them); a WebSocket whose peer does not read its close frame is closed {@code
 * webSocketCloseTimeout} (10 s) after it. Each close is logged at DEBUG with its reason.
 *
 * <p><b>HTTP and WebSocket rules</b>: malformed requests are refused and their connection closed (400,
 * or 414 for a request line over 4096 bytes, 431 for a header block over 16 KiB, 505 for a major version
 * other than 1, 501 for a transfer coding other than chunked, 417 for an unknown expectation);
 * {@code Expect: 100-continue} is answered; responses on one connection leave in request order. On a
 * WebSocket, every message (compressed or not, whole or fragmented) is limited to {@code
 * maxHttpBufferSize} bytes of data (close 1009), text must be UTF-8 (close 1007), and protocol
 * violations close with 1002. The full list is in {@code docs/http-conformance.md}.
 *
 * <p><b>TLS</b>: {@link Builder#tls(Path, Path)} (PEM) or {@link Builder#tls(Path, char[])} (a PKCS#12 or
 * JKS key store).
 */
public final class EngineIoNettyServer implements RunningServer {
  private static final Logger log = LoggerFactory.getLogger(EngineIoNettyServer.class);
  private final EngineIoServer server;
  private final List<EngineIoServer> mounted;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final boolean nativeTransport;
  private final ChannelGroup connections =
      new DefaultChannelGroup("eio4j-connections", GlobalEventExecutor.INSTANCE);

  /** How long {@link #close()} waits for sessions to close and queued data to go out. */
  public static final Duration DEFAULT_CLOSE_DEADLINE = Duration.ofSeconds(1);

  private EngineIoNettyServer(Builder b) throws IOException {
    this.server = b.server;
    this.mounted = List.copyOf(b.mounted);
    boolean epoll = b.nativeTransport && Epoll.isAvailable();
    this.nativeTransport = epoll;
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.boss = new MultiThreadIoEventLoopGroup(1, factory);
    this.workers = new MultiThreadIoEventLoopGroup(b.ioThreads, factory);
    Class<? extends ServerChannel> channelClass =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap sb =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(
                new EngineIoChannelInitializer(
                    server,
                    mounted,
                    b.fallback,
                    b.ssl,
                    new ConnectionGuard.Timeouts(
                        b.requestHeadersTimeout.toMillis(),
                        b.requestBodyTimeout.toMillis(),
                        b.idleTimeout.toMillis(),
                        b.webSocketCloseTimeout.toMillis()),
                    connections));
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

  /** How many connections are open (HTTP and WebSocket). */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * {@link #close(Duration)} with {@link #DEFAULT_CLOSE_DEADLINE} (1 s): stops accepting (the port is free
   * at once), closes every session ("forced close") once what is queued for it is written, then stops
   * the I/O threads.
   */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_DEADLINE);
  }

  /**
   * Graceful shutdown. In order: the listening socket is closed (the port is free when this returns, and
   * no connection is accepted any more); new handshakes are refused; every session is closed ("forced
   * close") once what is queued for it has been written; the sessions still open at {@code deadline} (a
   * client that does not read, a polling client that does not come back) are ended at once; responses and
   * close frames already queued get what is left of the deadline to go out; then every connection is
   * closed and the I/O threads stop. Blocks for about {@code deadline} at most (plus a short grace); must
   * not be called on an I/O thread. Idempotent.
   */
  @Override
  public void close(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long end = System.nanoTime() + deadline.toNanos();
    channel.close().syncUninterruptibly();
    boolean graceful = server.closeSessions(deadline);
    for (EngineIoServer other : mounted) {
      long left = Math.max(0, end - System.nanoTime());
      graceful &= other.closeSessions(Duration.ofNanos(left));
    }
    awaitWritten(end);
    connections.close().awaitUninterruptibly(1000);
    workers.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
    log.debug(
        "stopped ({})",
        graceful ? "every session closed in time" : "sessions ended at the deadline");
  }

  /** Waits until no connection has bytes queued for writing, or until {@code end} (nanoTime). */
  private void awaitWritten(long end) {
    while (System.nanoTime() - end < 0) {
      boolean pending = false;
      for (Channel c : connections) {
        ChannelOutboundBuffer out = c.unsafe().outboundBuffer();
        if (c.isActive() && out != null && out.totalPendingWriteBytes() > 0) {
          pending = true;
          break;
        }
      }
      if (!pending) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Options of the Netty runtime. */
  public static final class Builder {
    private final EngineIoServer server;
    private String host = "0.0.0.0";
    private int port = 3000;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private boolean nativeTransport = true;
    private HttpFallback fallback;
    private final List<EngineIoServer> mounted = new ArrayList<>();
    private SslContext ssl;
    private Duration requestHeadersTimeout = Duration.ofSeconds(10);
    private Duration requestBodyTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration webSocketCloseTimeout = Duration.ofSeconds(10);

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

    /**
     * I/O threads (default: one per core; 0 means Netty's default, twice the cores). More threads than
     * cores only add cross-thread hops: a polling session's requests arrive on several connections and
     * hop to the session's thread.
     */
    public Builder ioThreads(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("ioThreads must be >= 0");
      }
      this.ioThreads = n;
      return this;
    }

    /**
     * Also serves {@code other} at its own path (checked after the main server's path, in the order
     * mounted), e.g. a second Socket.IO server with other options on the same port. It shares the main
     * server's WebSocket compression setting and message limit, and {@link #close} closes its sessions
     * too; {@link #server()} stays the main one.
     */
    public Builder mount(EngineIoServer other) {
      Objects.requireNonNull(other, "other");
      if (other == server || mounted.contains(other)) {
        throw new IllegalArgumentException("already served");
      }
      mounted.add(other);
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

    /**
     * Serves TLS with a PEM certificate chain (leaf first) and its PEM private key (PKCS#8, {@code BEGIN
     * PRIVATE KEY}, unencrypted), with the JDK's TLS (1.3 and 1.2).
     *
     * @throws UncheckedIOException when a file cannot be read or parsed
     */
    public Builder tls(Path certificateChainPem, Path privateKeyPem) {
      Objects.requireNonNull(certificateChainPem, "certificateChainPem");
      Objects.requireNonNull(privateKeyPem, "privateKeyPem");
      try {
        this.ssl =
            SslContextBuilder.forServer(certificateChainPem.toFile(), privateKeyPem.toFile())
                .build();
      } catch (IOException | IllegalArgumentException e) {
        throw new UncheckedIOException(
            new IOException(
                "cannot load TLS certificate "
                    + certificateChainPem
                    + " / key "
                    + privateKeyPem
                    + ": "
                    + e.getMessage(),
                e));
      }
      return this;
    }

    /**
     * Serves TLS with the key and certificate chain of a key store (PKCS#12 or JKS, detected from the
     * file); {@code password} opens both the store and its key. The store must hold exactly one key.
     *
     * @throws UncheckedIOException when the store cannot be read or opened
     */
    public Builder tls(Path keyStore, char[] password) {
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(password, "password");
      try {
        if (!Files.isReadable(keyStore)) {
          throw new IOException("not readable");
        }
        KeyStore ks = KeyStore.getInstance(keyStore.toFile(), password);
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        this.ssl = SslContextBuilder.forServer(kmf).build();
      } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
        throw new UncheckedIOException(
            new IOException("cannot load TLS key store " + keyStore + ": " + e.getMessage(), e));
      }
      return this;
    }

    /**
     * How long a connection may take to send a complete request head (request line and headers), from
     * its opening or from the first byte of a further request (slowloris); then {@code 408} and close.
     * {@link Duration#ZERO} disables it. Default 10 s.
     */
    public Builder requestHeadersTimeout(Duration d) {
      this.requestHeadersTimeout = nonNegative(d, "requestHeadersTimeout");
      return this;
    }

    /**
     * How long a request body may take once its head is in, stalled or trickling; then {@code 408} and
     * close (a polling POST cut this way ends its session with "transport error"). {@link Duration#ZERO}
     * disables it. Default 30 s.
     */
    public Builder requestBodyTimeout(Duration d) {
      this.requestBodyTimeout = nonNegative(d, "requestBodyTimeout");
      return this;
    }

    /**
     * How long a kept-alive HTTP connection may stay open with no request in progress and no response
     * pending; then it is closed silently. Never applies to a held long-poll GET or a WebSocket. {@link
     * Duration#ZERO} disables it. Default 60 s.
     */
    public Builder idleTimeout(Duration d) {
      this.idleTimeout = nonNegative(d, "idleTimeout");
      return this;
    }

    /**
     * How long a WebSocket may stay open after the server wrote its close frame (a peer that does not
     * read never lets it out); then the TCP connection is closed. {@link Duration#ZERO} disables it.
     * Default 10 s.
     */
    public Builder webSocketCloseTimeout(Duration d) {
      this.webSocketCloseTimeout = nonNegative(d, "webSocketCloseTimeout");
      return this;
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + " must be between 0 (off) and ~24 days: " + d);
      }
      return d;
    }

    /** Binds and starts serving. */
    public EngineIoNettyServer start() throws IOException {
      return new EngineIoNettyServer(this);
    }
  }
}

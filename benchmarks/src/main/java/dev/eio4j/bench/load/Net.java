package dev.eio4j.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The client side's Netty plumbing: one event loop group, a bootstrap, source addresses. */
final class Net implements AutoCloseable {
  final EventLoopGroup group;
  final boolean epoll;
  final Bootstrap bootstrap;
  final InetSocketAddress remote;
  final ByteBuf pad;
  private final InetAddress[] sources;

  Net(Config cfg) {
    this.epoll = !cfg.nio && Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(cfg.threads, factory);
    this.remote = new InetSocketAddress(cfg.host, cfg.port);
    Class<? extends Channel> type = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(type)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, cfg.openTimeoutMs));
    if (epoll) {
      // the port is picked at connect() from the 4-tuple, not at bind(): no per-address port
      // exhaustion
      b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
    this.bootstrap = b;
    this.sources = new InetAddress[cfg.sources];
    boolean loopbackV4 =
        remote.getAddress() != null && remote.getAddress().getAddress().length == 4;
    for (int i = 0; i < cfg.sources; i++) {
      try {
        sources[i] =
            loopbackV4
                ? InetAddress.getByAddress(
                    new byte[] {127, 0, 0, (byte) (1 + cfg.sourceOffset + i)})
                : null;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    byte[] x = new byte[16 * 1024];
    java.util.Arrays.fill(x, (byte) 'x');
    this.pad =
        Unpooled.unreleasableBuffer(Unpooled.directBuffer(x.length).writeBytes(x)).asReadOnly();
  }

  /** The local address for connection {@code index}: 127.0.0.(1 + offset + index % sources), any port. */
  InetSocketAddress source(int index) {
    InetAddress a = sources[Math.floorMod(index, sources.length)];
    return a == null ? null : new InetSocketAddress(a, 0);
  }

  /** "host:port" for the Host header. */
  String hostHeader() {
    return remote.getHostString() + ":" + remote.getPort();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    group
        .shutdownGracefully(0, 500, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}

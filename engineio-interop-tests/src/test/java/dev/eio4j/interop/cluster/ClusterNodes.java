package dev.eio4j.interop.cluster;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineObserver;
import dev.eio4j.HandshakeError;
import dev.eio4j.RunningServer;
import dev.eio4j.netty.EngineIoNettyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Three echo nodes of one cluster on 127.0.0.1 (Netty runtime, free ports), tagged {@code n01}, {@code
 * n02} and {@code n03}, each counting what reached it: sessions opened, requests that named one of its
 * own sids, requests that named another node's sid, and "Session ID unknown" answers.
 */
final class ClusterNodes implements AutoCloseable {
  static final List<String> TAGS = List.of("n01", "n02", "n03");

  /** One node and its counters. */
  static final class Node {
    final String tag;
    final RunningServer running;
    final AtomicInteger sessions = new AtomicInteger();
    final AtomicInteger ownRequests = new AtomicInteger();
    final AtomicInteger foreignRequests = new AtomicInteger();
    final AtomicInteger unknownSid = new AtomicInteger();
    private volatile boolean stopped;

    Node(String tag, Duration pingInterval, Duration pingTimeout) throws Exception {
      this.tag = tag;
      EngineIoServer server =
          EngineIoServer.builder()
              .nodeId(tag)
              .pingInterval(pingInterval)
              .pingTimeout(pingTimeout)
              // every polling response and every 101 passes here, with the request it answers
              .headers(
                  (headers, req) -> {
                    String sid = req.queryParam("sid");
                    if (sid != null) {
                      (sid.startsWith(tag) ? ownRequests : foreignRequests).incrementAndGet();
                    }
                  })
              .observer(
                  new EngineObserver() {
                    @Override
                    public void connectionError(HandshakeError error) {
                      if (error == HandshakeError.UNKNOWN_SID) {
                        unknownSid.incrementAndGet();
                      }
                    }
                  })
              .build();
      server.onConnection(
          socket -> {
            sessions.incrementAndGet();
            socket.onMessage(
                m -> {
                  if (!m.isBinary() && m.text().equals("server-close")) {
                    socket.close();
                  } else {
                    socket.send(m);
                  }
                });
          });
      running = EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).start();
    }

    int port() {
      return running.port();
    }

    /**
     * Stops the node as abruptly as an in-process server can: the port closes at once and every
     * session ends with no grace period for polling clients to fetch a close packet.
     */
    void stop() {
      if (!stopped) {
        stopped = true;
        running.close(Duration.ofMillis(1));
      }
    }
  }

  final List<Node> nodes = new ArrayList<>();

  ClusterNodes(Duration pingInterval, Duration pingTimeout) throws Exception {
    try {
      for (String tag : TAGS) {
        nodes.add(new Node(tag, pingInterval, pingTimeout));
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  Node node(String tag) {
    return nodes.stream().filter(n -> n.tag.equals(tag)).findFirst().orElseThrow();
  }

  List<Integer> ports() {
    return nodes.stream().map(Node::port).toList();
  }

  int sum(java.util.function.Function<Node, AtomicInteger> counter) {
    return nodes.stream().mapToInt(n -> counter.apply(n).get()).sum();
  }

  String counters() {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      sb.append(
          String.format(
              "%s: sessions=%d own=%d foreign=%d unknownSid=%d; ",
              n.tag,
              n.sessions.get(),
              n.ownRequests.get(),
              n.foreignRequests.get(),
              n.unknownSid.get()));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      n.stop();
    }
  }
}

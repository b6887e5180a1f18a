package dev.eio4j.netty.internal;

import dev.eio4j.spi.Headers;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;

/** Copies headers between Netty and the core. */
final class NettyHeaders {
  private NettyHeaders() {}

  static Headers fromNetty(HttpHeaders in) {
    Headers h = new Headers();
    for (Map.Entry<String, String> e : in) {
      h.add(e.getKey(), e.getValue());
    }
    return h;
  }

  static void copyTo(Headers from, HttpHeaders to) {
    for (int i = 0; i < from.size(); i++) {
      to.add(from.name(i), from.value(i));
    }
  }
}

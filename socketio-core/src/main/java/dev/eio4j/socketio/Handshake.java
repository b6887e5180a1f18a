package dev.eio4j.socketio;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a socket was connected with: the fields of the Node server's {@code socket.handshake} ({@code
 * headers, query, auth, address, time, issued, url, secure, xdomain}) as accessors.
 *
 * @param auth the CONNECT payload (v5), or the namespace's query parameters (v4, {@code /nsp?token=..});
 *     an empty object when there was none. Do not modify.
 * @param request the Engine.IO handshake request: headers, query, remote address
 * @param issued when the namespace was joined
 */
public record Handshake(ObjectNode auth, EngineRequest request, Instant issued) {
  /** The headers of the Engine.IO handshake request (read-only by contract). */
  public Headers headers() {
    return request.headers();
  }

  /** The decoded query parameters of the Engine.IO handshake request ({@code EIO}, {@code transport} too). */
  public Map<String, String> query() {
    return request.query();
  }

  /** The client's IP address as text, or null when the runtime does not know it. */
  public String address() {
    InetSocketAddress a = request.remoteAddress();
    if (a == null) {
      return null;
    }
    return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
  }

  /** The request target of the Engine.IO handshake (path and query, as sent). */
  public String url() {
    return request.uri();
  }

  /** True when the handshake came over TLS. */
  public boolean secure() {
    return request.secure();
  }

  /** True when the handshake carried an {@code Origin} header (a cross-origin request, as in Node). */
  public boolean xdomain() {
    return request.header("Origin") != null;
  }

  /** {@link #issued()} as text (ISO-8601; Node uses JavaScript's {@code Date.toString()} format). */
  public String time() {
    return issued.toString();
  }

  /** {@link #issued()} in milliseconds since the epoch, as Node's {@code issued}. */
  public long issuedMillis() {
    return issued.toEpochMilli();
  }
}

package dev.eio4j.netty.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * The rules every request head must meet before it is routed, each with the status RFC 9112 / RFC 9110
 * give for breaking it. A refused request is answered and its connection closed: after a framing error
 * the next request cannot be found reliably.
 */
final class HttpRequestCheck {
  private HttpRequestCheck() {}

  /** The status to refuse {@code req} with, or null when it may be routed. */
  static HttpResponseStatus refusal(HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      if (cause instanceof TooLongHttpLineException) {
        return HttpResponseStatus.REQUEST_URI_TOO_LONG; // 414 (RFC 9112 §3)
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE; // 431 (RFC 6585 §5)
      }
      return HttpResponseStatus.BAD_REQUEST;
    }
    HttpVersion v = req.protocolVersion();
    if (!"HTTP".equals(v.protocolName())) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    if (v.majorVersion() != 1) {
      // 1.x with x > 1 is served as 1.1 (RFC 9112 §2.3); another major version is not ours to serve
      return HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
    }
    List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1
        || (hosts.isEmpty() && v.minorVersion() >= 1)
        || (hosts.size() == 1 && !validHost(hosts.get(0)))) {
      return HttpResponseStatus.BAD_REQUEST; // RFC 9112 §3.2
    }
    List<String> codings = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    for (String field : codings) {
      for (String coding : field.split(",")) {
        String c = coding.trim();
        if (!c.isEmpty() && !c.equalsIgnoreCase(HttpHeaderValues.CHUNKED.toString())) {
          return HttpResponseStatus
              .NOT_IMPLEMENTED; // a transfer coding we do not decode (RFC 9112 §6.1)
        }
      }
    }
    String expect = req.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null
        && v.minorVersion() >= 1
        && !expect.trim().equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString())) {
      return HttpResponseStatus.EXPECTATION_FAILED; // RFC 9110 §10.1.1
    }
    return null;
  }

  /** Why {@link #refusal} refused a request whose head decoded, for the log (no peer text in it). */
  static String reason(HttpRequest req) {
    HttpVersion v = req.protocolVersion();
    if (!"HTTP".equals(v.protocolName()) || v.majorVersion() != 1) {
      return "unsupported protocol version";
    }
    if (req.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
      return "missing or repeated Host";
    }
    if (!validHost(req.headers().get(HttpHeaderNames.HOST))) {
      return "invalid Host";
    }
    if (req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return "unsupported transfer coding";
    }
    return "unsupported expectation";
  }

  /**
   * A {@code Host} value: {@code uri-host [ ":" port ]} (RFC 9110 §7.2), checked for the characters it
   * can hold. Empty is allowed (a target without authority).
   */
  static boolean validHost(String host) {
    if (host == null) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-._~%!$&'()*+,;=:[]".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

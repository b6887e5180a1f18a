package dev.eio4j.netty.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Base64;
import java.util.List;

/**
 * The opening handshake rules of RFC 6455 §4.2.1 that the Engine.IO checks do not cover: a request that
 * breaks them is answered before the core sees it, so it never reaches a half-made WebSocket.
 */
final class WsHandshakeCheck {
  /** The only protocol version served (RFC 6455). */
  static final String SUPPORTED_VERSION = "13";

  private WsHandshakeCheck() {}

  /**
   * {@code 426} (with the version we speak) for a version we do not speak, {@code 400} for a request
   * that is not a well-formed handshake, null for a good one.
   */
  static HttpResponseStatus refusal(HttpRequest req) {
    if (req.protocolVersion().minorVersion() < 1) {
      return HttpResponseStatus.BAD_REQUEST; // HTTP/1.1 or later
    }
    List<String> keys = req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    if (keys.size() != 1 || !validKey(keys.get(0))) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    List<String> versions = req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    if (versions.isEmpty()) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    if (versions.size() != 1 || !SUPPORTED_VERSION.equals(versions.get(0).trim())) {
      return HttpResponseStatus.UPGRADE_REQUIRED; // RFC 6455 §4.4
    }
    return null;
  }

  /** A base64 value that decodes to 16 bytes. */
  static boolean validKey(String key) {
    String k = key.trim();
    if (k.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(k).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

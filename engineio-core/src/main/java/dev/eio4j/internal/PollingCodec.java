package dev.eio4j.internal;

import dev.eio4j.codec.CodecException;
import dev.eio4j.codec.DecodedPayload;
import dev.eio4j.codec.Jsonp;
import dev.eio4j.codec.PayloadCodec;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.ProtocolVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The bytes of polling bodies, both ways: a payload and its content type for a GET (XHR or JSONP, v3
 * binary or text), the packets of a POST body, and the optional compression of a response. Stateless.
 */
final class PollingCodec {
  private PollingCodec() {}

  /** A response body and its {@code Content-Type}. */
  record Body(byte[] bytes, String contentType) {}

  /**
   * Encodes {@code packets} for one GET: v4 text; v3 binary when a packet is binary and the client takes
   * binary ({@code base64} false), else v3 text; JSONP ({@code jsonpIndex} not null) wraps the text.
   */
  static Body encode(
      ProtocolVersion protocol, boolean base64, String jsonpIndex, List<Packet> packets) {
    if (protocol == ProtocolVersion.V4) {
      return text(PayloadCodec.encodeV4(packets), jsonpIndex);
    }
    if (!base64 && anyBinary(packets)) {
      return new Body(PayloadCodec.encodeV3Binary(packets), "application/octet-stream");
    }
    return text(PayloadCodec.encodeV3String(packets), jsonpIndex);
  }

  private static Body text(String payload, String jsonpIndex) {
    String body = jsonpIndex != null ? Jsonp.wrap(jsonpIndex, payload) : payload;
    return new Body(body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=UTF-8");
  }

  /**
   * Decodes a POST body: a JSONP form body, a v4 payload, or a v3 payload in binary ({@code
   * binaryBody}) or text form.
   */
  static DecodedPayload decode(
      ProtocolVersion protocol, String jsonpIndex, byte[] body, boolean binaryBody)
      throws CodecException {
    if (jsonpIndex != null) {
      String payload = Jsonp.decodeFormBody(body);
      return protocol == ProtocolVersion.V4
          ? PayloadCodec.decodeV4(payload)
          : PayloadCodec.decodeV3String(payload);
    }
    if (protocol == ProtocolVersion.V4) {
      return PayloadCodec.decodeV4(new String(body, StandardCharsets.UTF_8));
    }
    if (binaryBody) {
      return PayloadCodec.decodeV3Binary(body);
    }
    return PayloadCodec.decodeV3String(new String(body, StandardCharsets.UTF_8));
  }

  /** How many record separators (0x1e) a v4 payload holds: one less than its packets. */
  static int countSeparators(byte[] body) {
    int n = 0;
    for (byte b : body) {
      if (b == 0x1e) {
        n++;
      }
    }
    return n;
  }

  private static boolean anyBinary(List<Packet> packets) {
    for (Packet p : packets) {
      if (p.isBinary()) {
        return true;
      }
    }
    return false;
  }

  /** gzip is preferred when both are offered; {@code br} is ignored (docs/protocol.md §8.3). */
  static String acceptedEncoding(String accept) {
    if (accept == null) {
      return null;
    }
    boolean gzip = false;
    boolean deflate = false;
    for (String part : accept.split(",")) {
      String token = part.trim();
      int semi = token.indexOf(';');
      String name = (semi < 0 ? token : token.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
      if (semi >= 0 && qualityIsZero(token.substring(semi + 1))) {
        continue; // q=0: refused
      }
      if (name.equals("gzip")) {
        gzip = true;
      } else if (name.equals("deflate")) {
        deflate = true;
      }
    }
    return gzip ? "gzip" : deflate ? "deflate" : null;
  }

  private static boolean qualityIsZero(String params) {
    for (String param : params.split(";")) {
      String p = param.trim();
      if (p.startsWith("q=")) {
        try {
          return Double.parseDouble(p.substring(2).trim()) <= 0.0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }

  static byte[] compress(byte[] body, String encoding) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 64);
    try (var z =
        encoding.equals("gzip") ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
      z.write(body);
    } catch (IOException e) {
      return null;
    }
    return out.toByteArray();
  }
}

package dev.eio4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the handshake JSON out of an open packet as a test sees it: a v4 payload ({@code 0{…}} possibly
 * followed by {@code \x1e…}), a v3 payload ({@code 118:0{…}…}), a JSONP wrapper ({@code
 * ___eio[0]("…");}) or a WebSocket frame ({@code 0{…}}). Regex-based: the JSON has a fixed flat shape.
 */
public final class OpenPackets {
  private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");
  private static final Pattern JSONP_SID =
      Pattern.compile("\\\\\"sid\\\\\":\\\\\"([^\\\\\"]+)\\\\\"");
  private static final Pattern OBJECT = Pattern.compile("0(\\{[^}]*\\})");
  private static final Pattern KEY = Pattern.compile("\"([A-Za-z]+)\":");

  private OpenPackets() {}

  /** The {@code sid} in an open packet, payload or JSONP body. */
  public static String sid(String body) {
    Matcher m = SID.matcher(body);
    if (m.find()) {
      return m.group(1);
    }
    m = JSONP_SID.matcher(body);
    if (m.find()) {
      return m.group(1);
    }
    throw new IllegalArgumentException("no sid in " + body);
  }

  /** The handshake JSON object (from the brace after the first <code>0</code> to its closing brace). */
  public static String json(String body) {
    Matcher m = OBJECT.matcher(body);
    if (!m.find()) {
      throw new IllegalArgumentException("no open packet in " + body);
    }
    return m.group(1);
  }

  /** The top-level keys of the handshake JSON, in order. */
  public static List<String> keys(String body) {
    String json = json(body);
    List<String> out = new ArrayList<>();
    Matcher m = KEY.matcher(json);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The raw JSON value of one key (e.g. {@code 25000} or {@code ["websocket"]}), or null. */
  public static String field(String body, String key) {
    String json = json(body);
    Matcher m =
        Pattern.compile("\"" + Pattern.quote(key) + "\":(\\[[^\\]]*\\]|\"[^\"]*\"|[^,}]+)")
            .matcher(json);
    return m.find() ? m.group(1) : null;
  }

  /** The expected handshake JSON for a sid and values, in the reference's key order. */
  public static String expectedJson(
      String sid,
      boolean upgradesToWebsocket,
      long pingInterval,
      long pingTimeout,
      long maxPayload) {
    return "{\"sid\":\""
        + sid
        + "\",\"upgrades\":["
        + (upgradesToWebsocket ? "\"websocket\"" : "")
        + "],\"pingInterval\":"
        + pingInterval
        + ",\"pingTimeout\":"
        + pingTimeout
        + ",\"maxPayload\":"
        + maxPayload
        + "}";
  }
}

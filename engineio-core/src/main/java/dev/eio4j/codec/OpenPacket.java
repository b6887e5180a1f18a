package dev.eio4j.codec;

import java.util.List;

/**
 * The handshake JSON carried by the open packet (docs/protocol.md §4.2), written by hand with a fixed key order.
 */
public final class OpenPacket {

  private OpenPacket() {}

  /**
   * Returns the handshake JSON exactly as the reference writes it, e.g.
   * {@code {"sid":"…","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}}:
   * keys in this order, no spaces, strings escaped as {@code JSON.stringify} does. The open packet on the
   * wire is {@code '0'} followed by this text.
   */
  public static String json(
      String sid, List<String> upgrades, long pingInterval, long pingTimeout, long maxPayload) {
    StringBuilder sb = new StringBuilder(96 + sid.length() + upgrades.size() * 16);
    sb.append("{\"sid\":");
    Json.appendString(sb, sid, false);
    sb.append(",\"upgrades\":[");
    for (int i = 0; i < upgrades.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Json.appendString(sb, upgrades.get(i), false);
    }
    sb.append("],\"pingInterval\":")
        .append(pingInterval)
        .append(",\"pingTimeout\":")
        .append(pingTimeout)
        .append(",\"maxPayload\":")
        .append(maxPayload)
        .append('}');
    return sb.toString();
  }
}

package dev.eio4j.socketio.parser;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Encodes packets: {@code <type>[<attachments>-][<nsp>,][<id>][<json>]}, the main namespace never written
 * out, then one binary message per attachment. Stateless and thread-safe.
 */
public final class SioEncoder {
  private SioEncoder() {}

  /**
   * One encoded packet: the text message, then the attachments to send after it as binary messages, in
   * order.
   *
   * @param text the text frame
   * @param attachments the binary frames (empty for packets without binary)
   */
  public record Encoded(String text, List<byte[]> attachments) {
    /** Copies the attachment list. */
    public Encoded {
      attachments = List.copyOf(attachments);
    }
  }

  /** Encodes {@code packet}. */
  public static Encoded encode(SioPacket packet) {
    StringBuilder sb = new StringBuilder(32);
    sb.append((char) ('0' + packet.type().id()));
    List<byte[]> attachments = new ArrayList<>(0);
    JsonNode data = packet.data();
    if (packet.type().isBinary()) {
      if (data != null) {
        data = Placeholders.deconstruct(data, attachments);
      }
      sb.append(attachments.size()).append('-');
    }
    if (!packet.nsp().equals("/")) {
      sb.append(packet.nsp()).append(',');
    }
    if (packet.hasId()) {
      sb.append(packet.id());
    }
    if (data != null) {
      sb.append(SioJson.write(data));
    }
    return new Encoded(sb.toString(), attachments);
  }
}

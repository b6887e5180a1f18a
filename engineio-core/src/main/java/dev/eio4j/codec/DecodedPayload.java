package dev.eio4j.codec;

import dev.eio4j.protocol.Packet;
import java.util.List;

/**
 * The result of decoding a polling payload: the packets decoded in order, and the error that stopped
 * decoding, if any. The packets before an error are valid and are delivered like the reference server
 * does; the session must then be closed with {@code parse error}.
 *
 * @param packets the packets decoded before the end or the first error (an unmodifiable copy)
 * @param error   the first decoding error, or {@code null} when the whole payload was decoded
 */
public record DecodedPayload(List<Packet> packets, CodecException error) {

  /** Copies {@code packets} into an unmodifiable list. */
  public DecodedPayload {
    packets = List.copyOf(packets);
  }

  /** Returns true when decoding stopped on an error. */
  public boolean hasError() {
    return error != null;
  }
}

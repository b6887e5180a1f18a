/**
 * Wire encodings of Engine.IO v3 and v4: single packets ({@link dev.eio4j.codec.PacketCodec}), polling
 * payloads ({@link dev.eio4j.codec.PayloadCodec}), JSONP framing ({@link dev.eio4j.codec.Jsonp}) and the
 * handshake JSON ({@link dev.eio4j.codec.OpenPacket}).
 *
 * <p>Everything here is a pure function of its arguments: no I/O, no state, no logging. Malformed peer
 * input only ever yields a {@link dev.eio4j.codec.CodecException}; unchecked exceptions signal caller bugs.
 * This package depends on {@code dev.eio4j.protocol} and the JDK only.
 */
package dev.eio4j.codec;

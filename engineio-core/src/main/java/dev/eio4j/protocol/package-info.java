/**
 * Protocol values of Engine.IO v3 and v4: packet types, protocol versions, transport names and the
 * immutable {@link dev.eio4j.protocol.Packet}; and {@link dev.eio4j.protocol.UrlEncoded}, the
 * urlencoded decoding that both the request parsing ({@code spi}) and the JSONP codec need.
 *
 * <p>This package holds no packet encoding and no I/O. It depends on the JDK and nothing else;
 * every other eio4j package may depend on it.
 */
package dev.eio4j.protocol;

/**
 * The adapter SPI: what an I/O runtime (Netty, Servlet containers) implements so that the pure core can
 * speak Engine.IO through it. Depends on the JDK and {@code dev.eio4j.protocol} only.
 *
 * <p>An adapter translates and does nothing else: it turns one HTTP request into an {@link
 * dev.eio4j.spi.HttpExchange}, one WebSocket handshake into a {@link dev.eio4j.spi.WsUpgrade}, and
 * provides a {@link dev.eio4j.spi.Lane} (a serial executor with timers) for each new session.
 */
package dev.eio4j.spi;

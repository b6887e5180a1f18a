/**
 * The Servlet runtime's internals: the polling exchange over {@code AsyncContext}, the WebSocket handshake
 * verdict and the Jakarta session bridge, lanes over a shared pool, and the two container-specific
 * operations the standard APIs lack. Depends on the core {@code spi} and the Jakarta APIs.
 */
package dev.eio4j.servlet.internal;

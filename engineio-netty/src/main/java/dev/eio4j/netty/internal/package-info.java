/** The Netty adapter's internals: pipeline, HTTP exchange, WebSocket handshake and frames, lanes. */
package dev.eio4j.netty.internal;

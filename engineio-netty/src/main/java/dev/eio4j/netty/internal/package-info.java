/**
 * The Netty adapter's internals: pipeline, connection deadlines (slowloris, idle, WebSocket close),
 * HTTP exchange, WebSocket handshake and frames, lanes.
 */
package dev.eio4j.netty.internal;

/**
 * The adapter SPI: how a namespace keeps its rooms and reaches its sockets, on this server and, for a
 * cluster adapter, on the others. Shaped after the Node {@code socket.io-adapter} {@code Adapter} class;
 * docs/socketio.md (section "The adapter SPI") maps each method onto the messages a cluster adapter
 * speaking the {@code @socket.io/redis-adapter} 8.x format would send.
 */
package dev.eio4j.socketio.spi;

/**
 * The engine's internals: sessions, transports, heartbeats, the upgrade state machine and request
 * routing. Not an API: nothing here is stable. Depends on the root API, {@code protocol}, {@code codec}
 * and {@code spi}.
 */
package dev.eio4j.internal;

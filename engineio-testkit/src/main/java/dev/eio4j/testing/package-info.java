/**
 * Test tooling for eio4j: virtual time ({@link dev.eio4j.testing.ManualScheduler}), in-memory SPI fakes
 * ({@link dev.eio4j.testing.FakeHttpExchange}, {@link dev.eio4j.testing.FakeWsUpgrade}, {@link
 * dev.eio4j.testing.FakeWsConnection}), an event recorder ({@link dev.eio4j.testing.RecordingListener})
 * and a harness that wires them to a real {@link dev.eio4j.EngineIoServer} ({@link
 * dev.eio4j.testing.EngineHarness}); and, for runtimes over real loopback sockets, a client that can
 * misbehave on purpose ({@link dev.eio4j.testing.RawClient}: slow or partial requests, duplicate GETs,
 * garbage or unmasked WebSocket frames, half-closed TCP, a peer that never reads).
 *
 * <p>Depends on {@code engineio-core} and the JDK only (no test framework), so any module can use it in
 * its tests. Apart from {@code RawClient}, nothing here sleeps or opens a socket.
 */
package dev.eio4j.testing;

package dev.eio4j.bench.load;

import java.util.concurrent.atomic.LongAdder;

/** What the clients of one process count and time. Thread-safe. */
final class Metrics {
  /** Echo round trips (echo scenarios) or probe round trips (idle), ns. */
  final Recorder latency = new Recorder();

  /** Connect + handshake until the open packet (or the raw server's first frame), ns. */
  final Recorder connect = new Recorder();

  /** v3: our ping until the server's pong, ns. */
  final Recorder heartbeat = new Recorder();

  /** v4: time between two server pings minus pingInterval, ns. */
  final Recorder pingLag = new Recorder();

  /** broadcast: trigger until one connection had every message of its round, ns. */
  final Recorder completion = new Recorder();

  final LongAdder sent = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder receivedWindow = new LongAdder();
  final LongAdder httpRequests = new LongAdder();
  final LongAdder httpRequestsWindow = new LongAdder();
  final LongAdder pingsAnswered = new LongAdder();
  final LongAdder pongsReceived = new LongAdder();

  /** False while prewarming. */
  volatile boolean recordConnects = true;

  /** True inside the measured window. */
  volatile boolean measuring;

  void httpRequest() {
    httpRequests.increment();
    if (measuring) {
      httpRequestsWindow.increment();
    }
  }
}

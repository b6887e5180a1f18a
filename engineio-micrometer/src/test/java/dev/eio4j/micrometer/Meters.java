package dev.eio4j.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Reads the {@code engineio.*} meters of a registry by their tags (the test's view of the list in docs/operations.md). */
final class Meters {
  private final MeterRegistry r;

  Meters(MeterRegistry r) {
    this.r = r;
  }

  double open(String transport, String protocol) {
    return r.get("engineio.sessions.open")
        .tags("transport", transport, "protocol", protocol)
        .gauge()
        .value();
  }

  double handshakes(String transport, String protocol) {
    return r.get("engineio.handshakes")
        .tags("transport", transport, "protocol", protocol)
        .counter()
        .count();
  }

  double closes(String reason, String transport) {
    return r.get("engineio.closes")
        .tags("reason", reason, "transport", transport)
        .counter()
        .count();
  }

  double closesTotal() {
    return r.get("engineio.closes").counters().stream().mapToDouble(Counter::count).sum();
  }

  Timer sessionDuration() {
    return r.get("engineio.session.duration").timer();
  }

  double upgrades(String protocol, String result, String reason) {
    return r.get("engineio.upgrades")
        .tags("protocol", protocol, "result", result, "reason", reason)
        .counter()
        .count();
  }

  Timer rtt(String transport) {
    return r.get("engineio.heartbeat.rtt").tags("transport", transport).timer();
  }

  Timer holds(String protocol) {
    return r.get("engineio.poll.hold").tags("protocol", protocol).timer();
  }

  double packets(String transport, String direction) {
    return r.get("engineio.packets")
        .tags("transport", transport, "direction", direction)
        .counter()
        .count();
  }

  double bytes(String transport, String direction) {
    return r.get("engineio.bytes")
        .tags("transport", transport, "direction", direction)
        .counter()
        .count();
  }

  double sendBuffer() {
    return r.get("engineio.send.buffer").gauge().value();
  }

  double limit(String kind) {
    return r.get("engineio.limit.rejections").tags("kind", kind).counter().count();
  }

  double limitTotal() {
    return r.get("engineio.limit.rejections").counters().stream().mapToDouble(Counter::count).sum();
  }

  double connectionErrors(String code) {
    return r.get("engineio.connection.errors").tags("code", code).counter().count();
  }
}

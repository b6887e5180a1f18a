package dev.eio4j.bench.jmh;

import dev.eio4j.codec.OpenPacket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The handshake JSON of the open packet, as written for every new session. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class OpenPacketBenchmark {
  private final String sid = "XOPMNoYYwJ5ouC0oAAAA";
  private final List<String> polling = List.of("websocket");
  private final List<String> websocket = List.of();

  @Benchmark
  public String pollingHandshake() {
    return OpenPacket.json(sid, polling, 25_000, 20_000, 1_000_000);
  }

  @Benchmark
  public String websocketHandshake() {
    return OpenPacket.json(sid, websocket, 25_000, 20_000, 1_000_000);
  }
}

package dev.eio4j.bench.jmh;

import dev.eio4j.codec.DecodedPayload;
import dev.eio4j.codec.PayloadCodec;
import dev.eio4j.protocol.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Polling payload batching: 10 packets per payload, v4 ({@code 0x1E}-joined), v3 string ({@code len:})
 * and v3 binary (XHR2, half of the packets binary).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PayloadBenchmark {

  /** Packets per payload. */
  public static final int PACKETS = 10;

  @Param({"32", "4096"})
  public int size;

  private List<Packet> textPackets;
  private List<Packet> mixedPackets;
  private String v4Body;
  private String v3Body;
  private byte[] v3BinaryBody;

  @Setup
  public void setup() {
    textPackets = new ArrayList<>();
    mixedPackets = new ArrayList<>();
    for (int i = 0; i < PACKETS; i++) {
      textPackets.add(Packet.message(Payloads.text(size)));
      mixedPackets.add(
          i % 2 == 0 ? Packet.message(Payloads.text(size)) : Packet.message(Payloads.bytes(size)));
    }
    v4Body = PayloadCodec.encodeV4(textPackets);
    v3Body = PayloadCodec.encodeV3String(textPackets);
    v3BinaryBody = PayloadCodec.encodeV3Binary(mixedPackets);
  }

  @Benchmark
  public String encodeV4() {
    return PayloadCodec.encodeV4(textPackets);
  }

  @Benchmark
  public DecodedPayload decodeV4() {
    return PayloadCodec.decodeV4(v4Body);
  }

  @Benchmark
  public String encodeV3String() {
    return PayloadCodec.encodeV3String(textPackets);
  }

  @Benchmark
  public DecodedPayload decodeV3String() {
    return PayloadCodec.decodeV3String(v3Body);
  }

  @Benchmark
  public byte[] encodeV3Binary() {
    return PayloadCodec.encodeV3Binary(mixedPackets);
  }

  @Benchmark
  public DecodedPayload decodeV3Binary() {
    return PayloadCodec.decodeV3Binary(v3BinaryBody);
  }
}

package dev.eio4j.bench.jmh;

import dev.eio4j.codec.CodecException;
import dev.eio4j.codec.PacketCodec;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.ProtocolVersion;
import java.util.Arrays;
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
 * Single-packet codec: text messages (32 B and 4 KiB), binary as base64 text ({@code b…} / {@code b4…})
 * and binary WebSocket frames, encode and decode, for v3 and v4.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CodecBenchmark {

  @Param({"V4", "V3"})
  public ProtocolVersion version;

  @Param({"32", "4096"})
  public int size;

  private Packet textPacket;
  private Packet binaryPacket;
  private String encodedText;
  private String encodedBase64;
  private byte[] encodedFrame;

  @Setup
  public void setup() {
    textPacket = Packet.message(Payloads.text(size));
    byte[] bytes = Payloads.bytes(size);
    binaryPacket = Packet.message(bytes);
    encodedText = PacketCodec.encodeText(textPacket, version);
    encodedBase64 = PacketCodec.encodeText(binaryPacket, version);
    encodedFrame = PacketCodec.encodeBinaryFrame(binaryPacket, version);
    if (version == ProtocolVersion.V4) {
      encodedFrame = Arrays.copyOf(encodedFrame, encodedFrame.length); // not the packet's own array
    }
  }

  @Benchmark
  public String encodeText() {
    return PacketCodec.encodeText(textPacket, version);
  }

  @Benchmark
  public Packet decodeText() throws CodecException {
    return PacketCodec.decodeText(encodedText, version);
  }

  @Benchmark
  public String encodeBinaryAsBase64() {
    return PacketCodec.encodeText(binaryPacket, version);
  }

  @Benchmark
  public Packet decodeBase64() throws CodecException {
    return PacketCodec.decodeText(encodedBase64, version);
  }

  @Benchmark
  public byte[] encodeBinaryFrame() {
    return PacketCodec.encodeBinaryFrame(binaryPacket, version);
  }

  @Benchmark
  public Packet decodeBinaryFrame() throws CodecException {
    return PacketCodec.decodeBinaryFrame(encodedFrame, version);
  }
}

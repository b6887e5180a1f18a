package dev.eio4j.bench.jmh;

import dev.eio4j.spi.WsConnection;

/** A WebSocket that keeps only the last frame and a count (so the JIT cannot drop the work). */
final class DiscardingWs implements WsConnection {
  String lastText;
  byte[] lastBinary;
  long frames;
  long flushes;
  boolean closed;

  @Override
  public void sendText(String text) {
    lastText = text;
    frames++;
  }

  @Override
  public void sendBinary(byte[] data) {
    lastBinary = data;
    frames++;
  }

  @Override
  public void flush() {
    flushes++;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public void close(int statusCode, String reason) {
    closed = true;
  }
}

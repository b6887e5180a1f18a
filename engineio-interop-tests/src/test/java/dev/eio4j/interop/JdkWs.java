package dev.eio4j.interop;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link java.net.http.WebSocket} whose incoming messages land in a queue: text as {@link String},
 * binary as {@code byte[]} (partial messages joined). The close arrives as a future of the status code
 * ({@link RawWebSocket#ABNORMAL} when the connection broke without a close frame).
 */
final class JdkWs {
  private final WebSocket ws;
  private final BlockingQueue<Object> messages;
  private final CompletableFuture<Integer> closed;

  private JdkWs(WebSocket ws, BlockingQueue<Object> messages, CompletableFuture<Integer> closed) {
    this.ws = ws;
    this.messages = messages;
    this.closed = closed;
  }

  /** Opens a WebSocket to {@code uri} (the handshake must succeed within 5 s). */
  static JdkWs open(HttpClient client, URI uri) throws Exception {
    return openAsync(client, uri).get(5, TimeUnit.SECONDS);
  }

  /** Opens a WebSocket to {@code uri} without waiting. */
  static CompletableFuture<JdkWs> openAsync(HttpClient client, URI uri) {
    BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    Collector collector = new Collector(messages, closed);
    return client
        .newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(uri, collector)
        .thenApply(ws -> new JdkWs(ws, messages, closed));
  }

  WebSocket socket() {
    return ws;
  }

  void sendText(String text) throws Exception {
    ws.sendText(text, true).get(5, TimeUnit.SECONDS);
  }

  void sendBinary(byte[] data) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
  }

  /** The next message ({@link String} or {@code byte[]}), waiting at most {@code timeout}. */
  Object next(Duration timeout) throws Exception {
    Object m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (m == null) {
      throw new TimeoutException(
          "no message within "
              + timeout
              + (closed.isDone() ? " (closed: " + closed.getNow(null) + ")" : ""));
    }
    return m;
  }

  /** The next message, waiting at most 5 s. */
  Object next() throws Exception {
    return next(Duration.ofSeconds(5));
  }

  /** The next message, which must be text. */
  String nextText() throws Exception {
    Object m = next();
    if (!(m instanceof String s)) {
      throw new AssertionError("expected a text message, got " + describe(m));
    }
    return s;
  }

  /** Messages already received and not yet taken. */
  int pending() {
    return messages.size();
  }

  /** Completes with the close status code. */
  CompletableFuture<Integer> closed() {
    return closed;
  }

  /** Sends a normal close (1000) and does not wait. */
  void close() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
  }

  /** Drops the connection without a close handshake. */
  void abort() {
    ws.abort();
  }

  static String describe(Object m) {
    return m instanceof byte[] b ? "binary(" + b.length + ")" : String.valueOf(m);
  }

  private static final class Collector implements WebSocket.Listener {
    private final BlockingQueue<Object> messages;
    private final CompletableFuture<Integer> closed;
    private final StringBuilder text = new StringBuilder();
    private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

    Collector(BlockingQueue<Object> messages, CompletableFuture<Integer> closed) {
      this.messages = messages;
      this.closed = closed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.writeBytes(chunk);
      if (last) {
        messages.add(binary.toByteArray());
        binary.reset();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null; // the JDK then answers the close
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(RawWebSocket.ABNORMAL);
    }
  }
}

package dev.eio4j.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client on a raw TCP socket that can misbehave on purpose, for testing any runtime (Netty, servlet)
 * over real loopback: HTTP/1.1 requests written byte by byte or not at all, bodies that stall, duplicate
 * requests, a half-closed connection ({@link #shutdownOutput()}), a WebSocket (RFC 6455) with garbage or
 * unmasked frames, and a peer that never reads (a small receive buffer and no reads). Reads block up to
 * the timeout ({@link #timeout(Duration)}, 10 s by default) and throw {@link SocketTimeoutException}
 * after it. Not thread-safe, except that {@link #close()} and {@link #abort()} may be called from any
 * thread.
 *
 * <pre>{@code
 * try (RawClient c = RawClient.connect(port)) {
 *   c.request("GET", "/engine.io/?EIO=4&transport=polling", null);
 *   RawClient.Response r = c.readResponse();
 *   String sid = RawClient.sidOf(r.text());
 * }
 * }</pre>
 */
public final class RawClient implements Closeable {
  /** Text frame opcode. */
  public static final int TEXT = 1;

  /** Binary frame opcode. */
  public static final int BINARY = 2;

  /** Close frame opcode. */
  public static final int CLOSE = 8;

  /** Ping frame opcode. */
  public static final int PING = 9;

  /** Pong frame opcode. */
  public static final int PONG = 10;

  /** What {@link #awaitClose()} returns for a close frame without a status code. */
  public static final int NO_STATUS = 1005;

  /** What {@link #awaitClose()} returns when the connection ended without a close frame. */
  public static final int ABNORMAL = 1006;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String host;

  private RawClient(Socket socket, String host) throws IOException {
    this.socket = socket;
    this.host = host;
    this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code 127.0.0.1:port}. */
  public static RawClient connect(int port) throws IOException {
    return connect("127.0.0.1", port, 0);
  }

  /**
   * Connects to {@code host:port}; a {@code receiveBuffer} above 0 sets {@code SO_RCVBUF} before the
   * connection (a small one makes a client that does not read push back on the server at once).
   */
  public static RawClient connect(String host, int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.setTcpNoDelay(true);
    s.setSoTimeout(10_000);
    s.connect(new InetSocketAddress(host, port), 5_000);
    return new RawClient(s, host + ":" + port);
  }

  /** Sets the read timeout. */
  public RawClient timeout(Duration d) throws SocketException {
    socket.setSoTimeout((int) Math.max(1, d.toMillis()));
    return this;
  }

  /** The underlying socket. */
  public Socket socket() {
    return socket;
  }

  // ------------------------------------------------------------------ HTTP

  /** Writes raw bytes. */
  public RawClient write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Writes raw ISO-8859-1 text (request lines, headers). */
  public RawClient write(String text) throws IOException {
    return write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The head of a request ({@code Host} added, and {@code Content-Length} when {@code bodyLength >= 0}). */
  public static String head(String method, String target, long bodyLength, String... headers) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    if (bodyLength >= 0) {
      sb.append("Content-Length: ").append(bodyLength).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /** Sends a request with a UTF-8 body (null: no body and no Content-Length). */
  public RawClient request(String method, String target, String body, String... headers)
      throws IOException {
    byte[] b = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.writeBytes(
        head(method, target, b == null ? -1 : b.length, headers)
            .getBytes(StandardCharsets.ISO_8859_1));
    if (b != null) {
      req.writeBytes(b);
    }
    return write(req.toByteArray());
  }

  /** An HTTP response. Header names are lower case. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    /** The body as UTF-8. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** A header, by case-insensitive name, or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + text();
    }
  }

  /** Reads one response: head, then a body of {@code Content-Length} bytes (none for 101, 204, 304). */
  public Response readResponse() throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new EOFException("connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.merge(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
    }
    byte[] body = new byte[0];
    String cl = headers.get("content-length");
    if (status != 101 && status != 204 && status != 304 && cl != null) {
      body = in.readNBytes(Integer.parseInt(cl));
    }
    return new Response(status, headers, body);
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        byte[] l = line.toByteArray();
        int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
        return new String(l, 0, n, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
  }

  /**
   * Reads and discards until the server closes the connection; true when it did within {@code within}
   * (false when the connection is still open then).
   */
  public boolean awaitEof(Duration within) throws IOException {
    long end = System.nanoTime() + within.toNanos();
    int old = socket.getSoTimeout();
    try {
      byte[] sink = new byte[8192];
      while (true) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) Math.max(1, left));
        try {
          if (in.read(sink) < 0) {
            return true;
          }
        } catch (SocketTimeoutException e) {
          return false;
        } catch (SocketException e) {
          return true; // reset by the server
        }
      }
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(old);
      }
    }
  }

  /** Half-closes: the server reads end-of-stream, this client can still read. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  // ------------------------------------------------------------------ WebSocket

  /**
   * Sends a WebSocket handshake and reads the response head; after a 101 the connection speaks
   * WebSocket. A refusal is returned with its body.
   */
  public Response upgrade(String target, String... headers) throws IOException {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    String[] all = new String[headers.length + 4];
    all[0] = "Upgrade: websocket";
    all[1] = "Connection: Upgrade";
    all[2] = "Sec-WebSocket-Key: " + key;
    all[3] = "Sec-WebSocket-Version: 13";
    System.arraycopy(headers, 0, all, 4, headers.length);
    write(head("GET", target, -1, all));
    Response r = readResponse();
    if (r.status() == 101 && !accept(key).equals(r.header("Sec-WebSocket-Accept"))) {
      throw new IOException("bad Sec-WebSocket-Accept: " + r);
    }
    return r;
  }

  private static String accept(String key) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-1")
              .digest(
                  (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                      .getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Sends a masked text frame. */
  public RawClient sendText(String text) throws IOException {
    return sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** Sends a masked binary frame. */
  public RawClient sendBinary(byte[] data) throws IOException {
    return sendFrame(BINARY, data, true);
  }

  /** Sends a close frame with a status code. */
  public RawClient sendClose(int status) throws IOException {
    return sendFrame(CLOSE, new byte[] {(byte) (status >> 8), (byte) status}, true);
  }

  /** Sends one final frame; {@code masked=false} breaks RFC 6455 (a client must mask). */
  public RawClient sendFrame(int opcode, byte[] payload, boolean masked) throws IOException {
    return write(frame(opcode, payload, masked));
  }

  /** Encodes one final client frame. */
  public static byte[] frame(int opcode, byte[] payload, boolean masked) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(0x80 | opcode);
    int n = payload.length;
    int maskBit = masked ? 0x80 : 0;
    if (n < 126) {
      f.write(maskBit | n);
    } else if (n < 65536) {
      f.write(maskBit | 126);
      f.write(n >> 8);
      f.write(n);
    } else {
      f.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        f.write((int) ((long) n >> shift));
      }
    }
    if (!masked) {
      f.writeBytes(payload);
      return f.toByteArray();
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < n; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    return f.toByteArray();
  }

  /** One WebSocket message from the server. */
  public record Frame(int opcode, byte[] payload) {
    /** The payload as UTF-8. */
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame ({@link #NO_STATUS} when it has none). */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : NO_STATUS;
    }

    @Override
    public String toString() {
      return opcode == TEXT
          ? "text:" + text()
          : opcode == CLOSE ? "close:" + closeCode() : "op" + opcode + ":" + payload.length + "B";
    }
  }

  /** The next text, binary or close frame (continuations joined; pings answered, pongs skipped). */
  public Frame readFrame() throws IOException {
    int messageOpcode = -1;
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (true) {
      int b0 = readByte();
      int b1 = readByte();
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0f;
      long len = b1 & 0x7f;
      if (len == 126) {
        len = (readByte() << 8) | readByte();
      } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | readByte();
        }
      }
      byte[] payload = in.readNBytes((int) len);
      if (payload.length != len) {
        throw new EOFException("connection closed inside a frame");
      }
      switch (opcode) {
        case PING -> sendFrame(PONG, payload, true);
        case PONG -> {
          // ignored
        }
        case CLOSE -> {
          return new Frame(CLOSE, payload);
        }
        default -> {
          if (opcode != 0) {
            messageOpcode = opcode;
          }
          message.writeBytes(payload);
          if (fin) {
            return new Frame(messageOpcode, message.toByteArray());
          }
        }
      }
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed");
    }
    return b;
  }

  /** The next frame, which must be text; returns its text. */
  public String readText() throws IOException {
    Frame f = readFrame();
    if (f.opcode() != TEXT) {
      throw new IOException("expected a text frame, got " + f);
    }
    return f.text();
  }

  /**
   * Reads until the server closes: the close frame's status ({@link #NO_STATUS} without one), or {@link
   * #ABNORMAL} when the connection ended without a close frame. Data frames are skipped.
   */
  public int awaitClose() throws IOException {
    while (true) {
      Frame f;
      try {
        f = readFrame();
      } catch (EOFException | SocketException e) {
        return ABNORMAL;
      }
      if (f.opcode() == CLOSE) {
        return f.closeCode();
      }
    }
  }

  // ------------------------------------------------------------------ Engine.IO helpers

  /** The sid in an open packet ({@code 0{"sid":"…",…}}, possibly inside a payload). */
  public static String sidOf(String openPacket) {
    int at = openPacket.indexOf("\"sid\":\"");
    if (at < 0) {
      throw new IllegalArgumentException("no sid in " + openPacket);
    }
    at += 7;
    return openPacket.substring(at, openPacket.indexOf('"', at));
  }

  // ------------------------------------------------------------------ closing

  /** Closes with a reset (SO_LINGER 0): no TIME_WAIT on this side. */
  public void abort() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // closing anyway
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public String toString() {
    return "RawClient{" + host + "}";
  }
}

package dev.eio4j.interop;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A minimal RFC 6455 client over a raw socket. It exposes what {@code java.net.http.WebSocket} hides:
 * the exact handshake response (a 400 written instead of a 101, the headers of the 101) and the exact
 * close code. Reads are blocking with a timeout; pings from the server are answered.
 */
final class RawWebSocket implements Closeable {
  static final int OP_CONT = 0;
  static final int OP_TEXT = 1;
  static final int OP_BINARY = 2;
  static final int OP_CLOSE = 8;
  static final int OP_PING = 9;
  static final int OP_PONG = 10;

  /** What {@link #awaitClose} returns when the TCP connection ended without a close frame. */
  static final int ABNORMAL = 1006;

  /** What {@link #awaitClose} returns for a close frame without a status code. */
  static final int NO_STATUS = 1005;

  private static final SecureRandom RANDOM = new SecureRandom();
  private final RawHttp conn;
  private final DataInputStream in;
  private final RawHttp.Response handshake;

  private RawWebSocket(RawHttp conn, RawHttp.Response handshake) {
    this.conn = conn;
    this.in = new DataInputStream(conn.input());
    this.handshake = handshake;
  }

  /**
   * Sends a WebSocket handshake for {@code target} (e.g. {@code /engine.io/?EIO=4&transport=websocket})
   * with extra {@code "Name: value"} headers. The result holds the response; for a 101 it also holds the
   * open socket.
   */
  static Handshake connect(int port, String target, String... headers) throws IOException {
    RawHttp conn = RawHttp.connect(port);
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    String[] all = new String[headers.length + 4];
    all[0] = "Upgrade: websocket";
    all[1] = "Connection: Upgrade";
    all[2] = "Sec-WebSocket-Key: " + key;
    all[3] = "Sec-WebSocket-Version: 13";
    System.arraycopy(headers, 0, all, 4, headers.length);
    conn.sendRequest("GET", target, null, all);
    RawHttp.Response head = conn.readHead();
    if (head.status() != 101) {
      // a refused handshake: read the body that follows the head
      String cl = head.header("Content-Length");
      byte[] body =
          cl == null ? conn.input().readAllBytes() : conn.input().readNBytes(Integer.parseInt(cl));
      boolean closed = conn.peerClosed();
      conn.close();
      return new Handshake(
          new RawHttp.Response(head.statusLine(), head.status(), head.headers(), body, false),
          null,
          closed);
    }
    if (!accept(key).equals(head.header("Sec-WebSocket-Accept"))) {
      conn.close();
      throw new IOException("bad Sec-WebSocket-Accept in " + head);
    }
    return new Handshake(head, new RawWebSocket(conn, head), false);
  }

  /** Connects and requires a 101. */
  static RawWebSocket open(int port, String target, String... headers) throws IOException {
    Handshake h = connect(port, target, headers);
    if (h.socket() == null) {
      throw new IOException("handshake refused: " + h.response());
    }
    return h.socket();
  }

  private static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] d =
          sha1.digest(
              (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  RawHttp.Response handshakeResponse() {
    return handshake;
  }

  void sendText(String text) throws IOException {
    sendFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  void sendBinary(byte[] data) throws IOException {
    sendFrame(OP_BINARY, data);
  }

  synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
    sendFrame(opcode, payload, false);
  }

  /** One frame, with RSV1 set when {@code compressed} (a permessage-deflate message). */
  synchronized void sendFrame(int opcode, byte[] payload, boolean compressed) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(0x80 | (compressed ? 0x40 : 0) | opcode);
    int n = payload.length;
    if (n < 126) {
      f.write(0x80 | n);
    } else if (n < 65536) {
      f.write(0x80 | 126);
      f.write(n >> 8);
      f.write(n);
    } else {
      f.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        f.write((int) ((long) n >> shift));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    f.writeBytes(mask);
    byte[] masked = new byte[n];
    for (int i = 0; i < n; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    f.writeBytes(masked);
    conn.write(f.toByteArray());
  }

  /**
   * The next text, binary or close message (continuations joined; pings answered, pongs skipped).
   *
   * @throws SocketTimeoutException when nothing arrives within the read timeout
   * @throws EOFException when the connection ended without a close frame
   */
  Frame read() throws IOException {
    int messageOpcode = -1;
    boolean compressed = false;
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (true) {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      boolean fin = (b0 & 0x80) != 0;
      boolean rsv1 = (b0 & 0x40) != 0;
      int opcode = b0 & 0x0f;
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      if ((b1 & 0x80) != 0) {
        throw new IOException("server frames must not be masked");
      }
      byte[] payload = in.readNBytes((int) len);
      if (payload.length != len) {
        throw new EOFException("connection closed inside a frame");
      }
      switch (opcode) {
        case OP_PING -> sendFrame(OP_PONG, payload);
        case OP_PONG -> {
          // unsolicited pong: ignored
        }
        case OP_CLOSE -> {
          return new Frame(OP_CLOSE, payload, false);
        }
        default -> {
          if (opcode != OP_CONT) {
            messageOpcode = opcode;
            compressed = rsv1;
          }
          message.writeBytes(payload);
          if (fin) {
            return new Frame(messageOpcode, message.toByteArray(), compressed);
          }
        }
      }
    }
  }

  /** The next message, which must be a text frame; returns its text. */
  String readText() throws IOException {
    Frame f = read();
    if (f.opcode() != OP_TEXT) {
      throw new IOException("expected a text frame, got " + f);
    }
    return f.text();
  }

  /**
   * Reads until the server closes: returns the close frame's status code ({@link #NO_STATUS} if it had
   * none) or {@link #ABNORMAL} when the TCP connection ended without one. Data frames are skipped.
   *
   * @throws SocketTimeoutException when the server keeps the connection open past the read timeout
   */
  int awaitClose() throws IOException {
    while (true) {
      Frame f;
      try {
        f = read();
      } catch (EOFException e) {
        return ABNORMAL;
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        return ABNORMAL; // reset
      }
      if (f.opcode() == OP_CLOSE) {
        return f.closeCode();
      }
    }
  }

  @Override
  public void close() {
    conn.close();
  }

  /**
   * The outcome of a handshake.
   *
   * @param response the status line and headers (and the body, for a refusal)
   * @param socket the open WebSocket for a 101, else null
   * @param closedAfterRefusal whether the server closed the connection after a refusal
   */
  record Handshake(RawHttp.Response response, RawWebSocket socket, boolean closedAfterRefusal) {}

  /**
   * One message or control frame.
   *
   * @param opcode {@link #OP_TEXT}, {@link #OP_BINARY} or {@link #OP_CLOSE}
   * @param payload the (joined) payload, as received (still deflated when {@code compressed})
   * @param compressed whether RSV1 was set on the message (permessage-deflate)
   */
  record Frame(int opcode, byte[] payload, boolean compressed) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : NO_STATUS;
    }

    @Override
    public String toString() {
      return "Frame{op="
          + opcode
          + ", "
          + (opcode == OP_BINARY ? payload.length + " bytes" : text())
          + "}";
    }
  }
}

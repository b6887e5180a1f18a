package dev.eio4j.interop;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain {@link Socket}, for the cases where the exact bytes matter: requests that must
 * overlap on separate connections, bodies sent slowly or in chunks, and responses read exactly as
 * written (status line, header names as sent, body). One instance is one TCP connection.
 */
final class RawHttp implements Closeable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:{@code port}; every read gives up after {@code readTimeout}. */
  static RawHttp connect(int port, Duration readTimeout) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout((int) readTimeout.toMillis());
    return new RawHttp(s);
  }

  /** Connects with a 5 s read timeout. */
  static RawHttp connect(int port) throws IOException {
    return connect(port, Duration.ofSeconds(5));
  }

  /** One request on a fresh connection, then the connection is closed. */
  static Response exchange(int port, String method, String target, byte[] body, String... headers)
      throws IOException {
    try (RawHttp c = connect(port)) {
      c.sendRequest(method, target, body, headers);
      return c.readResponse();
    }
  }

  /**
   * Writes a request with {@code Host}, the given {@code "Name: value"} headers and, when {@code body}
   * is not null, {@code Content-Length} and the body.
   */
  void sendRequest(String method, String target, byte[] body, String... headers)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    if (body != null) {
      sb.append("Content-Length: ").append(body.length).append("\r\n");
    }
    sb.append("\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  /** Writes raw bytes (a partial request, a chunk). */
  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Writes a string as ISO-8859-1 bytes. */
  void write(String s) throws IOException {
    write(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Writes one chunk of a {@code Transfer-Encoding: chunked} body (an empty one ends the body). */
  void writeChunk(byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(data.length + 16);
    b.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(data);
    b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    write(b.toByteArray());
  }

  InputStream input() {
    return in;
  }

  Socket socket() {
    return socket;
  }

  /**
   * Reads one response: status line, headers, and a body delimited by {@code Content-Length}, chunked
   * encoding, or the end of the connection (when neither is given and the status allows a body).
   */
  Response readResponse() throws IOException {
    return readResponse(in, true);
  }

  /** Reads only the status line and headers (for a 101, after which frames follow). */
  Response readHead() throws IOException {
    return readResponse(in, false);
  }

  private static Response readResponse(InputStream in, boolean withBody) throws IOException {
    String statusLine = readLine(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
    }
    Response head = new Response(statusLine, status, headers, new byte[0], false);
    if (!withBody || status == 101 || status == 204 || status == 304) {
      return head;
    }
    String te = head.header("Transfer-Encoding");
    String cl = head.header("Content-Length");
    byte[] body;
    boolean chunked = false;
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = readChunked(in);
      chunked = true;
    } else if (cl != null) {
      body = in.readNBytes(Integer.parseInt(cl));
    } else {
      body = in.readAllBytes();
    }
    return new Response(statusLine, status, headers, body, chunked);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.writeBytes(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException(
            "connection closed after: " + line.toString(StandardCharsets.ISO_8859_1));
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
  }

  /** True when the peer has closed the connection (EOF or reset), waiting at most the read timeout. */
  boolean peerClosed() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return !(e instanceof java.net.SocketTimeoutException);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /**
   * A response as read from the wire.
   *
   * @param statusLine e.g. {@code HTTP/1.1 400 Bad Request}
   * @param status the status code
   * @param headers the headers in order, names as sent
   * @param body the body (de-chunked)
   * @param chunked whether the body came with chunked encoding
   */
  record Response(
      String statusLine,
      int status,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean chunked) {
    /** The first value of a header (name compared case-insensitively), or null. */
    String header(String name) {
      for (Map.Entry<String, String> e : headers) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue();
        }
      }
      return null;
    }

    /** The header name exactly as the server wrote it, or null. */
    String headerNameAsSent(String name) {
      for (Map.Entry<String, String> e : headers) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getKey();
        }
      }
      return null;
    }

    /** The body as UTF-8. */
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return statusLine + " " + headers + " body=" + text();
    }
  }
}

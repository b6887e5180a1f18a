package dev.eio4j.socketio;

import dev.eio4j.DisconnectReason;

/**
 * Why a Socket.IO socket left its namespace. {@link #wireName()} is the Node server's string for it.
 */
public enum SocketIoDisconnectReason {
  /** The client sent DISCONNECT for the namespace; the connection stays open. */
  CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect"),
  /** The server called {@link SocketIoSocket#disconnect}. */
  SERVER_NAMESPACE_DISCONNECT("server namespace disconnect"),
  /** {@link SocketIoServer#close()} disconnected every socket. */
  SERVER_SHUTTING_DOWN("server shutting down"),
  /**
   * Node's reason for the sockets still attached when the server closes a client's connection itself;
   * listed for completeness (this server disconnects each socket first, or reports {@link
   * #FORCED_CLOSE}).
   */
  FORCED_SERVER_CLOSE("forced server close"),
  /** The client closed the connection, or it went away. */
  TRANSPORT_CLOSE("transport close"),
  /** The transport failed. */
  TRANSPORT_ERROR("transport error"),
  /** The heartbeat timed out. */
  PING_TIMEOUT("ping timeout"),
  /** The client sent an Engine.IO packet that does not decode. */
  PARSE_ERROR("parse error"),
  /**
   * The connection was closed by the server: an invalid Socket.IO packet, {@code connectTimeout}, or the
   * application or server closing the Engine.IO socket.
   */
  FORCED_CLOSE("forced close"),
  /** Ours: the client did not read and the send buffer overflowed (engine {@code overflowPolicy CLOSE}). */
  SEND_BUFFER_OVERFLOW("send buffer overflow");

  private final String wireName;

  SocketIoDisconnectReason(String wireName) {
    this.wireName = wireName;
  }

  /** The Node server's string, e.g. {@code "client namespace disconnect"}. */
  public String wireName() {
    return wireName;
  }

  /** The reason a socket gets when its Engine.IO connection ends for {@code reason}. */
  public static SocketIoDisconnectReason of(DisconnectReason reason) {
    return switch (reason) {
      case TRANSPORT_CLOSE -> TRANSPORT_CLOSE;
      case TRANSPORT_ERROR -> TRANSPORT_ERROR;
      case PING_TIMEOUT -> PING_TIMEOUT;
      case PARSE_ERROR -> PARSE_ERROR;
      case FORCED_CLOSE -> FORCED_CLOSE;
      case SEND_BUFFER_OVERFLOW -> SEND_BUFFER_OVERFLOW;
    };
  }

  @Override
  public String toString() {
    return wireName;
  }
}

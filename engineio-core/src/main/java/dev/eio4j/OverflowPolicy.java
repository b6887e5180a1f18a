package dev.eio4j;

/**
 * What a socket does when a {@code send} would take its outbound buffer beyond {@link
 * EngineIoOptions#maxBufferedBytes()} (option {@code overflowPolicy}).
 */
public enum OverflowPolicy {
  /**
   * The send is refused with {@link SendResult#BUFFER_FULL} and nothing is queued; the socket stays
   * open, so the application may retry after {@link EngineIoSocket#onWritable}. The default.
   */
  REJECT,
  /**
   * The send is refused with {@link SendResult#BUFFER_FULL}, what is queued is dropped and the socket is
   * closed with {@link DisconnectReason#SEND_BUFFER_OVERFLOW} (a WebSocket with close code 1008 and the
   * reason {@code "send buffer overflow"}); later sends return {@link SendResult#CLOSED}. For servers
   * that would rather lose a slow consumer than hold its backlog.
   */
  CLOSE
}

package dev.eio4j;

import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.EngineRequest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Engine.IO session, as the application sees it.
 *
 * <p><b>Lifecycle.</b> A socket is handed to {@link EngineIoServer#onConnection} once its handshake
 * is answered ({@link ReadyState#OPEN}). It runs over one transport at a time: long-polling, or
 * WebSocket, possibly after one upgrade from polling ({@link #onUpgrade}). It ends exactly once, with a
 * {@link DisconnectReason} delivered to {@link #onClose}: the client went away or broke the protocol,
 * the heartbeat timed out, or {@link #close()} was called.
 *
 * <p><b>Threading.</b> Every method may be called from any thread and never blocks. Callbacks of one
 * socket run one at a time, in order: messages in the order the client sent them, then the close
 * event last. By default they run on the session's lane (in the Netty runtime, an I/O thread: keep them
 * short, or set {@link EngineIoOptions#listenerExecutor()}). Register listeners inside the connection
 * callback so that no event is missed.
 *
 * <p><b>Sending.</b> {@code send} queues the message and returns at once; the outcome says whether it
 * was queued, refused because the outbound budget ({@link EngineIoOptions#maxBufferedBytes()}) is used
 * up, or refused because the socket is closing. Messages leave in the order they were queued.
 *
 * <p><b>Backpressure.</b> {@link #bufferedAmount()} is what is queued and not yet handed to the
 * transport; it grows while the transport cannot take more (no polling GET held, or a WebSocket whose
 * peer does not read). {@link #isWritable()} is false once it is above half of {@code maxBufferedBytes}
 * (the low-water mark), and {@link #onWritable} fires each time it falls back to or below that mark. A
 * producer that pauses on {@code !isWritable()} (or on {@link SendResult#BUFFER_FULL}) and resumes in
 * {@code onWritable} never loses a message. What happens to a send beyond the budget is the {@link
 * EngineIoOptions#overflowPolicy()}: refused ({@code BUFFER_FULL}), or refused and the socket closed
 * ({@link DisconnectReason#SEND_BUFFER_OVERFLOW}).
 */
public interface EngineIoSocket {
  /** The session id ({@code sid}). */
  String id();

  /** The protocol revision the client speaks. */
  ProtocolVersion protocol();

  /** The current transport. */
  TransportType transport();

  /** The handshake request (headers, query, remote address). */
  EngineRequest request();

  /** Where the socket is in its lifecycle. */
  ReadyState readyState();

  /** Queues a text message. */
  SendResult send(String text);

  /** Queues a binary message; the array is not copied and must not be modified afterwards. */
  SendResult send(byte[] data);

  /** Queues a binary message with the buffer's remaining bytes (copied). */
  SendResult send(ByteBuffer data);

  /** Queues a message (e.g. to echo one received). */
  SendResult send(Message message);

  /**
   * Bytes queued but not yet handed to the transport: each packet's payload (text counted in UTF-16
   * units) plus {@link EngineIoOptions#PACKET_OVERHEAD_BYTES}.
   */
  long bufferedAmount();

  /**
   * True while the socket is open and {@link #bufferedAmount()} is at or below the low-water mark (half
   * of {@link EngineIoOptions#maxBufferedBytes()}): a send of a message smaller than the other half will
   * be queued. Advisory (other threads may send at the same time); never blocks.
   */
  boolean isWritable();

  /**
   * Adds a listener called each time {@link #bufferedAmount()} falls from above the low-water mark to
   * or below it, i.e. when {@link #isWritable()} becomes true again: the moment to resume a paused
   * producer. (Unlike {@link #onDrain}, which follows the reference and fires after every batch.)
   */
  EngineIoSocket onWritable(Runnable listener);

  /**
   * Closes the socket ("forced close") once what is queued has been written, or when {@link
   * EngineIoOptions#closeTimeout()} has passed, whichever comes first; the heartbeat stops at once.
   * Idempotent. Sends after this return {@link SendResult#CLOSED}.
   */
  void close();

  /** Adds a listener for messages from the client. */
  EngineIoSocket onMessage(Consumer<Message> listener);

  /** Adds a listener for the end of the session. */
  EngineIoSocket onClose(Consumer<DisconnectReason> listener);

  /** Adds a listener for the end of the session with its description (may be null). */
  EngineIoSocket onClose(CloseListener listener);

  /** Adds a listener called when the probe succeeded and the upgrade is under way. */
  EngineIoSocket onUpgrading(Consumer<TransportType> listener);

  /** Adds a listener called when the session has moved to a new transport. */
  EngineIoSocket onUpgrade(Consumer<TransportType> listener);

  /** Adds a listener for every packet received on the session's transport (pings and pongs too). */
  EngineIoSocket onPacket(Consumer<Packet> listener);

  /** Adds a listener for every packet queued for the client. */
  EngineIoSocket onPacketCreate(Consumer<Packet> listener);

  /** Adds a listener for every batch handed to the transport. */
  EngineIoSocket onFlush(Consumer<List<Packet>> listener);

  /** Adds a listener called after each batch has been handed to the transport. */
  EngineIoSocket onDrain(Runnable listener);

  /** Adds a listener for heartbeats (a v4 pong or a v3 ping from the client). */
  EngineIoSocket onHeartbeat(Runnable listener);

  /** Receives the close event with its detail. */
  @FunctionalInterface
  interface CloseListener {
    /**
     * @param reason why the session ended
     * @param description detail such as {@code "overlap from client"}, or null
     */
    void onClose(DisconnectReason reason, String description);
  }
}

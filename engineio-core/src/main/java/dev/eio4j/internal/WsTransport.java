package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineObserver;
import dev.eio4j.codec.CodecException;
import dev.eio4j.codec.PacketCodec;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import java.util.List;

/**
 * A WebSocket: the session's transport (direct, or after the upgrade) or the one being probed. The
 * {@link WsHandler} side is called by the adapter on its I/O thread and hops onto the session lane.
 */
final class WsTransport extends Transport implements WsHandler {
  private final WsConnection conn;
  private final boolean base64; // b64 on the upgrade request: binary as "b…" text frames
  private volatile boolean active; // true once this is the session's transport
  private boolean closed; // lane

  WsTransport(Session session, WsConnection conn, boolean b64, boolean active) {
    super(session);
    this.conn = conn;
    this.base64 = b64;
    this.active = active;
  }

  @Override
  TransportType type() {
    return TransportType.WEBSOCKET;
  }

  @Override
  boolean writable() {
    return !closed && conn.isWritable();
  }

  @Override
  void send(List<Packet> packets) {
    long bytes = 0;
    for (Packet p : packets) {
      bytes += write(p);
    }
    // counted before the flush: once flushed, the client may answer before a late count is made
    session.observer().packetsOut(TransportType.WEBSOCKET, packets.size(), bytes);
    conn.flush();
  }

  /** Writes one frame; returns its payload size in bytes when an observer is set (else 0). */
  private long write(Packet p) {
    if (p.isBinary() && !base64) {
      byte[] frame = PacketCodec.encodeBinaryFrame(p, session.protocol);
      conn.sendBinary(frame);
      return frame.length;
    }
    if (!p.isBinary() && p.text() != null) {
      // the common case, a text packet: no "4" + text copy; the adapter encodes both parts at once
      conn.sendText(p.type().digit(), p.text());
      return session.engine.observing ? 1 + utf8Length(p.text()) : 0;
    }
    String frame = PacketCodec.encodeText(p, session.protocol);
    conn.sendText(frame);
    return session.engine.observing ? utf8Length(frame) : 0;
  }

  /** Writes one packet at once, outside the write buffer (the {@code 3probe}). */
  void sendDirect(Packet p) {
    long bytes = write(p);
    session.observer().packetsOut(TransportType.WEBSOCKET, 1, bytes);
    conn.flush();
  }

  /** The UTF-8 length of {@code s}, without encoding it (an unpaired surrogate counts 3, as '?' would 1). */
  static long utf8Length(CharSequence s) {
    long n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < len
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  void promoted() {
    active = true;
  }

  void closeConnection() {
    if (!closed) {
      closed = true;
      conn.close();
    }
  }

  /** Closes the WebSocket with a status code and reason (e.g. 1008 for a send buffer overflow). */
  void closeConnection(int status, String reason) {
    if (!closed) {
      closed = true;
      conn.close(status, reason);
    }
  }

  @Override
  void closeGracefully() {
    closeConnection();
    session.finish(DisconnectReason.FORCED_CLOSE, null);
  }

  @Override
  void release() {
    closeConnection();
  }

  @Override
  void discard() {
    closeConnection();
  }

  @Override
  void failOpen() {
    closeConnection(Router.WS_INTERNAL_ERROR, "internal error");
  }

  // ------------------------------------------------ adapter callbacks (I/O thread)

  private void onLane(Runnable r) {
    session.lane.runOrExecute(r);
  }

  @Override
  public void onText(String text) {
    onLane(
        () -> {
          if (session.engine.observing) {
            session.observer().packetsIn(TransportType.WEBSOCKET, 1, utf8Length(text));
          }
          Packet p;
          try {
            p = PacketCodec.decodeText(text, session.protocol);
          } catch (CodecException e) {
            failed(e);
            return;
          }
          deliver(p);
        });
  }

  @Override
  public void onText(char first, String rest) {
    PacketType type = PacketType.fromDigit(first);
    if (type == null) {
      onText(first + rest); // "b…" (base64) or garbage: the general decoder decides
      return;
    }
    onLane(
        () -> {
          if (session.engine.observing) {
            session.observer().packetsIn(TransportType.WEBSOCKET, 1, 1 + utf8Length(rest));
          }
          // the same packet PacketCodec.decodeText(first + rest) gives, without copying the data
          Packet p =
              rest.isEmpty()
                  ? (type == PacketType.MESSAGE ? Packet.message("") : Packet.of(type))
                  : Packet.text(type, rest);
          deliver(p);
        });
  }

  @Override
  public void onBinary(byte[] data) {
    onLane(
        () -> {
          session.observer().packetsIn(TransportType.WEBSOCKET, 1, data.length);
          Packet p;
          try {
            p = PacketCodec.decodeBinaryFrame(data, session.protocol);
          } catch (CodecException e) {
            failed(e);
            return;
          }
          deliver(p);
        });
  }

  private void deliver(Packet p) {
    if (closed) {
      return;
    }
    if (active) {
      session.onPacket(p);
    } else {
      session.upgrade.onProbePacket(this, p);
    }
  }

  private void failed(CodecException e) {
    if (closed) {
      return;
    }
    if (active) {
      session.onParseError(e.getMessage());
    } else {
      session.upgrade.abort(
          EngineObserver.UpgradeFailure.PROBE_ABORTED, "undecodable probe packet");
    }
  }

  @Override
  public void onClose() {
    onLane(
        () -> {
          boolean wasClosed = closed;
          closed = true;
          if (active) {
            if (!wasClosed) {
              session.finish(DisconnectReason.TRANSPORT_CLOSE, null);
            }
          } else {
            session.upgrade.onProbeClosed(this);
          }
        });
  }

  @Override
  public void onTooLarge(String description) {
    onLane(
        () -> {
          session.observer().limitRejected(EngineObserver.Limit.FRAME_TOO_LARGE);
          failedOnLane(description);
        });
  }

  @Override
  public void onError(String description) {
    onLane(() -> failedOnLane(description));
  }

  private void failedOnLane(String description) {
    boolean wasClosed = closed;
    closed = true;
    if (active) {
      if (!wasClosed) {
        session.finish(DisconnectReason.TRANSPORT_ERROR, description);
      }
    } else {
      session.upgrade.onProbeClosed(this);
    }
  }

  @Override
  public void onWritable() {
    onLane(
        () -> {
          if (active) {
            session.outbox.flush();
          }
        });
  }
}

package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.codec.CodecException;
import dev.eio4j.codec.PacketCodec;
import dev.eio4j.protocol.Packet;
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
    for (Packet p : packets) {
      write(p);
    }
    conn.flush();
  }

  private void write(Packet p) {
    if (p.isBinary() && !base64) {
      conn.sendBinary(PacketCodec.encodeBinaryFrame(p, session.protocol));
    } else {
      conn.sendText(PacketCodec.encodeText(p, session.protocol));
    }
  }

  /** Writes one packet at once, outside the write buffer (the {@code 3probe}). */
  void sendDirect(Packet p) {
    write(p);
    conn.flush();
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

  // ------------------------------------------------ adapter callbacks (I/O thread)

  private void onLane(Runnable r) {
    if (session.lane.inLane()) {
      r.run();
    } else {
      session.lane.execute(r);
    }
  }

  @Override
  public void onText(String text) {
    onLane(
        () -> {
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
  public void onBinary(byte[] data) {
    onLane(
        () -> {
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
      session.onProbePacket(this, p);
    }
  }

  private void failed(CodecException e) {
    if (closed) {
      return;
    }
    if (active) {
      session.onParseError(e.getMessage());
    } else {
      session.abortUpgrade("undecodable probe packet");
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
            session.onProbeClosed(this);
          }
        });
  }

  @Override
  public void onError(String description) {
    onLane(
        () -> {
          boolean wasClosed = closed;
          closed = true;
          if (active) {
            if (!wasClosed) {
              session.finish(DisconnectReason.TRANSPORT_ERROR, description);
            }
          } else {
            session.onProbeClosed(this);
          }
        });
  }

  @Override
  public void onWritable() {
    onLane(
        () -> {
          if (active) {
            session.flush();
          }
        });
  }
}

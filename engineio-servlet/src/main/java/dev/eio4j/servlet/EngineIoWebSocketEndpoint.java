package dev.eio4j.servlet;

import dev.eio4j.servlet.internal.WsSessionBridge;
import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.util.function.Function;

/**
 * The Jakarta WebSocket endpoint of one Engine.IO WebSocket. Not deployed at a path: {@link
 * EngineIoServlet} runs the core's handshake checks on the upgrade request, refuses it with a plain HTTP
 * 400 when they fail, and otherwise upgrades it with {@code ServerContainer.upgradeHttpToWebSocket} and
 * one instance of this endpoint, made for that request by {@link HandshakeConfigurator}.
 */
public final class EngineIoWebSocketEndpoint extends Endpoint {
  private final long maxPayload;
  private final Function<WsConnection, WsHandler> onOpen;
  private volatile WsSessionBridge bridge; // set in onOpen; read by the container's later events

  EngineIoWebSocketEndpoint(long maxPayload, Function<WsConnection, WsHandler> onOpen) {
    this.maxPayload = maxPayload;
    this.onOpen = onOpen;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    bridge = WsSessionBridge.open(session, maxPayload, onOpen);
  }

  @Override
  public void onClose(Session session, CloseReason closeReason) {
    if (bridge != null) {
      bridge.onClose(closeReason);
    }
  }

  @Override
  public void onError(Session session, Throwable thr) {
    if (bridge != null) {
      bridge.onError(thr);
    }
  }
}

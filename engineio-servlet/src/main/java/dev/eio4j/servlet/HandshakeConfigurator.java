package dev.eio4j.servlet;

import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;

/**
 * The configurator of one accepted handshake: it hands the container the endpoint made for that request,
 * leaves origins to the core (CORS, as the Netty runtime does), negotiates no subprotocol, and
 * permessage-deflate only when the {@code perMessageDeflate} option is on.
 */
final class HandshakeConfigurator extends ServerEndpointConfig.Configurator {
  private static final String PERMESSAGE_DEFLATE = "permessage-deflate";
  private final EngineIoWebSocketEndpoint endpoint;
  private final boolean deflate;

  HandshakeConfigurator(EngineIoWebSocketEndpoint endpoint, boolean deflate) {
    this.endpoint = endpoint;
    this.deflate = deflate;
  }

  @Override
  public <T> T getEndpointInstance(Class<T> endpointClass) {
    return endpointClass.cast(endpoint);
  }

  @Override
  public boolean checkOrigin(String originHeaderValue) {
    return true;
  }

  @Override
  public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
    return "";
  }

  @Override
  public List<Extension> getNegotiatedExtensions(
      List<Extension> installed, List<Extension> requested) {
    if (!deflate) {
      return List.of();
    }
    return super.getNegotiatedExtensions(installed, requested).stream()
        .filter(e -> PERMESSAGE_DEFLATE.equals(e.getName()))
        .limit(1)
        .toList();
  }
}

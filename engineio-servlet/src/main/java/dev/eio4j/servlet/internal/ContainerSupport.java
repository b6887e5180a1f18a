package dev.eio4j.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two things the Servlet and WebSocket APIs cannot say, done the way each container allows:
 *
 * <ul>
 *   <li>dropping an HTTP connection without writing a response (the first of two overlapping POSTs,
 *       docs/protocol.md §6.1): Jetty aborts on {@code sendError(-1)}; Tomcat on its {@code CLOSE_NOW}
 *       action, reached by reflection;
 *   <li>a WebSocket close frame without a status code, which the peer sees as 1005 (docs/protocol.md §6.2):
 *       Jetty sends an empty close frame for {@link CloseReason.CloseCodes#NO_STATUS_CODE}; Tomcat would
 *       put 1005 itself on the wire (which RFC 6455 forbids and clients reject), so the empty frame is
 *       written through its endpoint, reached by reflection.
 * </ul>
 *
 * When reflection fails (another container, a changed internal), the fallbacks are a {@code 400} with
 * {@code Connection: close}, and a close frame with status 1000; each is logged once.
 */
final class ContainerSupport {
  private static final Logger log = LoggerFactory.getLogger(ContainerSupport.class);
  private static final byte OPCODE_CLOSE = 8;
  private static final AtomicBoolean abortFallbackLogged = new AtomicBoolean();
  private static final AtomicBoolean closeFallbackLogged = new AtomicBoolean();

  private ContainerSupport() {}

  // ------------------------------------------------------------------ HTTP: abort without a
  // response

  /** Drops the connection of this request without a response, then ends the async cycle. */
  static void abort(AsyncContext async, ServletRequest request, HttpServletResponse response) {
    ServletRequest inner = unwrap(request);
    String type = inner.getClass().getName();
    boolean dropped = false;
    try {
      if (type.startsWith("org.eclipse.jetty.")) {
        response.sendError(-1); // Jetty: abort the exchange
        dropped = true;
      } else if (type.startsWith("org.apache.catalina.")) {
        dropped = TomcatAbort.closeNow(inner);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("aborting the connection failed: {}", e.toString());
    }
    if (!dropped) {
      if (abortFallbackLogged.compareAndSet(false, true)) {
        log.warn(
            "cannot drop a connection on {}: answering 400 with Connection: close instead", type);
      }
      try {
        if (!response.isCommitted()) {
          response.setStatus(400);
          response.setHeader("Connection", "close");
          response.setContentLength(0);
        }
      } catch (RuntimeException ignored) {
        // completing below anyway
      }
    }
    try {
      async.complete();
    } catch (IllegalStateException ignored) {
      // already completed by the abort
    }
  }

  private static ServletRequest unwrap(ServletRequest r) {
    while (r instanceof ServletRequestWrapper w) {
      r = w.getRequest();
    }
    return r;
  }

  /** Tomcat: {@code RequestFacade.request.getCoyoteRequest().action(ActionCode.CLOSE_NOW, null)}. */
  private static final class TomcatAbort {
    private record Handles(
        Field facadeRequest, Method getCoyoteRequest, Method action, Object closeNow) {}

    private static volatile Handles handles;

    static boolean closeNow(ServletRequest facade) {
      try {
        Handles h = handles;
        if (h == null) {
          Field f = facade.getClass().getDeclaredField("request");
          f.setAccessible(true);
          Object catalina = f.get(facade);
          Method getCoyote = catalina.getClass().getMethod("getCoyoteRequest");
          Object coyote = getCoyote.invoke(catalina);
          Class<?> actionCode =
              Class.forName(
                  "org.apache.coyote.ActionCode", false, coyote.getClass().getClassLoader());
          h =
              new Handles(
                  f,
                  getCoyote,
                  coyote.getClass().getMethod("action", actionCode, Object.class),
                  enumConstant(actionCode, "CLOSE_NOW"));
          handles = h;
        }
        Object coyote = h.getCoyoteRequest().invoke(h.facadeRequest().get(facade));
        h.action().invoke(coyote, h.closeNow(), null);
        return true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.debug("Tomcat CLOSE_NOW unavailable: {}", e.toString());
        return false;
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumConstant(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }

  // ------------------------------------------------------------------ WebSocket: close without a
  // status

  /** Sends a close frame without a status code, then closes the connection. */
  static void closeWithoutStatus(Session session) {
    if (session.getClass().getName().startsWith("org.apache.tomcat.websocket.")) {
      if (TomcatEmptyClose.send(session)) {
        return;
      }
      if (closeFallbackLogged.compareAndSet(false, true)) {
        log.warn(
            "cannot send a close frame without a status code on Tomcat: closing with 1000 instead");
      }
      closeQuietly(session, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
      return;
    }
    // Jetty (and the API's intent): 1005 is not transmittable, so the close frame goes out empty
    closeQuietly(session, new CloseReason(CloseReason.CloseCodes.NO_STATUS_CODE, ""));
  }

  static void closeQuietly(Session session, CloseReason reason) {
    try {
      session.close(reason);
    } catch (IOException | RuntimeException e) {
      log.debug("WebSocket close failed: {}", e.toString());
    }
  }

  /**
   * Tomcat: {@code WsSession.wsRemoteEndpoint.startMessage(OPCODE_CLOSE, empty, true, handler)}, then
   * the endpoint's {@code close()} (the TCP connection) once the frame is written, as the Netty runtime
   * does. Tomcat then sees the connection end and reports the session closed.
   */
  private static final class TomcatEmptyClose {
    private record Handles(Field remoteEndpoint, Method startMessage, Method close) {}

    private static volatile Handles handles;

    static boolean send(Session session) {
      try {
        Handles h = handles;
        if (h == null) {
          Field f = session.getClass().getDeclaredField("wsRemoteEndpoint");
          f.setAccessible(true);
          Class<?> base = f.getType();
          Method start =
              base.getDeclaredMethod(
                  "startMessage", byte.class, ByteBuffer.class, boolean.class, SendHandler.class);
          start.setAccessible(true);
          h = new Handles(f, start, base.getMethod("close"));
          handles = h;
        }
        Handles found = h;
        Object endpoint = found.remoteEndpoint().get(session);
        SendHandler thenCloseTcp =
            result -> {
              try {
                found.close().invoke(endpoint);
              } catch (ReflectiveOperationException | RuntimeException e) {
                closeQuietly(session, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
              }
            };
        found
            .startMessage()
            .invoke(endpoint, OPCODE_CLOSE, ByteBuffer.allocate(0), true, thenCloseTcp);
        return true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.debug("Tomcat empty close frame unavailable: {}", e.toString());
        return false;
      }
    }
  }
}

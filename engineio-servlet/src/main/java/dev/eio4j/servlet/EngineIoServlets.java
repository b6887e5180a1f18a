package dev.eio4j.servlet;

import dev.eio4j.EngineIoServer;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.Objects;
import java.util.Set;

/**
 * One call to put Engine.IO into a servlet context: the {@link EngineIoServlet} at {@code <path>/*}
 * (async on, started with the context), polling and WebSocket on the application's port.
 *
 * <pre>{@code
 * // during context start-up (a ServletContainerInitializer, a ServletContextListener, Spring's
 * // ServletContextInitializer):
 * EngineIoServlet engine = EngineIoServlets.register(servletContext, server);
 *
 * // or hand the container an initializer that does it:
 * tomcatContext.addServletContainerInitializer(EngineIoServlets.initializer(server), null);   // Tomcat
 * jettyContext.addServletContainerInitializer(EngineIoServlets.initializer(server));          // Jetty
 * }</pre>
 *
 * WebSocket needs the container's Jakarta WebSocket support in the same context (Tomcat: {@code
 * WsSci}; Jetty: {@code JakartaWebSocketServletContainerInitializer.configure}; Spring Boot sets it up
 * when the container's WebSocket jar is present). The servlet closes every session when the context
 * stops; {@link EngineIoServlet#close()} does it earlier.
 */
public final class EngineIoServlets {
  /** The servlet's name in the context. */
  public static final String SERVLET_NAME = "engineio";

  private EngineIoServlets() {}

  /**
   * Adds an {@link EngineIoServlet} for {@code server} to {@code context} at {@code <path>/*}. Call it
   * while the context starts (the Servlet API refuses new servlets afterwards).
   *
   * @return the servlet, whose {@link EngineIoServlet#close()} closes every session
   * @throws IllegalStateException when the context has started, or a servlet named {@value #SERVLET_NAME}
   *     or a mapping at that path already exists
   */
  public static EngineIoServlet register(ServletContext context, EngineIoServer server) {
    return register(context, new EngineIoServlet(Objects.requireNonNull(server, "server")));
  }

  /** Adds {@code servlet} (e.g. one built on the caller's executor) to {@code context} at its path. */
  public static EngineIoServlet register(ServletContext context, EngineIoServlet servlet) {
    Objects.requireNonNull(context, "context");
    ServletRegistration.Dynamic registration = context.addServlet(SERVLET_NAME, servlet);
    if (registration == null) {
      throw new IllegalStateException(
          "a servlet named '" + SERVLET_NAME + "' is already registered");
    }
    registration.setAsyncSupported(true);
    registration.setLoadOnStartup(1);
    String mapping = EngineIoServlet.mappingFor(servlet.server());
    Set<String> taken = registration.addMapping(mapping);
    if (!taken.isEmpty()) {
      throw new IllegalStateException(
          "the mapping " + mapping + " is already taken by another servlet");
    }
    return servlet;
  }

  /** A {@link ServletContainerInitializer} that {@linkplain #register registers} {@code server}. */
  public static ServletContainerInitializer initializer(EngineIoServer server) {
    Objects.requireNonNull(server, "server");
    return (classes, context) -> register(context, server);
  }
}

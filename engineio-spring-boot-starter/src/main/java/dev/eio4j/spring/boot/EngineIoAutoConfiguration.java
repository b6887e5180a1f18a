package dev.eio4j.spring.boot;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.servlet.EngineIoServlet;
import dev.eio4j.servlet.EngineIoServlets;
import jakarta.servlet.ServletContext;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Serves Engine.IO on the application's own port, in a servlet web application: an {@link
 * EngineIoServer} bean built from the {@code engineio.*} properties and every {@link
 * EngineIoServerCustomizer}, with every {@code Consumer<EngineIoSocket>} bean added as a connection
 * listener (once the singletons exist: a listener may sit in a bean that injects the server); and the
 * {@link EngineIoServlet} registered at {@code <engineio.path>/*}. WebSocket goes
 * through the container's Jakarta WebSocket support, which Spring Boot sets up for Tomcat and Jetty when
 * their WebSocket jar is present (it is in {@code spring-boot-starter-tomcat}).
 *
 * <p>Declare an {@code EngineIoServer} bean to replace the auto-configured one; {@code
 * engineio.enabled=false} turns it all off.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({EngineIoServlet.class, ServletContext.class})
@ConditionalOnProperty(
    prefix = "engineio",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(EngineIoProperties.class)
public class EngineIoAutoConfiguration {
  /** The bean name of the servlet registration. */
  public static final String SERVLET_REGISTRATION_BEAN = "engineIoServletRegistration";

  /** The server, from the properties and the customizers. */
  @Bean
  @ConditionalOnMissingBean
  public EngineIoServer engineIoServer(
      EngineIoProperties properties, ObjectProvider<EngineIoServerCustomizer> customizers) {
    EngineIoServer.Builder builder = properties.toBuilder();
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /**
   * Adds every {@code Consumer<EngineIoSocket>} bean to the server as a connection listener, once all
   * singletons exist (so a listener may live in a bean that itself injects the server) and before the
   * web server takes connections.
   */
  @Bean
  public SmartInitializingSingleton engineIoConnectionListeners(
      ObjectProvider<EngineIoServer> server,
      ObjectProvider<Consumer<EngineIoSocket>> connectionListeners) {
    return () -> {
      EngineIoServer s = server.getObject();
      connectionListeners.orderedStream().forEach(s::onConnection);
    };
  }

  /** The servlet at {@code <path>/*}, async, started with the application. */
  @Bean(name = SERVLET_REGISTRATION_BEAN)
  @ConditionalOnMissingBean(name = SERVLET_REGISTRATION_BEAN)
  public ServletRegistrationBean<EngineIoServlet> engineIoServletRegistration(
      EngineIoServer server, EngineIoProperties properties) {
    EngineIoServlet servlet =
        properties.getLaneThreads() > 0
            ? new EngineIoServlet(server, properties.getLaneThreads())
            : new EngineIoServlet(server);
    ServletRegistrationBean<EngineIoServlet> registration =
        new ServletRegistrationBean<>(servlet, EngineIoServlet.mappingFor(server));
    registration.setName(EngineIoServlets.SERVLET_NAME);
    registration.setAsyncSupported(true);
    registration.setLoadOnStartup(1);
    return registration;
  }

  /** Closes the sessions when the application stops, before the web server's graceful shutdown. */
  @Bean
  public EngineIoShutdown engineIoShutdown(EngineIoServer server) {
    return new EngineIoShutdown(server);
  }

  /**
   * Closes every session ("forced close": held polls are answered, WebSockets closed) in a phase that
   * stops before the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}), which would otherwise
   * wait for held polls until their next ping.
   */
  public static final class EngineIoShutdown implements SmartLifecycle {
    /** Stops before the web server's graceful shutdown, which is at {@code DEFAULT_PHASE - 1024}. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private final EngineIoServer server;
    private volatile boolean running;

    EngineIoShutdown(EngineIoServer server) {
      this.server = server;
    }

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      running = false;
      server.closeSessions();
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public int getPhase() {
      return PHASE;
    }
  }
}

package dev.eio4j.spring.boot;

import dev.eio4j.EngineIoServer;
import dev.eio4j.micrometer.SocketIoMetrics;
import dev.eio4j.socketio.SocketIoOptions;
import dev.eio4j.socketio.SocketIoServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Socket.IO on the starter's {@link EngineIoServer}, when {@code socketio-core} is on the class path and
 * {@code socketio.enabled=true}: a {@link SocketIoServer} bean built from the {@code socketio.*}
 * properties and every {@link SocketIoOptionsCustomizer}, attached to the engine. Socket.IO clients use
 * the path {@code /socket.io/}, so unless {@code engineio.path} is set the engine is moved there (a
 * customizer that runs before the application's own). With Micrometer and {@code engineio-micrometer}
 * on the class path, a {@link SocketIoMetrics} bean is the server's observer, bound to the application's
 * {@link MeterRegistry} when there is one.
 *
 * <p>Register namespaces and listeners on the {@code SocketIoServer} bean (inject it); declare one to
 * replace the auto-configured server.
 */
@AutoConfiguration(after = EngineIoAutoConfiguration.class)
@ConditionalOnClass(SocketIoServer.class)
@ConditionalOnProperty(prefix = "socketio", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(SocketIoProperties.class)
public class SocketIoAutoConfiguration {
  /** The engine path Socket.IO clients use by default. */
  public static final String SOCKET_IO_PATH = "/socket.io";

  /** Moves the engine to {@value #SOCKET_IO_PATH} unless {@code engineio.path} is set. */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  public EngineIoServerCustomizer socketIoEnginePath(Environment environment) {
    return builder -> {
      if (!environment.containsProperty("engineio.path")) {
        builder.path(SOCKET_IO_PATH);
      }
    };
  }

  /** The server, attached to the engine (none without an engine, e.g. with engineio.enabled=false). */
  @Bean
  @ConditionalOnBean(EngineIoServer.class)
  @ConditionalOnMissingBean
  public SocketIoServer socketIoServer(
      EngineIoServer engine,
      SocketIoProperties properties,
      ObjectProvider<SocketIoOptionsCustomizer> customizers) {
    SocketIoOptions.Builder builder = properties.applyTo(SocketIoOptions.builder());
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return SocketIoServer.attach(engine, builder.build());
  }

  /** Micrometer meters for the server, when Micrometer and engineio-micrometer are present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({SocketIoMetrics.class, MeterRegistry.class})
  public static class SocketIoMetricsConfiguration {
    /** The metrics, bound to the application's registry (the primary one when there are several). */
    @Bean
    @ConditionalOnMissingBean
    public SocketIoMetrics socketIoMetrics(ObjectProvider<MeterRegistry> registry) {
      SocketIoMetrics metrics = new SocketIoMetrics();
      registry.ifUnique(metrics::bindTo);
      return metrics;
    }

    /** Makes the metrics the server's observer; the application's customizers run after it. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public SocketIoOptionsCustomizer socketIoMetricsObserver(SocketIoMetrics metrics) {
      return builder -> builder.observer(metrics);
    }
  }
}

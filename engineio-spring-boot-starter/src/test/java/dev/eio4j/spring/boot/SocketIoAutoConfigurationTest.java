package dev.eio4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.micrometer.SocketIoMetrics;
import dev.eio4j.socketio.SocketIoServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** When the Socket.IO auto-configuration applies, and what it does to the engine's path. */
class SocketIoAutoConfigurationTest {
  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  EngineIoAutoConfiguration.class, SocketIoAutoConfiguration.class));

  @Test
  void offByDefault() {
    runner.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(EngineIoServer.class).doesNotHaveBean(SocketIoServer.class);
          assertThat(ctx.getBean(EngineIoServer.class).options().path()).isEqualTo("/engine.io");
        });
  }

  @Test
  void enabledMovesTheEngineToSocketIoPath() {
    runner
        .withPropertyValues("socketio.enabled=true", "socketio.max-attachments=2")
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(SocketIoServer.class);
              SocketIoServer io = ctx.getBean(SocketIoServer.class);
              assertThat(io.engine()).isSameAs(ctx.getBean(EngineIoServer.class));
              assertThat(io.engine().options().path()).isEqualTo("/socket.io");
              assertThat(io.options().maxAttachments()).isEqualTo(2);
              assertThat(io.options().connectTimeout()).isEqualTo(Duration.ofSeconds(45));
            });
  }

  @Test
  void withoutAnEngineThereIsNoSocketIoServer() {
    runner
        .withPropertyValues("socketio.enabled=true", "engineio.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx).doesNotHaveBean(EngineIoServer.class);
              assertThat(ctx).doesNotHaveBean(SocketIoServer.class);
            });
  }

  @Test
  void anExplicitEnginePathIsKept() {
    runner
        .withPropertyValues("socketio.enabled=true", "engineio.path=/rt")
        .run(
            ctx -> assertThat(ctx.getBean(EngineIoServer.class).options().path()).isEqualTo("/rt"));
  }

  @Test
  void anApplicationCustomizerRunsAfterTheProperties() {
    runner
        .withPropertyValues("socketio.enabled=true", "socketio.max-attachments=2")
        .withBean(SocketIoOptionsCustomizer.class, () -> b -> b.maxAttachments(7))
        .run(
            ctx ->
                assertThat(ctx.getBean(SocketIoServer.class).options().maxAttachments())
                    .isEqualTo(7));
  }

  @Test
  void metricsAreBoundToTheRegistry() {
    runner
        .withPropertyValues("socketio.enabled=true")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            ctx -> {
              assertThat(ctx.getBean(SocketIoServer.class).options().observer())
                  .isSameAs(ctx.getBean(SocketIoMetrics.class));
              assertThat(
                      ctx.getBean(MeterRegistry.class)
                          .get("socketio.sockets")
                          .tags("namespace", "/")
                          .gauge()
                          .value())
                  .isZero();
            });
  }

  @Test
  void withoutMicrometerThereAreNoMetrics() {
    runner
        .withPropertyValues("socketio.enabled=true")
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(
            ctx -> {
              assertThat(ctx)
                  .hasSingleBean(SocketIoServer.class)
                  .doesNotHaveBean(SocketIoMetrics.class);
            });
  }

  @Test
  void withoutSocketIoCoreNothingChanges() {
    runner
        .withPropertyValues("socketio.enabled=true")
        .withClassLoader(new FilteredClassLoader(SocketIoServer.class))
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(SocketIoServer.class);
              assertThat(ctx.getBean(EngineIoServer.class).options().path())
                  .isEqualTo("/engine.io");
            });
  }
}

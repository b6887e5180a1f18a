package dev.eio4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.CookieOptions;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.OverflowPolicy;
import dev.eio4j.protocol.TransportType;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class EngineIoPropertiesTest {
  /** Options that are code, not plain values: set with an {@link EngineIoServerCustomizer}. */
  static final Set<String> CODE_OPTIONS =
      Set.of(
          "allowRequest",
          "idGenerator",
          "initialHeaders",
          "headers",
          "listenerExecutor",
          "observer");

  /** Accessors that are not options. */
  static final Set<String> NOT_OPTIONS =
      Set.of("pathPrefix", "toBuilder", "toString", "hashCode", "getClass");

  @Test
  void theDefaultsAreTheCoresDefaults() throws Exception {
    EngineIoOptions fromProperties =
        new EngineIoProperties().applyTo(EngineIoOptions.builder()).build();
    EngineIoOptions defaults = EngineIoOptions.defaults();
    for (Method m : optionAccessors()) {
      assertThat(m.invoke(fromProperties)).as(m.getName()).isEqualTo(m.invoke(defaults));
    }
  }

  @Test
  void everyPlainOptionHasAProperty() throws Exception {
    Set<String> properties =
        Arrays.stream(Introspector.getBeanInfo(EngineIoProperties.class).getPropertyDescriptors())
            .map(PropertyDescriptor::getName)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> missing = new TreeSet<>();
    for (Method m : optionAccessors()) {
      String name = m.getName().equals("allowEIO3") ? "allowEio3" : m.getName();
      if (!CODE_OPTIONS.contains(name) && !properties.contains(name)) {
        missing.add(name);
      }
    }
    assertThat(missing).as("EngineIoOptions accessors without an engineio.* property").isEmpty();
  }

  @Test
  void propertiesBindWithSpringsRelaxedNames() {
    Map<String, String> source =
        Map.ofEntries(
            Map.entry("engineio.path", "/realtime"),
            Map.entry("engineio.ping-interval", "300ms"),
            Map.entry("engineio.ping-timeout", "2s"),
            Map.entry("engineio.max-http-buffer-size", "2MB"),
            Map.entry("engineio.transports", "websocket"),
            Map.entry("engineio.allow-eio3", "false"),
            Map.entry("engineio.initial-packet", "hello"),
            Map.entry("engineio.overflow-policy", "close"),
            Map.entry("engineio.max-sessions", "10"),
            Map.entry("engineio.node-id", "n07"),
            Map.entry("engineio.max-packets-per-payload", "500"),
            Map.entry("engineio.cookie.enabled", "true"),
            Map.entry("engineio.cookie.name", "eio"),
            Map.entry("engineio.cors.allowed-origins", "https://a.example, https://b.example"),
            Map.entry("engineio.cors.credentials", "true"),
            Map.entry("engineio.cors.max-age", "1h"));
    EngineIoProperties p =
        new Binder(new MapConfigurationPropertySource(source))
            .bind("engineio", EngineIoProperties.class)
            .get();
    EngineIoOptions o = p.applyTo(EngineIoOptions.builder()).build();
    assertThat(o.path()).isEqualTo("/realtime");
    assertThat(o.pingInterval()).isEqualTo(Duration.ofMillis(300));
    assertThat(o.pingTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.maxHttpBufferSize()).isEqualTo(2L * 1024 * 1024);
    assertThat(o.transports()).containsExactly(TransportType.WEBSOCKET);
    assertThat(o.allowEIO3()).isFalse();
    assertThat(o.initialPacket()).isEqualTo("hello");
    assertThat(o.overflowPolicy()).isEqualTo(OverflowPolicy.CLOSE);
    assertThat(o.maxSessions()).isEqualTo(10);
    assertThat(o.maxPacketsPerPayload()).isEqualTo(500);
    assertThat(o.nodeId()).isEqualTo("n07");
    assertThat(o.cookie()).isEqualTo(CookieOptions.named("eio"));
    assertThat(o.cors()).isNotNull();
    assertThat(o.cors().credentials()).isTrue();
    assertThat(o.cors().toString()).contains("maxAge=3600");
  }

  @Test
  void corsAndCookieAreOffUnlessConfigured() {
    EngineIoOptions o = new EngineIoProperties().applyTo(EngineIoOptions.builder()).build();
    assertThat(o.cors()).isNull();
    assertThat(o.cookie()).isNull();
  }

  /** The public no-argument accessors of {@link EngineIoOptions} that are options. */
  static Method[] optionAccessors() {
    return Arrays.stream(EngineIoOptions.class.getMethods())
        .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()))
        .filter(m -> m.getDeclaringClass() == EngineIoOptions.class)
        .filter(m -> !NOT_OPTIONS.contains(m.getName()))
        .toArray(Method[]::new);
  }
}

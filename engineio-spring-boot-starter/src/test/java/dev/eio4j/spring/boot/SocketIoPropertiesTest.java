package dev.eio4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.socketio.RecoveryOptions;
import dev.eio4j.socketio.SocketIoOptions;
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

/** Every plain {@link SocketIoOptions} accessor has a {@code socketio.*} property with its default. */
class SocketIoPropertiesTest {
  /** Options that are code, not plain values: set with a {@link SocketIoOptionsCustomizer}. */
  static final Set<String> CODE_OPTIONS = Set.of("timers", "observer", "adapter");

  @Test
  void theDefaultsAreTheCoresDefaults() throws Exception {
    SocketIoOptions fromProperties =
        new SocketIoProperties().applyTo(SocketIoOptions.builder()).build();
    SocketIoOptions defaults = SocketIoOptions.defaults();
    for (Method m : optionAccessors()) {
      assertThat(m.invoke(fromProperties)).as(m.getName()).isEqualTo(m.invoke(defaults));
    }
    assertThat(new SocketIoProperties().isEnabled()).isFalse();
  }

  @Test
  void everyPlainOptionHasAProperty() throws Exception {
    Set<String> properties =
        Arrays.stream(Introspector.getBeanInfo(SocketIoProperties.class).getPropertyDescriptors())
            .map(PropertyDescriptor::getName)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> missing = new TreeSet<>();
    for (Method m : optionAccessors()) {
      if (!CODE_OPTIONS.contains(m.getName()) && !properties.contains(m.getName())) {
        missing.add(m.getName());
      }
    }
    assertThat(optionAccessors()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(missing).as("SocketIoOptions accessors without a socketio.* property").isEmpty();
  }

  @Test
  void propertiesBindWithSpringsRelaxedNames() {
    SocketIoProperties p =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of(
                        "socketio.enabled", "true",
                        "socketio.connect-timeout", "1500ms",
                        "socketio.max-attachments", "3",
                        "socketio.max-namespaces-per-connection", "7")))
            .bind("socketio", SocketIoProperties.class)
            .get();
    SocketIoOptions o = p.applyTo(SocketIoOptions.builder()).build();
    assertThat(p.isEnabled()).isTrue();
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.maxAttachments()).isEqualTo(3);
    assertThat(o.maxNamespacesPerConnection()).isEqualTo(7);
  }

  @Test
  void recoveryPropertiesBindAndItsDefaultsAreTheCoresDefaults() {
    SocketIoProperties p =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of(
                        "socketio.connection-state-recovery.enabled", "true",
                        "socketio.connection-state-recovery.max-disconnection-duration", "30s",
                        "socketio.connection-state-recovery.skip-middlewares", "false",
                        "socketio.connection-state-recovery.max-packets", "50",
                        "socketio.connection-state-recovery.max-bytes", "4096",
                        "socketio.connection-state-recovery.max-sessions", "9")))
            .bind("socketio", SocketIoProperties.class)
            .get();
    assertThat(p.applyTo(SocketIoOptions.builder()).build().connectionStateRecovery())
        .isEqualTo(new RecoveryOptions(Duration.ofSeconds(30), false, 50, 4096, 9));
    SocketIoProperties.Recovery defaults = new SocketIoProperties().getConnectionStateRecovery();
    defaults.setEnabled(true);
    RecoveryOptions core = RecoveryOptions.of(Duration.ofMinutes(2), true);
    assertThat(defaults.toOptions()).isEqualTo(core);
  }

  /** The public no-argument accessors of {@link SocketIoOptions}. */
  static Method[] optionAccessors() {
    return Arrays.stream(SocketIoOptions.class.getMethods())
        .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()))
        .filter(m -> m.getDeclaringClass() == SocketIoOptions.class)
        .toArray(Method[]::new);
  }
}

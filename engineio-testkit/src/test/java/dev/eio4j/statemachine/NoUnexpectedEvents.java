package dev.eio4j.statemachine;

import dev.eio4j.testing.EngineHarness;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Ends every test of the class by checking that each socket of each {@link EngineHarness} the test
 * created (in a field or in the test body) has no event left that the test did not take. Harnesses are
 * tracked per thread from before the first test instance is built; each test drains its own.
 *
 * <p>Heartbeat events are unexpected by default. A class (or method) annotated {@link
 * HeartbeatsAreBackground} lets them pass untaken: only for tests that are not about heartbeats yet
 * send pongs to keep a session alive.
 *
 * <p>The check is skipped when the test already failed, so the first failure is the one reported.
 */
final class NoUnexpectedEvents implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  /** Heartbeat events need not be taken by the annotated test (or every test of the class). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @interface HeartbeatsAreBackground {}

  @Override
  public void beforeAll(ExtensionContext context) {
    EngineHarness.startTracking();
    EngineHarness.drainTracked();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<EngineHarness> created = EngineHarness.drainTracked();
    if (context.getExecutionException().isPresent()) {
      return;
    }
    boolean background =
        context.getRequiredTestMethod().isAnnotationPresent(HeartbeatsAreBackground.class)
            || context.getRequiredTestClass().isAnnotationPresent(HeartbeatsAreBackground.class);
    for (EngineHarness h : created) {
      if (background) {
        h.verifyNoMoreEventsExceptHeartbeats();
      } else {
        h.verifyNoMoreEvents();
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    EngineHarness.stopTracking();
  }
}

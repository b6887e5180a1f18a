package dev.eio4j.statemachine;

import dev.eio4j.testing.EngineHarness;
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
 * <p>Heartbeat events count like any other: a heartbeat event only exists because the test itself sent a
 * pong (v4) or ping (v3), so the test says how many it expects. A test that merely keeps a session alive
 * can still take them with {@code heartbeats()}.
 *
 * <p>The check is skipped when the test already failed, so the first failure is the one reported.
 */
final class NoUnexpectedEvents implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
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
    for (EngineHarness h : created) {
      h.verifyNoMoreEvents();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    EngineHarness.stopTracking();
  }
}

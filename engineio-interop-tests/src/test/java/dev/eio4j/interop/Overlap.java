package dev.eio4j.interop;

/**
 * Runs a scenario in which two requests must reach the server in a given order, or a request must be
 * held before a heartbeat ping answers it. Nothing on the wire tells a client that its GET is being held,
 * so such scenarios send, pause briefly ({@link #letItArrive()}) and send again. On a loaded machine the
 * pause may not be enough, or the 300 ms ping of the suite's configuration may answer the held GET
 * first: the scenario then did not test what it meant to, detects it, and is run again on a new session.
 */
final class Overlap {
  private static final int ATTEMPTS = 3;

  private Overlap() {}

  /** One run of a scenario. */
  @FunctionalInterface
  interface Scenario {
    /**
     * Runs once, asserting what it tests.
     *
     * @return false when the intended order did not happen (nothing was asserted about the outcome)
     */
    boolean ranAsIntended() throws Exception;
  }

  /** Runs {@code scenario} until it runs as intended, at most 3 times. */
  static void run(Scenario scenario) throws Exception {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (scenario.ranAsIntended()) {
        return;
      }
    }
    throw new AssertionError(
        "the requests never reached the server in the intended order in " + ATTEMPTS + " attempts");
  }

  /** Gives a request that was just sent time to reach the server (and, for a GET, to be held). */
  static void letItArrive() throws InterruptedException {
    Thread.sleep(100);
  }
}

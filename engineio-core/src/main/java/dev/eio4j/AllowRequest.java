package dev.eio4j;

import dev.eio4j.spi.EngineRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Decides, possibly asynchronously, whether a handshake (a request without {@code sid}, over polling or
 * WebSocket) may open a session. A denial reaches the client as {@code 403 {"code":4,"message":…}}
 * (over WebSocket, as a 400 before any 101). It is not consulted for requests of existing sessions or
 * for upgrades. A check that throws or completes exceptionally is treated as a denial with the default
 * message "Forbidden"; the exception is logged, never sent.
 */
@FunctionalInterface
public interface AllowRequest {
  /** Decides for one handshake request. The stage may complete on any thread. */
  CompletionStage<Decision> check(EngineRequest request);

  /** A synchronous check from a predicate; a denial uses the default message. */
  static AllowRequest of(Predicate<EngineRequest> predicate) {
    return req ->
        CompletableFuture.completedFuture(
            predicate.test(req) ? Decision.allow() : Decision.deny(null));
  }

  /** The outcome of a check. {@code message} (denials only) is sent to the client; null means "Forbidden". */
  record Decision(boolean allowed, String message) {
    private static final Decision ALLOW = new Decision(true, null);

    /** Let the handshake proceed. */
    public static Decision allow() {
      return ALLOW;
    }

    /** Refuse with a message for the client (null: "Forbidden"). */
    public static Decision deny(String message) {
      return new Decision(false, message);
    }
  }
}

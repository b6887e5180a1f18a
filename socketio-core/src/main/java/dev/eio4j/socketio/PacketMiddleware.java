package dev.eio4j.socketio;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A per-packet middleware ({@link SocketIoSocket#use}), as {@code socket.use((packet, next) => ..)} in
 * the Node server. It runs for each incoming event, in the order added, before the event's listeners,
 * and continues with {@code next}:
 *
 * <ul>
 *   <li>{@link Next#proceed()} hands the packet to the next middleware, then to the listeners;
 *   <li>{@link Next#fail(Throwable)} refuses it: the event is not dispatched and the error goes to the
 *       socket's {@link SocketIoSocket#onError} listeners (to the server's error hook when it has none);
 *   <li>{@link Next#proceedWhen(CompletionStage)} proceeds when the stage completes normally and
 *       refuses with its failure otherwise.
 * </ul>
 *
 * <p>A middleware may call {@code next} later, from any thread: the socket's later events wait (in
 * order) until it does. Throwing refuses the packet too, and counts as an application failure (see
 * {@link SocketIoServer#listenerErrors()}). Only the first call to {@code next} counts.
 */
@FunctionalInterface
public interface PacketMiddleware {
  /** Checks or changes {@code packet}, then calls {@code next} once, now or later. */
  void handle(EventPacket packet, Next next) throws Exception;

  /** How a middleware continues. Thread-safe; only the first call counts. */
  interface Next {
    /** Continues with the next middleware, then the listeners. */
    void proceed();

    /** Refuses the packet with {@code error} (delivered to the socket's error listeners). */
    void fail(Throwable error);

    /** Proceeds when {@code stage} completes normally; refuses with its failure otherwise. */
    default void proceedWhen(CompletionStage<?> stage) {
      Objects.requireNonNull(stage, "stage")
          .whenComplete(
              (v, err) -> {
                if (err == null) {
                  proceed();
                } else {
                  fail(err);
                }
              });
    }
  }
}

package dev.eio4j.servlet.internal;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.Lane;
import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import dev.eio4j.spi.WsUpgrade;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A WebSocket handshake waiting for the core's verdict. The core decides on any thread (usually at once,
 * inside {@code handleUpgrade}; later with an asynchronous {@code allowRequest}); the servlet that
 * received the request then carries the verdict out on its own thread, before any 101: the Servlet API
 * can upgrade a request only from its {@code service} call.
 */
public final class ServletWsUpgrade implements WsUpgrade {
  private final EngineRequest request;
  private final ExecutorLaneScheduler lanes;
  private final CompletableFuture<Verdict> verdict = new CompletableFuture<>();

  /** The core's decision. */
  public sealed interface Verdict permits Reject, Accept {}

  /**
   * Refuse with a plain HTTP response.
   *
   * @param status the status (always 400 from the core)
   * @param headers e.g. CORS
   * @param body the message, sent as {@code text/html}
   */
  public record Reject(int status, Headers headers, String body) implements Verdict {}

  /**
   * Complete the handshake.
   *
   * @param headers extra headers for the 101
   * @param maxPayload the message size limit in bytes
   * @param onOpen gives the core the open connection and returns its handler
   */
  public record Accept(Headers headers, long maxPayload, Function<WsConnection, WsHandler> onOpen)
      implements Verdict {}

  /** A handshake for {@code request}; new sessions get lanes from {@code lanes}. */
  public ServletWsUpgrade(EngineRequest request, ExecutorLaneScheduler lanes) {
    this.request = request;
    this.lanes = lanes;
  }

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public Lane laneForNewSession() {
    return lanes.newLane();
  }

  @Override
  public void reject(int status, Headers headers, String body) {
    verdict.complete(new Reject(status, headers, body));
  }

  @Override
  public void accept(
      Headers extraHeaders, long maxPayload, Function<WsConnection, WsHandler> onOpen) {
    verdict.complete(new Accept(extraHeaders, maxPayload, onOpen));
  }

  /**
   * The verdict, waiting at most {@code timeoutMillis} for it (an asynchronous {@code allowRequest}); null
   * when none came in time, after which a late one is ignored.
   */
  public Verdict await(long timeoutMillis) throws InterruptedException {
    try {
      return verdict.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // too late from now on: the first completion wins, and this is it
      return verdict.complete(null) ? null : verdict.getNow(null);
    } catch (ExecutionException e) {
      return null; // never completed exceptionally
    }
  }
}

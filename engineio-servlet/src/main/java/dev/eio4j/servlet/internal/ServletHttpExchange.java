package dev.eio4j.servlet.internal;

import dev.eio4j.spi.BoundedBody;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.Lane;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One polling request over an {@link AsyncContext}: no thread waits while a poll is held. The body is
 * read with a {@link ReadListener} and counted as it streams in a {@link BoundedBody} (never more than
 * one byte beyond the limit is kept); the response is written on a container thread once it is ready (see {@link #write}). {@link #respond} and {@link #abort} may be called
 * from any thread, once.
 */
public final class ServletHttpExchange implements HttpExchange, AsyncListener {
  private static final Logger log = LoggerFactory.getLogger(ServletHttpExchange.class);

  private final AsyncContext async;
  private final HttpServletRequest req;
  private final HttpServletResponse resp;
  private final EngineRequest request;
  private final ExecutorLaneScheduler lanes;
  private final long hardLimit;
  private final AtomicBoolean responded = new AtomicBoolean();
  private final AtomicBoolean completed = new AtomicBoolean();

  /** True once more body arrived (or was announced) than the limit: the connection cannot be reused. */
  private volatile boolean tooLarge;

  // guarded by this
  private boolean gone;
  private final List<Runnable> goneCallbacks = new ArrayList<>(1);

  /**
   * An exchange for a request whose async cycle has started ({@code async}, with no timeout); registers
   * itself as the cycle's listener.
   */
  public ServletHttpExchange(
      AsyncContext async,
      HttpServletRequest req,
      HttpServletResponse resp,
      EngineRequest request,
      ExecutorLaneScheduler lanes,
      long hardLimit) {
    this.async = async;
    this.req = req;
    this.resp = resp;
    this.request = request;
    this.lanes = lanes;
    this.hardLimit = hardLimit;
    async.addListener(this, req, resp);
  }

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public Lane laneForNewSession() {
    return lanes.newLane();
  }

  // ------------------------------------------------------------------ body

  @Override
  public void readBody(long maxBytes, BodyHandler handler) {
    long limit = Math.min(maxBytes, hardLimit);
    long announced = req.getContentLengthLong();
    if (announced > limit) {
      // refused from the headers alone: nothing of the body is read
      tooLarge = true;
      handler.onTooLarge();
      return;
    }
    if (announced == 0
        || (announced < 0
            && req.getHeader("Transfer-Encoding") == null
            && req.getProtocol().startsWith("HTTP/1."))) {
      // no body at all. Not through a ReadListener: Tomcat dispatches no first callback for a body
      // that
      // is already finished when the listener is set (from the lane, after service() returned)
      handler.onBody(new byte[0]);
      return;
    }
    ServletInputStream in;
    try {
      in = req.getInputStream();
    } catch (IOException | IllegalStateException e) {
      handler.onError(e);
      return;
    }
    BodyReader reader = new BodyReader(in, limit, announced, handler);
    onContainerThread(
        () -> {
          try {
            in.setReadListener(reader);
          } catch (IllegalStateException e) {
            reader.onError(e);
          }
        },
        () -> reader.onError(new IOException("the container refused the body read")));
  }

  /**
   * Runs {@code task} on a container thread ({@link AsyncContext#start}), or {@code refused} when the
   * container will not. The body listener and the response are set up there, never on the caller's
   * thread (usually a session lane): Tomcat answers a {@code setReadListener} from a thread that is not
   * processing the request by running the connection's pending work on that very thread, which may
   * include the next request of a keep-alive connection (seen: a lane that answered a handshake served
   * the client's WebSocket upgrade for that session inside its own task).
   */
  private void onContainerThread(Runnable task, Runnable refused) {
    try {
      async.start(task);
    } catch (RuntimeException e) {
      log.debug("async start refused for {}: {}", request, e.toString());
      refused.run();
    }
  }

  /** Reads the body as it becomes available; container threads, one callback at a time. */
  private final class BodyReader implements ReadListener {
    private final ServletInputStream in;
    private final BodyHandler handler;
    private final BoundedBody body;
    private boolean done;

    BodyReader(ServletInputStream in, long limit, long announced, BodyHandler handler) {
      this.in = in;
      this.handler = handler;
      this.body = new BoundedBody(limit, announced);
    }

    @Override
    public void onDataAvailable() {
      try {
        while (!done && in.isReady()) {
          if (body.readFrom(in::read) < 0) {
            return; // onAllDataRead follows
          }
          if (body.isOverLimit()) {
            done = true;
            tooLarge = true;
            // stop reading here: the 413 goes out with Connection: close, the rest is never read
            handler.onTooLarge();
            return;
          }
        }
      } catch (IOException e) {
        onError(e);
      }
    }

    @Override
    public void onAllDataRead() {
      if (!done) {
        done = true;
        handler.onBody(body.take());
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!done) {
        done = true;
        handler.onError(t);
      }
    }
  }

  // ------------------------------------------------------------------ response

  @Override
  public void respond(int status, Headers headers, byte[] body) {
    if (!responded.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (gone) {
        complete();
        return;
      }
    }
    try {
      resp.setStatus(status);
      for (int i = 0; i < headers.size(); i++) {
        String name = headers.name(i);
        if (!name.equalsIgnoreCase("Content-Length")) {
          resp.addHeader(name, headers.value(i));
        }
      }
      if (status != 204 && status != 304) {
        resp.setContentLengthLong(body.length);
      }
      if (tooLarge) {
        // the rest of a body we refused is still on its way: this connection cannot carry another
        // request
        resp.setHeader("Connection", "close");
      }
      if (body.length == 0 || "HEAD".equals(request.method())) {
        complete();
        return;
      }
      onContainerThread(() -> write(body), this::complete);
    } catch (RuntimeException e) {
      log.debug("response failed for {}: {}", request, e.toString());
      complete();
    }
  }

  /**
   * Writes the body with a plain (blocking) write on a container thread, then completes the cycle. Not
   * through a {@code WriteListener}: Tomcat serves the connection's next request inside the write event
   * that completed the cycle, and a WebSocket upgraded there is never registered for reading (its frames
   * are never delivered). The write is bounded by the container's write timeout.
   */
  private void write(byte[] body) {
    try {
      ServletOutputStream out = resp.getOutputStream();
      out.write(body);
      out.flush();
    } catch (IOException | RuntimeException e) {
      log.debug("writing the response failed for {}: {}", request, e.toString());
    } finally {
      complete();
    }
  }

  private void complete() {
    if (completed.compareAndSet(false, true)) {
      try {
        async.complete();
      } catch (IllegalStateException e) {
        log.debug("async complete failed: {}", e.toString());
      }
    }
  }

  @Override
  public void abort() {
    responded.set(true);
    if (completed.compareAndSet(false, true)) {
      ContainerSupport.abort(async, req, resp);
    }
  }

  // ------------------------------------------------------------------ client gone

  @Override
  public void onClientGone(Runnable callback) {
    boolean runNow;
    synchronized (this) {
      if (responded.get()) {
        return;
      }
      runNow = gone;
      if (!gone) {
        goneCallbacks.add(callback);
      }
    }
    if (runNow) {
      callback.run();
    }
  }

  private void clientGone() {
    List<Runnable> callbacks;
    synchronized (this) {
      if (gone) {
        return;
      }
      gone = true;
      callbacks = responded.get() ? List.of() : new ArrayList<>(goneCallbacks);
      goneCallbacks.clear();
    }
    callbacks.forEach(Runnable::run);
  }

  @Override
  public void onComplete(AsyncEvent event) {
    if (!responded.get()) {
      clientGone(); // the container ended the cycle without our response
    }
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    clientGone();
    complete();
  }

  @Override
  public void onError(AsyncEvent event) {
    if (log.isDebugEnabled()) {
      log.debug("async error for {}: {}", request, String.valueOf(event.getThrowable()));
    }
    clientGone();
    complete();
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // not restarted
  }
}

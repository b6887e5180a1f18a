package dev.eio4j.testing;

import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory {@link WsConnection}, created by {@link FakeWsUpgrade} when the core accepts.
 *
 * <p><b>Server side.</b> Frames written by the core are kept as pending until {@link #flush()}; only
 * flushed frames are visible through {@link #frames()}. Frames written after a close are counted in
 * {@link #framesAfterClose()} and dropped. Close calls are recorded with their status (null for the
 * no-status close).
 *
 * <p><b>Client side.</b> {@link #clientText}, {@link #clientBinary}, {@link #clientClose()} and {@link
 * #clientError} call the {@link WsHandler} the core returned, as the adapter's I/O thread would. A frame
 * larger than the {@code maxPayload} given to {@code accept} is refused as a real adapter does: close
 * 1009 and {@link WsHandler#onTooLarge} (which defaults to {@link WsHandler#onError}). Nothing is delivered after {@code onClose}/{@code onError}. With a
 * {@link ManualScheduler} lane and auto-run on (the default), each client action then runs the
 * scheduler's pending tasks.
 */
public final class FakeWsConnection implements WsConnection {
  /** One WebSocket message. */
  public record Frame(boolean binary, String text, byte[] data) {
    /** A text frame. */
    public static Frame text(String text) {
      return new Frame(false, Objects.requireNonNull(text), null);
    }

    /** A binary frame (the array is copied). */
    public static Frame binary(byte[] data) {
      return new Frame(true, null, data.clone());
    }

    /** The text of a text frame. */
    @Override
    public String text() {
      if (binary) {
        throw new IllegalStateException("binary frame: " + this);
      }
      return text;
    }

    /** A copy of the data of a binary frame. */
    @Override
    public byte[] data() {
      if (!binary) {
        throw new IllegalStateException("text frame: " + this);
      }
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Frame f
          && f.binary == binary
          && Objects.equals(f.text, text)
          && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
      return binary ? Arrays.hashCode(data) : text.hashCode();
    }

    /** {@code text:2probe} or {@code binary:01 02 03}. */
    @Override
    public String toString() {
      return binary ? "binary:" + Bytes.hex(data) : "text:" + text;
    }
  }

  /** One call to {@code close}: {@code status} is null for the no-status close. */
  public record CloseCall(Integer status, String reason) {
    @Override
    public String toString() {
      return status == null ? "close()" : "close(" + status + ", " + reason + ")";
    }
  }

  private final long maxPayload;
  private final Runnable afterClientAction;
  private final List<Frame> pending = new ArrayList<>();
  private final List<Frame> frames = new ArrayList<>();
  private final List<CloseCall> closeCalls = new ArrayList<>(1);
  private int flushes;
  private int framesAfterClose;
  private int taken;
  private volatile boolean writable = true;
  private WsHandler handler;
  private boolean handlerDone; // onClose or onError was called

  FakeWsConnection(long maxPayload, Runnable afterClientAction) {
    this.maxPayload = maxPayload;
    this.afterClientAction = afterClientAction;
  }

  void attach(WsHandler handler) {
    synchronized (this) {
      this.handler = Objects.requireNonNull(handler, "the core returned no WsHandler");
    }
  }

  // ------------------------------------------------------------------ WsConnection (server side)

  @Override
  public synchronized void sendText(String text) {
    Objects.requireNonNull(text, "text");
    if (!closeCalls.isEmpty()) {
      framesAfterClose++;
      return;
    }
    pending.add(Frame.text(text));
  }

  @Override
  public synchronized void sendBinary(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (!closeCalls.isEmpty()) {
      framesAfterClose++;
      return;
    }
    pending.add(Frame.binary(data));
  }

  @Override
  public synchronized void flush() {
    flushes++;
    frames.addAll(pending);
    pending.clear();
  }

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public synchronized void close() {
    closeCalls.add(new CloseCall(null, null));
    pending.clear(); // a close frame goes out; nothing queued after the last flush is written
  }

  @Override
  public synchronized void close(int statusCode, String reason) {
    closeCalls.add(new CloseCall(statusCode, reason));
    pending.clear();
  }

  // ------------------------------------------------------------------ the simulated client

  /** The handler the core returned from {@code onOpen}. */
  public synchronized WsHandler handler() {
    if (handler == null) {
      throw new IllegalStateException("the WebSocket is not open");
    }
    return handler;
  }

  /** The client sends a text frame. */
  public FakeWsConnection clientText(String text) {
    WsHandler h = deliverable();
    if (h != null) {
      if (text.getBytes(StandardCharsets.UTF_8).length > maxPayload) {
        oversize(h);
      } else {
        h.onText(text);
      }
    }
    afterClientAction.run();
    return this;
  }

  /** The client sends a binary frame (the array is copied). */
  public FakeWsConnection clientBinary(byte[] data) {
    WsHandler h = deliverable();
    if (h != null) {
      if (data.length > maxPayload) {
        oversize(h);
      } else {
        h.onBinary(data.clone());
      }
    }
    afterClientAction.run();
    return this;
  }

  /** The client closes the WebSocket (or the TCP connection goes away): {@link WsHandler#onClose()}. */
  public FakeWsConnection clientClose() {
    WsHandler h = finalCall();
    if (h != null) {
      h.onClose();
    }
    afterClientAction.run();
    return this;
  }

  /** The connection fails: {@link WsHandler#onError(String)}. */
  public FakeWsConnection clientError(String description) {
    WsHandler h = finalCall();
    if (h != null) {
      h.onError(description);
    }
    afterClientAction.run();
    return this;
  }

  /**
   * Toggles writability; going from unwritable to writable calls {@link WsHandler#onWritable()}, as the
   * adapter does when its buffer drains.
   */
  public FakeWsConnection setWritable(boolean writable) {
    boolean was = this.writable;
    this.writable = writable;
    if (writable && !was) {
      WsHandler h;
      synchronized (this) {
        h = handlerDone ? null : handler;
      }
      if (h != null) {
        h.onWritable();
      }
      afterClientAction.run();
    }
    return this;
  }

  private void oversize(WsHandler h) {
    synchronized (this) {
      closeCalls.add(new CloseCall(1009, "Max payload size exceeded"));
      pending.clear();
      handlerDone = true;
    }
    h.onTooLarge("RangeError: Max payload size exceeded");
  }

  private synchronized WsHandler deliverable() {
    if (handler == null) {
      throw new IllegalStateException("the WebSocket is not open");
    }
    return handlerDone ? null : handler;
  }

  private synchronized WsHandler finalCall() {
    if (handler == null) {
      throw new IllegalStateException("the WebSocket is not open");
    }
    if (handlerDone) {
      return null;
    }
    handlerDone = true;
    return handler;
  }

  // ------------------------------------------------------------------ inspection

  /** Every flushed frame written by the server, in order. */
  public synchronized List<Frame> frames() {
    return List.copyOf(frames);
  }

  /** Flushed frames rendered with {@link Frame#toString()}, e.g. {@code text:3probe}. */
  public synchronized List<String> frameLog() {
    return frames.stream().map(Frame::toString).toList();
  }

  /** The texts of the flushed text frames, in order (binary frames are skipped). */
  public synchronized List<String> texts() {
    return frames.stream().filter(f -> !f.binary()).map(Frame::text).toList();
  }

  /** The flushed frames not returned by a previous call of this method. */
  public synchronized List<Frame> takeFrames() {
    List<Frame> out = List.copyOf(frames.subList(taken, frames.size()));
    taken = frames.size();
    return out;
  }

  /** {@link #takeFrames()} rendered with {@link Frame#toString()}. */
  public List<String> takeFrameLog() {
    return takeFrames().stream().map(Frame::toString).toList();
  }

  /** Frames written but not flushed yet. */
  public synchronized List<Frame> unflushed() {
    return List.copyOf(pending);
  }

  /** How many times the server flushed. */
  public synchronized int flushes() {
    return flushes;
  }

  /** Frames the server tried to write after closing (always dropped). */
  public synchronized int framesAfterClose() {
    return framesAfterClose;
  }

  /** Every close call, in order. */
  public synchronized List<CloseCall> closeCalls() {
    return List.copyOf(closeCalls);
  }

  /** True when a close was called by the server (or by this fake, for an oversize frame). */
  public synchronized boolean closed() {
    return !closeCalls.isEmpty();
  }

  /** True when the client side ended ({@link #clientClose()}, {@link #clientError}, oversize). */
  public synchronized boolean clientDone() {
    return handlerDone;
  }

  @Override
  public synchronized String toString() {
    return "FakeWsConnection{frames=" + frames + ", closes=" + closeCalls + "}";
  }
}

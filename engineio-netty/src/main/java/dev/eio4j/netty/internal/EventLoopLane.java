package dev.eio4j.netty.internal;

import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.Lane;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A session lane backed by a Netty event loop: serial, with the loop's timer. */
public final class EventLoopLane implements Lane {
  private final EventLoop loop;

  /** A lane on {@code loop}. */
  public EventLoopLane(EventLoop loop) {
    this.loop = loop;
  }

  @Override
  public void execute(Runnable command) {
    loop.execute(command);
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    ScheduledFuture<?> f = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public boolean inLane() {
    return loop.inEventLoop();
  }
}

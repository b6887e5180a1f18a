package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.Message;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.SerialExecutor;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener half of a socket: the listener lists, their registration ({@code on...}) and the
 * delivery of their events. Events are emitted on the session's lane and
 * delivered in emission order: on the lane itself, or, with a {@code listenerExecutor}, through one
 * serial executor per socket. A listener that throws is logged and the next one still runs.
 *
 * <p>A list is read when its event is delivered, not when it is emitted: with an executor, the
 * connection callback runs later than the lane emits the first events, and the listeners it registers
 * must still see them (the promise of {@code EngineIoServer#onConnection}).
 */
abstract class SocketListeners implements EngineIoSocket {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final ListenerList<Consumer<Message>> messageListeners = new ListenerList<>();
  private final ListenerList<CloseListener> closeListeners = new ListenerList<>();
  private final ListenerList<Consumer<TransportType>> upgradingListeners = new ListenerList<>();
  private final ListenerList<Consumer<TransportType>> upgradeListeners = new ListenerList<>();
  private final ListenerList<Consumer<Packet>> packetListeners = new ListenerList<>();
  private final ListenerList<Consumer<Packet>> packetCreateListeners = new ListenerList<>();
  private final ListenerList<Consumer<List<Packet>>> flushListeners = new ListenerList<>();
  private final ListenerList<Runnable> drainListeners = new ListenerList<>();
  private final ListenerList<Runnable> heartbeatListeners = new ListenerList<>();
  private final ListenerList<Runnable> writableListeners = new ListenerList<>();

  private final String socketId;
  private final Executor events; // null: delivered on the lane

  SocketListeners(String socketId, Executor listenerExecutor) {
    this.socketId = socketId;
    this.events = listenerExecutor == null ? null : new SerialExecutor(listenerExecutor);
  }

  @Override
  public EngineIoSocket onMessage(Consumer<Message> listener) {
    messageListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onClose(Consumer<DisconnectReason> listener) {
    closeListeners.add((reason, description) -> listener.accept(reason));
    return this;
  }

  @Override
  public EngineIoSocket onClose(CloseListener listener) {
    closeListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onUpgrading(Consumer<TransportType> listener) {
    upgradingListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onUpgrade(Consumer<TransportType> listener) {
    upgradeListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onPacket(Consumer<Packet> listener) {
    packetListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onPacketCreate(Consumer<Packet> listener) {
    packetCreateListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onFlush(Consumer<List<Packet>> listener) {
    flushListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onDrain(Runnable listener) {
    drainListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onHeartbeat(Runnable listener) {
    heartbeatListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onWritable(Runnable listener) {
    writableListeners.add(listener);
    return this;
  }

  void emitMessage(Message m) {
    emitEach(messageListeners, l -> l.accept(m));
  }

  void emitClose(DisconnectReason reason, String description) {
    emitEach(closeListeners, l -> l.onClose(reason, description));
  }

  void emitUpgrading(TransportType t) {
    emitEach(upgradingListeners, l -> l.accept(t));
  }

  void emitUpgrade(TransportType t) {
    emitEach(upgradeListeners, l -> l.accept(t));
  }

  void emitPacket(Packet p) {
    emitEach(packetListeners, l -> l.accept(p));
  }

  void emitPacketCreate(Packet p) {
    emitEach(packetCreateListeners, l -> l.accept(p));
  }

  void emitFlush(List<Packet> batch) {
    emitEach(flushListeners, l -> l.accept(batch));
  }

  void emitDrain() {
    emitEach(drainListeners, Runnable::run);
  }

  void emitHeartbeat() {
    emitEach(heartbeatListeners, Runnable::run);
  }

  void emitWritable() {
    emitEach(writableListeners, Runnable::run);
  }

  /** Delivers one event to every listener of a list, in order, each call isolated. */
  private <T> void emitEach(ListenerList<T> listeners, Consumer<T> call) {
    if (events == null && listeners.isEmpty()) {
      return; // delivered now, so an empty list can be skipped
    }
    emit(
        () -> {
          for (T l : listeners) {
            try {
              call.accept(l);
            } catch (RuntimeException e) {
              log.error("socket {} listener threw", LogSafe.escape(socketId), e);
            }
          }
        });
  }

  /** Runs an application callback in order for this socket, isolating failures. */
  void emit(Runnable callback) {
    Runnable safe =
        () -> {
          try {
            callback.run();
          } catch (RuntimeException e) {
            log.error("socket {} listener threw", LogSafe.escape(socketId), e);
          }
        };
    if (events == null) {
      safe.run();
    } else {
      events.execute(safe);
    }
  }
}

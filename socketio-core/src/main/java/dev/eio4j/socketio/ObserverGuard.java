package dev.eio4j.socketio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls an application's {@link SocketIoObserver}; what it throws is logged and goes no further. */
final class ObserverGuard implements SocketIoObserver {
  private static final Logger log = LoggerFactory.getLogger(ObserverGuard.class);

  private final SocketIoObserver target;

  private ObserverGuard(SocketIoObserver target) {
    this.target = target;
  }

  /** {@code observer} guarded, or the no-op itself. */
  static SocketIoObserver of(SocketIoObserver observer) {
    return observer == NOOP ? NOOP : new ObserverGuard(observer);
  }

  private static void failed(Throwable t) {
    log.warn("Socket.IO observer failed", t);
  }

  @Override
  public void serverCreated(SocketIoServer server) {
    try {
      target.serverCreated(server);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void namespaceCreated(Namespace namespace) {
    try {
      target.namespaceCreated(namespace);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void namespaceRemoved(Namespace namespace) {
    try {
      target.namespaceRemoved(namespace);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void socketConnected(SocketIoSocket socket) {
    try {
      target.socketConnected(socket);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void socketDisconnected(SocketIoSocket socket, SocketIoDisconnectReason reason) {
    try {
      target.socketDisconnected(socket, reason);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void eventIn(SocketIoSocket socket, String event) {
    try {
      target.eventIn(socket, event);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void eventOut(SocketIoSocket socket, String event) {
    try {
      target.eventOut(socket, event);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void ackPending(SocketIoSocket socket) {
    try {
      target.ackPending(socket);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void ackAnswered(SocketIoSocket socket) {
    try {
      target.ackAnswered(socket);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void ackTimedOut(SocketIoSocket socket) {
    try {
      target.ackTimedOut(socket);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void broadcast(Namespace namespace, String event, int recipients) {
    try {
      target.broadcast(namespace, event, recipients);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void listenerError(SocketIoSocket socket, Throwable error) {
    try {
      target.listenerError(socket, error);
    } catch (Throwable t) {
      failed(t);
    }
  }
}

package dev.eio4j.protocol;

/** The Engine.IO protocol revision a session speaks ({@code EIO} query parameter). */
public enum ProtocolVersion {
  /** Engine.IO 3 (Socket.IO 1.x/2.x clients). */
  V3(3),
  /** Engine.IO 4 (Socket.IO 3+/4 clients). */
  V4(4);

  private final int number;

  ProtocolVersion(int number) {
    this.number = number;
  }

  /** Returns the revision number, 3 or 4. */
  public int number() {
    return number;
  }

  /**
   * Parses the raw {@code EIO} query value: exactly {@code "4"} is V4, exactly {@code "3"} is V3, and
   * anything else (including {@code null}) gives {@code null}. Note that the Node reference treats every
   * value other than "4" as v3; mapping unknown values is the caller's policy (docs/protocol.md §1.3, §9.1).
   */
  public static ProtocolVersion fromQuery(String eio) {
    if ("4".equals(eio)) {
      return V4;
    }
    if ("3".equals(eio)) {
      return V3;
    }
    return null;
  }
}

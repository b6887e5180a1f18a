package dev.eio4j.spi;

import java.io.IOException;
import java.util.Arrays;

/**
 * A request body accumulated up to a limit, for runtimes that implement {@link HttpExchange#readBody}.
 * It never holds more than {@code limit + 1} bytes (the one extra byte is how a body that passes the
 * limit is told from one that ends exactly at it); once the limit is passed the bytes are dropped and
 * {@link #isOverLimit()} stays true. Not thread-safe: one reader at a time, as a body streams.
 */
public final class BoundedBody {
  /** Where bytes come from: reads up to {@code len} bytes into {@code dst[off..]}, or -1 at its end. */
  @FunctionalInterface
  public interface Source {
    int read(byte[] dst, int off, int len) throws IOException;
  }

  /** A chunk already received: copies its bytes {@code [from, from + len)} into {@code dst[off..]}. */
  @FunctionalInterface
  public interface Chunk {
    void copy(int from, byte[] dst, int off, int len);
  }

  private static final int INITIAL = 4096;
  private final long expectedLength;
  private long limit;
  private byte[] bytes;
  private int size;
  private boolean overLimit;

  /**
   * A body of at most {@code limit} bytes; {@code expectedLength} (the announced {@code Content-Length},
   * or -1) sizes the first buffer, and one above the limit fails it at once.
   */
  public BoundedBody(long limit, long expectedLength) {
    this.limit = Math.max(0, limit);
    this.expectedLength = expectedLength;
    long first = Math.min(expectedLength >= 0 ? expectedLength : INITIAL, this.limit + 1);
    this.bytes = new byte[(int) Math.max(0, first)];
    if (expectedLength > this.limit) {
      over();
    }
  }

  /**
   * Lowers the limit to {@code limit} if that is lower: what is already held, or the expected length,
   * may then be over it.
   */
  public void narrow(long limit) {
    if (limit < this.limit) {
      this.limit = Math.max(0, limit);
      if (size > this.limit || expectedLength > this.limit) {
        over();
      }
    }
  }

  /**
   * Reads once from {@code source} into the room left (growing the buffer, never past {@code limit + 1}
   * bytes). Does nothing once over the limit.
   *
   * @return the bytes read, 0 when over the limit, or -1 at the source's end
   */
  public int readFrom(Source source) throws IOException {
    if (overLimit) {
      return 0;
    }
    makeRoom();
    int n = source.read(bytes, size, bytes.length - size);
    if (n > 0) {
      added(n);
    }
    return n;
  }

  /**
   * Appends a chunk of {@code length} bytes that {@code chunk} copies out piece by piece, as far as the
   * limit allows: past it the rest is not copied.
   */
  public void append(int length, Chunk chunk) {
    int done = 0;
    while (done < length && !overLimit) {
      makeRoom();
      int k = Math.min(bytes.length - size, length - done);
      chunk.copy(done, bytes, size, k);
      done += k;
      added(k);
    }
  }

  /** Appends {@code src}, as far as the limit allows. */
  public void append(byte[] src) {
    append(src.length, (from, dst, off, len) -> System.arraycopy(src, from, dst, off, len));
  }

  private void makeRoom() {
    if (size == bytes.length) {
      // cap > size: a full buffer of limit + 1 bytes is already over the limit
      long cap = Math.min(limit + 1, Math.max((long) INITIAL, (long) bytes.length * 2));
      bytes = Arrays.copyOf(bytes, (int) cap);
    }
  }

  private void added(int n) {
    size += n;
    if (size > limit) {
      over();
    }
  }

  /** True once more bytes arrived, were announced or are held than the limit allows. */
  public boolean isOverLimit() {
    return overLimit;
  }

  /** The bytes held so far. */
  public int size() {
    return size;
  }

  /**
   * The complete body, exactly {@link #size()} bytes; the buffer is released.
   *
   * @throws IllegalStateException when over the limit
   */
  public byte[] take() {
    if (overLimit) {
      throw new IllegalStateException("the body is over its limit");
    }
    byte[] b = size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    bytes = new byte[0];
    size = 0;
    return b;
  }

  private void over() {
    overLimit = true;
    bytes = new byte[0];
    size = 0;
  }
}

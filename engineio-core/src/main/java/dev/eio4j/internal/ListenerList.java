package dev.eio4j.internal;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A copy-on-write list of listeners, smaller than {@code CopyOnWriteArrayList} (one array reference, no
 * lock object): every session holds about ten of them, mostly empty. Adds are rare and synchronized;
 * iteration sees the array as it was when it started.
 */
final class ListenerList<T> implements Iterable<T> {
  private static final Object[] EMPTY = new Object[0];
  private volatile Object[] items = EMPTY;

  synchronized void add(T listener) {
    Object[] a = Arrays.copyOf(items, items.length + 1);
    a[a.length - 1] = listener;
    items = a;
  }

  boolean isEmpty() {
    return items.length == 0;
  }

  @Override
  public Iterator<T> iterator() {
    Object[] snapshot = items;
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < snapshot.length;
      }

      @Override
      @SuppressWarnings("unchecked")
      public T next() {
        if (i >= snapshot.length) {
          throw new NoSuchElementException();
        }
        return (T) snapshot[i++];
      }
    };
  }
}

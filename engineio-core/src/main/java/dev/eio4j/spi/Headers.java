package dev.eio4j.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * An ordered, case-insensitive multimap of HTTP header names to values. Mutable; not thread-safe.
 * Used for request headers (filled by adapters) and for response headers (filled by the core and by
 * the {@code headers}/{@code initialHeaders} hooks).
 */
public final class Headers {
  // names and values interleaved: [name0, value0, name1, value1, ...]; one array, compact for the
  // handshake request that every session keeps
  private String[] kv;
  private int size; // header lines

  /** Empty headers. */
  public Headers() {
    kv = new String[16];
  }

  /** Appends a header, keeping any existing value with that name. */
  public Headers add(String name, String value) {
    if (2 * size == kv.length) {
      kv = java.util.Arrays.copyOf(kv, Math.max(4, kv.length * 2));
    }
    kv[2 * size] = name;
    kv[2 * size + 1] = value;
    size++;
    return this;
  }

  /** Replaces every header of that name with one value. */
  public Headers set(String name, String value) {
    remove(name);
    return add(name, value);
  }

  /** Removes every header of that name. */
  public Headers remove(String name) {
    int w = 0;
    for (int r = 0; r < size; r++) {
      if (!kv[2 * r].equalsIgnoreCase(name)) {
        kv[2 * w] = kv[2 * r];
        kv[2 * w + 1] = kv[2 * r + 1];
        w++;
      }
    }
    for (int i = 2 * w; i < 2 * size; i++) {
      kv[i] = null;
    }
    size = w;
    return this;
  }

  /** The first value of that header, or null. */
  public String get(String name) {
    for (int i = 0; i < size; i++) {
      if (kv[2 * i].equalsIgnoreCase(name)) {
        return kv[2 * i + 1];
      }
    }
    return null;
  }

  /** Every value of that header, in order. */
  public List<String> getAll(String name) {
    List<String> out = new ArrayList<>(1);
    for (int i = 0; i < size; i++) {
      if (kv[2 * i].equalsIgnoreCase(name)) {
        out.add(kv[2 * i + 1]);
      }
    }
    return out;
  }

  /** True when a header of that name is present. */
  public boolean contains(String name) {
    return get(name) != null;
  }

  /** Number of header lines. */
  public int size() {
    return size;
  }

  /** The name of the i-th header line, as given. */
  public String name(int i) {
    java.util.Objects.checkIndex(i, size);
    return kv[2 * i];
  }

  /** The value of the i-th header line. */
  public String value(int i) {
    java.util.Objects.checkIndex(i, size);
    return kv[2 * i + 1];
  }

  /** The header names, lower-cased, in order of first appearance. */
  public List<String> names() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String l = kv[2 * i].toLowerCase(Locale.ROOT);
      if (!out.contains(l)) {
        out.add(l);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** A copy of these headers. */
  public Headers copy() {
    Headers h = new Headers();
    h.kv = java.util.Arrays.copyOf(kv, Math.max(4, 2 * size));
    h.size = size;
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(kv[2 * i]).append(": ").append(kv[2 * i + 1]);
    }
    return sb.append('}').toString();
  }
}

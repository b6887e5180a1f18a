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
  private final List<String> names = new ArrayList<>(8);
  private final List<String> values = new ArrayList<>(8);

  /** Appends a header, keeping any existing value with that name. */
  public Headers add(String name, String value) {
    names.add(name);
    values.add(value);
    return this;
  }

  /** Replaces every header of that name with one value. */
  public Headers set(String name, String value) {
    remove(name);
    return add(name, value);
  }

  /** Removes every header of that name. */
  public Headers remove(String name) {
    for (int i = names.size() - 1; i >= 0; i--) {
      if (names.get(i).equalsIgnoreCase(name)) {
        names.remove(i);
        values.remove(i);
      }
    }
    return this;
  }

  /** The first value of that header, or null. */
  public String get(String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return values.get(i);
      }
    }
    return null;
  }

  /** Every value of that header, in order. */
  public List<String> getAll(String name) {
    List<String> out = new ArrayList<>(1);
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        out.add(values.get(i));
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
    return names.size();
  }

  /** The name of the i-th header line, as given. */
  public String name(int i) {
    return names.get(i);
  }

  /** The value of the i-th header line. */
  public String value(int i) {
    return values.get(i);
  }

  /** The header names, lower-cased, in order of first appearance. */
  public List<String> names() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      String l = n.toLowerCase(Locale.ROOT);
      if (!out.contains(l)) {
        out.add(l);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** A copy of these headers. */
  public Headers copy() {
    Headers h = new Headers();
    h.names.addAll(names);
    h.values.addAll(values);
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(names.get(i)).append(": ").append(values.get(i));
    }
    return sb.append('}').toString();
  }
}

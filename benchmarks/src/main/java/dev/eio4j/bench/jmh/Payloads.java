package dev.eio4j.bench.jmh;

import java.util.Random;

/** Deterministic benchmark payloads. */
final class Payloads {
  private Payloads() {}

  /** ASCII text of {@code size} characters (letters and digits, no separators). */
  static String text(int size) {
    char[] c = new char[size];
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    Random r = new Random(size);
    for (int i = 0; i < size; i++) {
      c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
    }
    return new String(c);
  }

  /** Random bytes. */
  static byte[] bytes(int size) {
    byte[] b = new byte[size];
    new Random(31L * size).nextBytes(b);
    return b;
  }
}

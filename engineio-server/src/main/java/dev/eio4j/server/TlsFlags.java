package dev.eio4j.server;

import dev.eio4j.netty.EngineIoNettyServer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * TLS from the command line, in one of two forms: a PEM certificate chain with its PKCS#8 private key
 * ({@code --tls-cert}, {@code --tls-key}), or a PKCS#12 key store with its password ({@code
 * --tls-keystore}, {@code --tls-keystore-password}). Exactly one form is set. {@link #of} checks that the
 * flags pair up and the files are readable; {@link #applyTo} loads them. Both fail with an {@link
 * IllegalArgumentException} whose message is a single line.
 */
record TlsFlags(Path certificateChain, Path privateKey, Path keyStore, String keyStorePassword) {

  /**
   * The TLS settings given by these flag values ({@code null} where a flag is absent), or {@code null}
   * when none is given (plain HTTP).
   */
  static TlsFlags of(String cert, String key, String keyStore, String password) {
    if (cert == null && key == null && keyStore == null && password == null) {
      return null;
    }
    if ((cert != null || key != null) && (keyStore != null || password != null)) {
      throw new IllegalArgumentException(
          "give either --tls-cert/--tls-key or --tls-keystore/--tls-keystore-password, not both");
    }
    if (keyStore != null || password != null) {
      if (keyStore == null) {
        throw new IllegalArgumentException("--tls-keystore-password needs --tls-keystore");
      }
      if (password == null) {
        throw new IllegalArgumentException("--tls-keystore needs --tls-keystore-password");
      }
      return new TlsFlags(null, null, readable("--tls-keystore", keyStore), password);
    }
    if (cert == null) {
      throw new IllegalArgumentException("--tls-key needs --tls-cert");
    }
    if (key == null) {
      throw new IllegalArgumentException("--tls-cert needs --tls-key");
    }
    return new TlsFlags(readable("--tls-cert", cert), readable("--tls-key", key), null, null);
  }

  /**
   * Loads the certificate and key into {@code builder}.
   *
   * @throws IllegalArgumentException when they cannot be loaded (not PEM, wrong password, no key...)
   */
  void applyTo(EngineIoNettyServer.Builder builder) {
    try {
      if (keyStore != null) {
        builder.tls(keyStore, keyStorePassword.toCharArray());
      } else {
        builder.tls(certificateChain, privateKey);
      }
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(oneLine(e.getCause().getMessage()), e);
    }
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return keyStore != null
        ? "PKCS#12 " + keyStore
        : "PEM " + certificateChain + " + " + privateKey;
  }

  private static Path readable(String flag, String file) {
    Path p;
    try {
      p = Path.of(file);
    } catch (InvalidPathException e) {
      p = null;
    }
    if (p == null || !Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new IllegalArgumentException(flag + ": cannot read " + oneLine(file));
    }
    return p;
  }

  /** Line breaks and other control characters become spaces: the message is printed as one line. */
  private static String oneLine(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString().strip();
  }
}

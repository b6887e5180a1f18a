package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.EngineIoNettyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS flags as parsed: how they pair up, which files they accept, and their errors (one line each). */
class TlsFlagsTest {
  @TempDir static Path dir;
  static TestCertificate cert;

  @BeforeAll
  static void makeCertificate() throws Exception {
    cert = TestCertificate.create(dir);
  }

  private static ServerConfig parse(String... args) {
    return ServerConfig.parse(args);
  }

  @Test
  void noTlsFlagsMeanPlainHttp() {
    assertThat(parse("--port", "1").tls()).isNull();
  }

  @Test
  void aPemPairOrAKeyStoreIsAccepted() {
    TlsFlags pem =
        parse("--tls-cert", cert.certPem().toString(), "--tls-key=" + cert.keyPem()).tls();
    assertThat(pem.certificateChain()).isEqualTo(cert.certPem());
    assertThat(pem.privateKey()).isEqualTo(cert.keyPem());
    assertThat(pem.keyStore()).isNull();

    TlsFlags ks =
        parse("--tls-keystore", cert.keyStore().toString(), "--tls-keystore-password", "changeit")
            .tls();
    assertThat(ks.keyStore()).isEqualTo(cert.keyStore());
    assertThat(ks.keyStorePassword()).isEqualTo("changeit");
    assertThat(ks.certificateChain()).isNull();
    assertThat(ks.toString()).as("the password is never printed").doesNotContain("changeit");
  }

  @Test
  void eachHalfOfAPairNeedsTheOther() {
    String c = cert.certPem().toString();
    String k = cert.keyPem().toString();
    String s = cert.keyStore().toString();
    assertThatThrownBy(() -> parse("--tls-cert", c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-cert needs --tls-key");
    assertThatThrownBy(() -> parse("--tls-key", k)).hasMessage("--tls-key needs --tls-cert");
    assertThatThrownBy(() -> parse("--tls-keystore", s))
        .hasMessage("--tls-keystore needs --tls-keystore-password");
    assertThatThrownBy(() -> parse("--tls-keystore-password", "x"))
        .hasMessage("--tls-keystore-password needs --tls-keystore");
    assertThatThrownBy(
            () ->
                parse(
                    "--tls-cert",
                    c,
                    "--tls-key",
                    k,
                    "--tls-keystore",
                    s,
                    "--tls-keystore-password",
                    "changeit"))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> parse("--tls-cert")).hasMessage("--tls-cert needs a value");
  }

  @Test
  void aFileThatCannotBeReadIsNamed() {
    String k = cert.keyPem().toString();
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> parse("--tls-cert", missing.toString(), "--tls-key", k))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-cert: cannot read " + missing);
    assertThatThrownBy(
            () -> parse("--tls-cert", cert.certPem().toString(), "--tls-key", dir.toString()))
        .as("a directory")
        .hasMessage("--tls-key: cannot read " + dir);
    assertThatThrownBy(
            () -> parse("--tls-keystore", "bad\nname\u0000.p12", "--tls-keystore-password", "x"))
        .as("control characters (and an invalid path) still give one line")
        .hasMessage("--tls-keystore: cannot read bad name .p12");
  }

  @Test
  void contentThatCannotBeLoadedFailsWithOneLineNamingTheFile() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    EngineIoNettyServer.Builder builder =
        EngineIoNettyServer.builder(EngineIoServer.builder().build());

    TlsFlags notPem =
        parse("--tls-cert", garbage.toString(), "--tls-key", cert.keyPem().toString()).tls();
    assertThatThrownBy(() -> notPem.applyTo(builder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(garbage.toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));

    TlsFlags wrongPassword =
        parse("--tls-keystore", cert.keyStore().toString(), "--tls-keystore-password", "wrong")
            .tls();
    assertThatThrownBy(() -> wrongPassword.applyTo(builder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(cert.keyStore().toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r", "wrong"));

    TlsFlags good =
        parse("--tls-keystore", cert.keyStore().toString(), "--tls-keystore-password", "changeit")
            .tls();
    good.applyTo(builder); // loads without error
  }
}

package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.client.FunnelClient;
import dev.funnel.client.FunnelEvent;
import dev.funnel.client.FunnelException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS end to end: a self-signed certificate made here with the JDK's keytool (PKCS#12), the real live
 * server on it (as the key store, and as PEM files exported from it), a {@link FunnelClient} trusting
 * exactly that certificate. Plain HTTP to the TLS port, and a client that does not trust the
 * certificate, both fail.
 */
class TlsTest {
  private static final String PASSWORD = "funnel-test-pass";

  @TempDir Path data;
  @TempDir Path keys;
  private Path keyStore;

  @BeforeEach
  void makeCertificate() throws Exception {
    keyStore = keys.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "funnel", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool: %s", out).isZero();
  }

  private KeyStore load() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  /** A client context that trusts only the server's certificate. */
  private SSLContext trusting() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("funnel", load().getCertificate("funnel"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private void servesHttpsOnly(TlsConfig tls) throws Exception {
    LiveService live = LiveFixture.openLive(data);
    FunnelServer server = null;
    try {
      server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 100, null, 1).withTls(tls), live);
      FunnelClient https = FunnelClient.builder(URI.create("https://127.0.0.1:" + server.port())).sslContext(trusting()).build();
      assertThat(https.sendEvents(List.of(FunnelEvent.of("tls", "a0", "click"))).accepted()).isEqualTo(1);
      assertThat(https.recommend("tls", 5).itemIds()).contains("a1").doesNotContain("a0");
      assertThat(https.ready()).isTrue();

      FunnelClient plain = FunnelClient.of(URI.create("http://127.0.0.1:" + server.port()));
      assertThatThrownBy(plain::health).as("plain HTTP to the TLS port").isInstanceOfSatisfying(FunnelException.class,
          e -> assertThat(e.status()).isZero());
      FunnelClient untrusting = FunnelClient.of(URI.create("https://127.0.0.1:" + server.port()));
      assertThatThrownBy(untrusting::health).as("a client that does not trust the self-signed certificate")
          .isInstanceOfSatisfying(FunnelException.class, e -> assertThat(e.status()).isZero());
      assertThat(live.log().lastSequence()).as("only the HTTPS event was stored").isEqualTo(1);
    } finally {
      LiveFixture.close(server, live);
    }
  }

  @Test
  void pkcs12KeyStore() throws Exception {
    servesHttpsOnly(TlsConfig.pkcs12(keyStore, PASSWORD));
  }

  @Test
  void pemCertificateAndKey() throws Exception {
    KeyStore ks = load();
    PrivateKey key = (PrivateKey) ks.getKey("funnel", PASSWORD.toCharArray());
    Certificate cert = ks.getCertificate("funnel");
    Path certPem = Files.writeString(keys.resolve("server.crt"), pem("CERTIFICATE", cert.getEncoded()));
    Path keyPem = Files.writeString(keys.resolve("server.key"), pem("PRIVATE KEY", key.getEncoded()));
    servesHttpsOnly(TlsConfig.pem(certPem, keyPem));
  }

  @Test
  void badSettingsNameTheFile() throws Exception {
    assertThatThrownBy(() -> TlsConfig.pem(keys.resolve("nope.crt"), keyStore)).hasMessageContaining("certPem").hasMessageContaining("nope.crt");
    assertThatThrownBy(() -> TlsConfig.pem(keyStore, null)).hasMessageContaining("both");
    assertThatThrownBy(() -> TlsConfig.pkcs12(keyStore, null)).hasMessageContaining("FUNNEL_TLS_KEYSTORE_PASSWORD");
    assertThatThrownBy(() -> new TlsConfig(keyStore, keyStore, keyStore, "x")).hasMessageContaining("not both");
    Path pw = Files.writeString(keys.resolve("pw.txt"), PASSWORD + "\nignored\n");
    assertThat(TlsConfig.password(pw, "env")).isEqualTo(PASSWORD);
    assertThat(TlsConfig.password(null, "env")).isEqualTo("env");
    assertThat(TlsConfig.pkcs12(keyStore, "secret").toString()).doesNotContain("secret");
    // A wrong password fails the start with a clear error, and nothing stays bound or locked.
    LiveService live = LiveFixture.openLive(data);
    try {
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 100, null, 1).withTls(TlsConfig.pkcs12(keyStore, "wrong")), live))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot start the server");
    } finally {
      live.close();
    }
  }
}

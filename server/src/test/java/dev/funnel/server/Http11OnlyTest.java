package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server speaks HTTP/1.1 only: a client that offers an h2c upgrade (the JDK's HttpClient does by
 * default) is answered over HTTP/1.1 on the same connection, so no request switches the server onto its
 * HTTP/2 code (see {@code FunnelServer}: it cost a JIT deoptimisation stall per admin call under load).
 */
class Http11OnlyTest {
  @Test
  void anUpgradeOfferIsAnsweredOverHttp11() throws Exception {
    FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 10, null, 1), Map.of("a", FixtureModel.saved(false)));
    try {
      HttpClient offersUpgrade = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      for (int i = 0; i < 2; i++) { // the second request would ride an upgraded connection
        HttpResponse<String> r = offersUpgrade.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      }
    } finally {
      server.close();
    }
  }
}

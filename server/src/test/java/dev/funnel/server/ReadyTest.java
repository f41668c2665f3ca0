package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /ready} says whether to send traffic; {@code /health} only that the process answers. */
class ReadyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;

  private HttpResponse<String> get(FunnelServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyOnceRecoveredAndLoadedAndNotWhileClosing() throws Exception {
    LiveFixture.writeModel(data);
    try (LiveService live = LiveService.open(data, null, LiveService.Config.defaults())) {
      FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 10, null, 1), live);
      try {
        HttpResponse<String> ready = get(server, "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(body.get("models").get(0).asText()).isEqualTo("itemcf");

        // What a request sees once close() has begun (close clears the flag before draining).
        server.httpRoutes().ready(false);
        HttpResponse<String> closing = get(server, "/ready");
        assertThat(closing.statusCode()).isEqualTo(503);
        assertThat(closing.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(closing.body()).get("error").asText()).contains("not ready");
        assertThat(get(server, "/health").statusCode()).as("alive while not ready").isEqualTo(200);
        server.httpRoutes().ready(true);
        assertThat(get(server, "/ready").statusCode()).isEqualTo(200);
      } finally {
        server.close();
      }
      assertThat(server.httpRoutes().isReady()).as("close() clears readiness").isFalse();
    }
  }
}

package dev.funnel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the JDK's own HTTP server answering canned bodies: what goes on the wire
 * (JSON lines, key header, encoded ids) and how answers and errors are read. The real server is
 * exercised by the server module's integration tests, which call it through this client.
 */
class FunnelClientTest {
  private HttpServer stub;
  private final Map<String, String> seen = new ConcurrentHashMap<>();
  private FunnelClient client;

  @BeforeEach
  void start() throws IOException {
    stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String key = ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath();
      seen.put(key, body);
      seen.put(key + " query", String.valueOf(ex.getRequestURI().getRawQuery()));
      seen.put(key + " auth", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      int status;
      String answer;
      switch (key) {
        case "POST /v1/events" -> {
          status = body.contains("\"boom\"") ? 400 : 200;
          answer = status == 200 ? "{\"accepted\":2,\"duplicates\":1,\"rejected\":[{\"line\":3,\"field\":\"type\",\"reason\":\"unknown\"}]}"
              : "{\"accepted\":0,\"duplicates\":0,\"rejected\":[{\"line\":1,\"field\":\"type\",\"reason\":\"unknown type 'boom'\"}],"
                  + "\"error\":\"no valid event in the body\"}";
        }
        case "GET /v1/recommend" -> {
          boolean bad = ex.getRequestURI().getRawQuery().contains("k=0");
          status = bad ? 400 : 200;
          answer = bad ? "{\"error\":\"k must be in [1, 100]; k=0\",\"parameter\":\"k\",\"value\":\"0\"}"
              : "{\"user\":\"u 1\",\"model\":\"itemcf\",\"items\":[{\"item\":\"a\",\"score\":0.5},{\"item\":\"b\",\"score\":0.25}],\"fallback\":null}";
        }
        case "GET /v1/items/a%2Fb%20c" -> {
          status = 404;
          answer = "{\"error\":\"no item 'a/b c'\",\"parameter\":\"id\",\"value\":\"a/b c\"}";
        }
        case "GET /health" -> {
          status = 502;
          answer = "<html>bad gateway</html>";
        }
        default -> {
          status = 200;
          answer = "{\"status\":\"ok\"}";
        }
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    stub.start();
    client = FunnelClient.builder(URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/")).apiKey("k-123").build();
  }

  @AfterEach
  void stop() {
    stub.stop(0);
  }

  @Test
  void eventsGoAsJsonLinesWithSnakeCaseAndNoNulls() {
    FunnelEvent full = new FunnelEvent("e1", "u1", "i1", "rating", 1700000000000L, 4.5, "r9", Map.of("page", "home"));
    IngestResult r = client.sendEvents(List.of(FunnelEvent.of("u1", "i2", "click"), full), Policy.ALL_OR_NOTHING);
    assertThat(r.accepted()).isEqualTo(2);
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.rejected()).containsExactly(new IngestResult.Rejected(3, "type", "unknown"));
    assertThat(seen.get("POST /v1/events")).isEqualTo("{\"user\":\"u1\",\"item\":\"i2\",\"type\":\"click\"}\n"
        + "{\"id\":\"e1\",\"user\":\"u1\",\"item\":\"i1\",\"type\":\"rating\",\"ts\":1700000000000,\"value\":4.5,\"request_id\":\"r9\","
        + "\"context\":{\"page\":\"home\"}}\n");
    assertThat(seen.get("POST /v1/events query")).isEqualTo("policy=all-or-nothing");
    assertThat(seen.get("POST /v1/events auth")).isEqualTo("Bearer k-123");
  }

  @Test
  void aRefusedBatchCarriesTheRejectedLines() {
    FunnelException e = catchThrowableOfType(FunnelException.class, () -> client.sendEvents(List.of(FunnelEvent.of("u", "i", "boom"))));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("no valid event");
    assertThat(e.rejected()).containsExactly(new IngestResult.Rejected(1, "type", "unknown type 'boom'"));
  }

  @Test
  void recommendationsAndParameterErrors() {
    Recommendations r = client.recommend("u 1", 2, List.of("x", "y"), "itemcf");
    assertThat(r.itemIds()).containsExactly("a", "b");
    assertThat(r.items().get(0).score()).isEqualTo(0.5f);
    assertThat(r.isFallback()).isFalse();
    assertThat(r.model()).isEqualTo("itemcf");
    assertThat(seen.get("GET /v1/recommend query")).isEqualTo("user=u+1&k=2&exclude=x%2Cy&model=itemcf");
    FunnelException e = catchThrowableOfType(FunnelException.class, () -> client.recommend("u", 0));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.parameter()).isEqualTo("k");
    assertThat(e.value()).isEqualTo("0");
    assertThat(e.isClientError()).isTrue();
  }

  @Test
  void missingRecordsAreEmptyAndIdsAreEncoded() {
    assertThat(client.getItem("a/b c")).isEmpty();
  }

  @Test
  void aNonJsonAnswerAndNoAnswerAreStillTypedErrors() throws IOException {
    FunnelException e = catchThrowableOfType(FunnelException.class, client::health);
    assertThat(e.status()).isEqualTo(502);
    assertThat(e.getMessage()).contains("bad gateway");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    FunnelClient nobody = FunnelClient.of(URI.create("http://127.0.0.1:" + closed));
    FunnelException refused = catchThrowableOfType(FunnelException.class, nobody::ready);
    assertThat(refused.status()).isZero();
  }
}

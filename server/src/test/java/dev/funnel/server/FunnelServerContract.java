package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Starts the real server on a free port and talks HTTP to it; fixture scores are in {@link FixtureModel}.
 * Run once per {@link FunnelServer.Scoring} mode by the top-level subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FunnelServerContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private FunnelServer server;

  abstract FunnelServer.Scoring scoring();

  @BeforeAll
  void start() {
    Map<String, dev.funnel.recall.SavedModel> models = new LinkedHashMap<>();
    models.put("zeta", FixtureModel.saved(false));
    models.put("alpha", FixtureModel.saved(false));
    models.put("broken", FixtureModel.saved(true));
    server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 50, "alpha", 2), models, scoring());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(String pathAndQuery, int expectedStatus) throws IOException, InterruptedException {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).as(pathAndQuery + " -> " + response.body()).isEqualTo(expectedStatus);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    return JSON.readTree(response.body());
  }

  private static List<String> items(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.get("items").forEach(n -> out.add(n.get("item").asText()));
    return out;
  }

  @Test
  void recommendExcludesSeenItemsAndRespectsK() throws Exception {
    // u0 saw i0, i1, i2; scores are 10 - i, so the best unseen are i3, i4, i5.
    JsonNode body = getJson("/v1/recommend?user=u0&k=3", 200);
    assertThat(body.get("user").asText()).isEqualTo("u0");
    assertThat(body.get("model").asText()).isEqualTo("alpha");
    assertThat(items(body)).containsExactly("i3", "i4", "i5");
    assertThat(body.get("items").get(0).get("score").asDouble()).isEqualTo(7.0);
    assertThat(body.has("fallback")).isTrue();
    assertThat(body.get("fallback").isNull()).isTrue();
  }

  @Test
  void recommendDefaultsToTwentyCappedByTheItemsLeft() throws Exception {
    JsonNode body = getJson("/v1/recommend?user=u1", 200);
    // 10 items, u1 saw i0 and i3.
    assertThat(items(body)).containsExactly("i1", "i2", "i4", "i5", "i6", "i7", "i8", "i9");
  }

  @Test
  void recommendRespectsExcludeAndIgnoresUnknownIds() throws Exception {
    JsonNode body = getJson("/v1/recommend?user=u0&k=3&exclude=i4,nope,%20i6&exclude=i3", 200);
    assertThat(items(body)).containsExactly("i5", "i7", "i8");
  }

  @Test
  void recommendOnANamedModel() throws Exception {
    assertThat(getJson("/v1/recommend?user=u2&k=1&model=zeta", 200).get("model").asText()).isEqualTo("zeta");
  }

  @Test
  void unknownUserGetsPopularItems() throws Exception {
    JsonNode body = getJson("/v1/recommend?user=stranger&k=3", 200);
    assertThat(body.get("fallback").asText()).isEqualTo("popularity");
    // Degrees: i0 3, i1 2, then i2, i3, i5 with 1 each (ties by smaller id).
    assertThat(items(body)).containsExactly("i0", "i1", "i2");
    assertThat(body.get("items").get(0).get("score").asDouble()).isEqualTo(3.0);

    JsonNode excluded = getJson("/v1/recommend?user=stranger&k=3&exclude=i1", 200);
    assertThat(items(excluded)).containsExactly("i0", "i2", "i3");
  }

  @Test
  void userTheModelDoesNotKnowGetsPopularItemsMinusSeen() throws Exception {
    // u4 has no training items, so the fixture model does not know it.
    JsonNode u4 = getJson("/v1/recommend?user=u4&k=10", 200);
    assertThat(u4.get("fallback").asText()).isEqualTo("popularity");
    assertThat(items(u4)).containsExactly("i0", "i1", "i2", "i3", "i5");
  }

  @Test
  void popularityFallbackNeverReturnsSeenItems() throws Exception {
    // The model does not know u3, who trained on i5: popular order minus i5.
    JsonNode u3 = getJson("/v1/recommend?user=u3&k=10&exclude=i1", 200);
    assertThat(u3.get("fallback").asText()).isEqualTo("popularity");
    assertThat(items(u3)).containsExactly("i0", "i2", "i3");
  }

  @Test
  void similarItems() throws Exception {
    JsonNode body = getJson("/v1/similar?item=i5&k=3", 200);
    assertThat(body.get("item").asText()).isEqualTo("i5");
    assertThat(body.get("model").asText()).isEqualTo("alpha");
    // 1/(1+|5-j|): i4 and i6 tie at 0.5 (smaller id first), then i3 at 1/3.
    assertThat(items(body)).containsExactly("i4", "i6", "i3");
  }

  @Test
  void similarUnknownItemIs404() throws Exception {
    JsonNode body = getJson("/v1/similar?item=nope", 404);
    assertThat(body.get("error").asText()).contains("unknown item 'nope'");
    assertThat(body.get("parameter").asText()).isEqualTo("item");
    assertThat(body.get("value").asText()).isEqualTo("nope");
  }

  @Test
  void missingUserIs400() throws Exception {
    JsonNode body = getJson("/v1/recommend?k=3", 400);
    assertThat(body.get("error").asText()).contains("missing required parameter 'user'");
    assertThat(body.get("parameter").asText()).isEqualTo("user");
    assertThat(getJson("/v1/similar", 400).get("parameter").asText()).isEqualTo("item");
  }

  @Test
  void nonIntegerKIs400() throws Exception {
    JsonNode body = getJson("/v1/recommend?user=u0&k=abc", 400);
    assertThat(body.get("parameter").asText()).isEqualTo("k");
    assertThat(body.get("value").asText()).isEqualTo("abc");
    assertThat(body.get("error").asText()).contains("integer");
  }

  @Test
  void kOutOfBoundsIs400() throws Exception {
    for (String k : new String[] {"0", "-3", "51", "99999999999"}) {
      JsonNode body = getJson("/v1/recommend?user=u0&k=" + k, 400);
      assertThat(body.get("parameter").asText()).isEqualTo("k");
      assertThat(body.get("value").asText()).isEqualTo(k);
    }
    assertThat(getJson("/v1/recommend?user=u0&k=0", 400).get("error").asText()).contains("[1, 50]");
    assertThat(getJson("/v1/similar?item=i1&k=51", 400).get("parameter").asText()).isEqualTo("k");
    assertThat(items(getJson("/v1/recommend?user=stranger&k=50", 200))).hasSize(5);
  }

  @Test
  void unknownModelIs400ListingValidOnes() throws Exception {
    JsonNode body = getJson("/v1/recommend?user=u0&model=nope", 400);
    assertThat(body.get("parameter").asText()).isEqualTo("model");
    assertThat(body.get("value").asText()).isEqualTo("nope");
    assertThat(body.get("error").asText()).contains("valid models: alpha, broken, zeta");
  }

  @Test
  void repeatedSingleParameterIs400() throws Exception {
    assertThat(getJson("/v1/recommend?user=u0&user=u1", 400).get("parameter").asText()).isEqualTo("user");
  }

  @Test
  void unknownRouteIs404Json() throws Exception {
    JsonNode body = getJson("/v2/nothing", 404);
    assertThat(body.get("error").asText()).contains("/v2/nothing");
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/recommend?user=u0"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(post.body()).get("error").asText()).contains("POST");
  }

  @Test
  void modelExceptionIs500AndTheServerKeepsServing() throws Exception {
    JsonNode body = getJson("/v1/recommend?user=u0&model=broken", 500);
    assertThat(body.get("error").asText()).contains("IllegalStateException").contains("boom");
    assertThat(items(getJson("/v1/recommend?user=u0&k=1", 200))).containsExactly("i3");
    assertThat(get("/metrics").body()).containsPattern("funnel_http_exceptions_total [1-9]");
  }

  @Test
  void health() throws Exception {
    JsonNode body = getJson("/health", 200);
    assertThat(body.get("status").asText()).isEqualTo("ok");
    assertThat(body.get("models").toString()).isEqualTo("[\"alpha\",\"broken\",\"zeta\"]");
  }

  @Test
  void metricsCountRequestsByRouteAndStatus() throws Exception {
    getJson("/v1/recommend?user=u0&k=2", 200);
    getJson("/v1/recommend?user=u0&k=x", 400);
    getJson("/v2/nothing", 404);
    // Latency is recorded when the body has been written, which may be just after the client has
    // read it: poll (bounded) until the three requests are counted.
    HttpResponse<String> response = get("/metrics");
    for (int tries = 0; tries < 40 && !response.body().contains("route=\"unmatched\",status=\"404\"}"); tries++) {
      Thread.sleep(50);
      response = get("/metrics");
    }
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    String text = response.body();
    assertThat(text)
        .containsPattern("funnel_http_requests_total\\{route=\"/v1/recommend\",status=\"200\"} [1-9]")
        .containsPattern("funnel_http_requests_total\\{route=\"/v1/recommend\",status=\"400\"} [1-9]")
        .containsPattern("funnel_http_requests_total\\{route=\"unmatched\",status=\"404\"} [1-9]")
        .contains("# TYPE funnel_http_request_duration_seconds histogram")
        .containsPattern("funnel_http_request_duration_seconds_bucket\\{route=\"/v1/recommend\",status_class=\"2xx\",le=\"0.0001\"} \\d+")
        .containsPattern("funnel_http_request_duration_seconds_bucket\\{route=\"/v1/recommend\",status_class=\"2xx\",le=\"\\+Inf\"} [1-9]")
        .containsPattern("funnel_http_request_duration_seconds_count\\{route=\"/v1/recommend\",status_class=\"2xx\"} [1-9]")
        .containsPattern("funnel_http_request_duration_seconds_count\\{route=\"/v1/recommend\",status_class=\"4xx\"} [1-9]")
        .contains("funnel_models_loaded 3")
        .contains("funnel_model_items{model=\"alpha\"} 10")
        .contains("funnel_model_users{model=\"zeta\"} 5")
        .containsPattern("funnel_jvm_heap_used_bytes [1-9]\\d*");
    // Buckets are cumulative and end at the count.
    long inf = -1;
    long count = -2;
    long previous = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("funnel_http_request_duration_seconds_bucket{route=\"/v1/recommend\",status_class=\"2xx\"")) {
        long v = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        assertThat(v).as(line).isGreaterThanOrEqualTo(previous);
        previous = v;
        if (line.contains("+Inf")) {
          inf = v;
        }
      } else if (line.startsWith("funnel_http_request_duration_seconds_count{route=\"/v1/recommend\",status_class=\"2xx\"")) {
        count = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    assertThat(inf).isEqualTo(count);
  }

  @Test
  void startRefusesAnUnknownDefaultModel() {
    assertThatThrownBy(() -> FunnelServer.start(new ServerConfig("127.0.0.1", 0, 10, "nope", 1), Map.of("a", FixtureModel.saved(false))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'").hasMessageContaining("models: a");
    assertThatThrownBy(() -> FunnelServer.start(ServerConfig.defaults().withPort(0), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no models");
  }

  @Test
  void portInUseIsAClearError() {
    assertThatThrownBy(() -> FunnelServer.start(new ServerConfig("127.0.0.1", server.port(), 10, null, 1), Map.of("a", FixtureModel.saved(false))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("127.0.0.1:" + server.port());
  }
}

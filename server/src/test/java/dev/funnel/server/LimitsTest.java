package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch size, id length and the per-client rate limit over real HTTP, plus the token bucket on a fake clock. */
class LimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;

  private LiveService live;
  private FunnelServer server;

  @AfterEach
  void stop() {
    LiveFixture.close(server, live);
  }

  private void start(ServerConfig config) throws Exception {
    live = LiveFixture.openLive(data);
    server = LiveFixture.serve(config, live);
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode expect(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri() + " -> " + r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  private static String click(String user, String item) {
    return "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"type\":\"click\"}";
  }

  @Test
  void aBatchOverTheLimitIs413AndStoresNothing() throws Exception {
    start(new ServerConfig("127.0.0.1", 0, 100, null, 1).withLimits(2, 0));
    JsonNode r = expect(send("POST", "/v1/events", click("u1", "a0") + "\n" + click("u1", "a1") + "\n" + click("u2", "a0")), 413);
    assertThat(r.get("error").asText()).contains("maxBatchEvents 2").contains("3");
    assertThat(live.log().lastSequence()).isEqualTo(0);
    expect(send("POST", "/v1/events", click("u1", "a0") + "\n" + click("u1", "a1")), 200);
    assertThat(live.log().lastSequence()).isEqualTo(2);
  }

  @Test
  void idsLongerThan256AreRefusedNamingTheField() throws Exception {
    start(new ServerConfig("127.0.0.1", 0, 100, null, 1));
    String longId = "x".repeat(257);
    JsonNode user = expect(send("GET", "/v1/recommend?user=" + longId, null), 400);
    assertThat(user.get("parameter").asText()).isEqualTo("user");
    assertThat(user.get("error").asText()).contains("256").contains("length=257");
    assertThat(expect(send("GET", "/v1/similar?item=" + longId, null), 400).get("parameter").asText()).isEqualTo("item");
    assertThat(expect(send("GET", "/v1/recommend?user=u1&exclude=a0," + longId, null), 400).get("parameter").asText()).isEqualTo("exclude");
    assertThat(expect(send("PUT", "/v1/items/" + longId, "{}"), 400).get("parameter").asText()).isEqualTo("id");
    assertThat(expect(send("GET", "/v1/users/" + longId, null), 400).get("parameter").asText()).isEqualTo("id");
    JsonNode event = expect(send("POST", "/v1/events", click(longId, "a0")), 400);
    assertThat(event.get("rejected").get(0).get("field").asText()).isEqualTo("user");
    expect(send("GET", "/v1/recommend?user=" + "y".repeat(256), null), 200);
    expect(send("GET", "/v1/recommend?user=u1&k=1000000000", null), 400);
  }

  @Test
  void overTheRateAClientGets429WithRetryAfter() throws Exception {
    // 0.01 requests/s, burst 1: the second request within 100 s is refused whatever the machine's speed.
    ApiKeys keys = ApiKeys.parse(List.of(AccessTest.WRITE_KEY, "x-0123456789abcdef"), "test");
    start(new ServerConfig("127.0.0.1", 0, 100, null, 1).withAccess(keys, false).withLimits(100, 0.01));
    expect(send("GET", "/v1/recommend?user=u1", null), 200);
    HttpResponse<String> refused = send("GET", "/v1/recommend?user=u1", null);
    assertThat(expect(refused, 429).get("error").asText()).contains("rate limit");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 100L);
    // Each key is its own client; the remote address is the client only for requests without a key.
    expect(send("POST", "/v1/events", click("u1", "a0"), "X-Api-Key", AccessTest.WRITE_KEY), 200);
    expect(send("POST", "/v1/events", click("u1", "a1"), "X-Api-Key", AccessTest.WRITE_KEY), 429);
    expect(send("POST", "/v1/events", click("u1", "a1"), "X-Api-Key", "x-0123456789abcdef"), 200);
    // Operations endpoints are not limited.
    expect(send("GET", "/health", null), 200);
    expect(send("GET", "/health", null), 200);
  }

  @Test
  void tokenBucketRefillsAtTheRate() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    RateLimiter limiter = new RateLimiter(2, 3, now::get);
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).as("burst of 3 spent").isEqualTo(1);
    assertThat(limiter.acquire("b")).as("another client has its own bucket").isZero();
    now.addAndGet(500_000_000L); // half a second at 2/s: one token
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isEqualTo(1);
    now.addAndGet(10_000_000_000L);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("a")).as("refilled to the burst, not beyond").isZero();
    }
    assertThat(limiter.acquire("a")).isEqualTo(1);
    RateLimiter slow = new RateLimiter(0.1, 1, now::get);
    assertThat(slow.acquire("c")).isZero();
    assertThat(slow.acquire("c")).as("a token every 10 s").isEqualTo(10);
    assertThatThrownBy(() -> new RateLimiter(0, 1, now::get)).hasMessageContaining("ratePerSecond=0");
    assertThatThrownBy(() -> new ServerConfig("h", 1, 1, null, 1).withLimits(0, 0)).hasMessageContaining("maxBatchEvents=0");
    assertThatThrownBy(() -> new ServerConfig("h", 1, 1, null, 1).withLimits(1, -1)).hasMessageContaining("requestsPerSecond=-1");
  }
}

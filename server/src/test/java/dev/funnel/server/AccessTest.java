package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.funnel.client.FunnelClient;
import dev.funnel.client.FunnelEvent;
import dev.funnel.client.FunnelException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys over real HTTP on the live server: 401 without a key, 403 with a wrong or read-only one. */
class AccessTest {
  static final String WRITE_KEY = "w-0123456789abcdef";
  static final String READ_KEY = "r-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVENT = "{\"user\":\"u9\",\"item\":\"a0\",\"type\":\"click\"}";
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

  private static ServerConfig keyed(boolean readsNeedKey) {
    ApiKeys keys = ApiKeys.parse(List.of("# keys", WRITE_KEY, "", "read:" + READ_KEY), "test");
    return new ServerConfig("127.0.0.1", 0, 100, null, 1).withAccess(keys, readsNeedKey);
  }

  HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
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

  @Test
  void withoutKeysWritesAreAcceptedOnLoopback() throws Exception {
    start(new ServerConfig("127.0.0.1", 0, 100, null, 1));
    expect(send("POST", "/v1/events", EVENT), 200);
    expect(send("PUT", "/v1/items/a0", "{\"available\":true}"), 200);
  }

  @Test
  void withoutKeysANonLoopbackHostRefusesToStart() throws Exception {
    LiveFixture.writeModel(data);
    live = LiveService.open(data, null, LiveService.Config.defaults());
    assertThat(FunnelServer.isLoopback("0.0.0.0")).isFalse();
    assertThat(FunnelServer.isLoopback("127.0.0.1")).isTrue();
    assertThatThrownBy(() -> FunnelServer.start(new ServerConfig("0.0.0.0", 0, 100, null, 1), live))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no API key configured")
        .hasMessageContaining("0.0.0.0")
        .hasMessageContaining("--api-key-file");
  }

  @Test
  void writesNeedAWriteKey() throws Exception {
    start(keyed(false));
    HttpResponse<String> missing = send("POST", "/v1/events", EVENT);
    assertThat(expect(missing, 401).get("error").asText()).contains("API key is required");
    assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");

    HttpResponse<String> wrong = send("POST", "/v1/events", EVENT, "Authorization", "Bearer not-the-key-at-all-xyz");
    expect(wrong, 403);
    assertThat(wrong.body()).doesNotContain("not-the-key-at-all-xyz");
    expect(send("POST", "/v1/events", EVENT, "Authorization", "Basic " + WRITE_KEY), 403);
    // A prefix of the real key is not the key.
    expect(send("POST", "/v1/events", EVENT, "X-Api-Key", WRITE_KEY.substring(0, WRITE_KEY.length() - 1)), 403);

    JsonNode readOnly = expect(send("POST", "/v1/events", EVENT, "X-Api-Key", READ_KEY), 403);
    assertThat(readOnly.get("error").asText()).contains("only read");
    assertThat(live.log().lastSequence()).as("nothing refused was stored").isEqualTo(0);

    expect(send("POST", "/v1/events", EVENT, "Authorization", "Bearer " + WRITE_KEY), 200);
    expect(send("POST", "/v1/events", "{\"user\":\"u9\",\"item\":\"a1\",\"type\":\"click\"}", "X-Api-Key", WRITE_KEY), 200);
    assertThat(live.log().lastSequence()).isEqualTo(2);

    expect(send("PUT", "/v1/items/a0", "{\"available\":true}"), 401);
    expect(send("PATCH", "/v1/items/a0", "{\"available\":false}", "X-Api-Key", READ_KEY), 403);
    expect(send("PUT", "/v1/users/u9", "{}"), 401);
    expect(send("DELETE", "/v1/users/u9", null), 401);
    expect(send("PUT", "/v1/items/a0", "{\"available\":true}", "authorization", "bearer " + WRITE_KEY), 200);

    // Reads stay open by default.
    expect(send("GET", "/v1/recommend?user=u9&k=5", null), 200);
    expect(send("GET", "/v1/items/a0", null), 200);
  }

  @Test
  void readsCanNeedAKeyToo() throws Exception {
    start(keyed(true));
    expect(send("GET", "/v1/recommend?user=u1&k=5", null), 401);
    expect(send("GET", "/v1/similar?item=a0", null, "X-Api-Key", "wrong-wrong-wrong-wrong"), 403);
    expect(send("GET", "/v1/recommend?user=u1&k=5", null, "X-Api-Key", READ_KEY), 200);
    expect(send("GET", "/v1/items/a0", null, "Authorization", "Bearer " + WRITE_KEY), 404);
    // Operations endpoints stay open.
    expect(send("GET", "/health", null), 200);
    expect(send("GET", "/ready", null), 200);
    assertThat(send("GET", "/metrics", null).statusCode()).isEqualTo(200);
  }

  @Test
  void keyFileFormatAndErrors() throws Exception {
    Path file = data.resolve("keys.txt");
    Files.writeString(file, "# comment\n" + WRITE_KEY + "\nread:" + READ_KEY + "\nwrite:x-0123456789abcdef\n");
    ApiKeys keys = ApiKeys.load(file, "env-0123456789abcdef");
    assertThat(keys.size()).isEqualTo(4);
    assertThat(keys.role(keys.match(WRITE_KEY))).isEqualTo(ApiKeys.Role.WRITE);
    assertThat(keys.role(keys.match(READ_KEY))).isEqualTo(ApiKeys.Role.READ);
    assertThat(keys.role(keys.match("x-0123456789abcdef"))).isEqualTo(ApiKeys.Role.WRITE);
    assertThat(keys.role(keys.match("env-0123456789abcdef"))).isEqualTo(ApiKeys.Role.WRITE);
    assertThat(keys.match("read:" + READ_KEY)).isEqualTo(-1);
    assertThat(keys.match("")).isEqualTo(-1);
    assertThat(ApiKeys.load(null, null).isEmpty()).isTrue();

    assertThatThrownBy(() -> ApiKeys.parse(List.of(WRITE_KEY, "read:short"), "keys.txt"))
        .hasMessageContaining("keys.txt line 2").hasMessageContaining("at least 16").hasMessageNotContaining("short");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("has space 0123456789"), "k")).hasMessageContaining("whitespace");
    assertThatThrownBy(() -> ApiKeys.load(data.resolve("absent.txt"), null)).hasMessageContaining("absent.txt");
    assertThatThrownBy(() -> new ServerConfig("h", 1, 1, null, 1).withAccess(ApiKeys.none(), true)).hasMessageContaining("readsNeedKey");
  }

  @Test
  void theJavaClientSendsItsKey() throws Exception {
    start(keyed(true));
    URI base = URI.create("http://127.0.0.1:" + server.port());
    FunnelClient writer = FunnelClient.builder(base).apiKey(WRITE_KEY).build();
    assertThat(writer.sendEvents(List.of(FunnelEvent.of("u9", "a0", "click"))).accepted()).isEqualTo(1);
    FunnelClient reader = FunnelClient.builder(base).apiKey(READ_KEY).build();
    assertThat(reader.recommend("u9", 5).itemIds()).doesNotContain("a0");
    FunnelException readOnly = catchThrowableOfType(FunnelException.class, () -> reader.putItem("a0", java.util.Map.of()));
    assertThat(readOnly.status()).isEqualTo(403);
    FunnelException none = catchThrowableOfType(FunnelException.class, () -> FunnelClient.of(base).recommend("u9", 5));
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.getMessage()).contains("API key");
  }
}

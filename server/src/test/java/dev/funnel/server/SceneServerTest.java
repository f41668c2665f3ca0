package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.ItemRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenes on a real server over HTTP: the fixture model (ItemCF over a0, a1, b0) plus catalogue items
 * c0..c9 (categories x and y alternating) that only popularity can propose.
 */
class SceneServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;
  private LiveService live;
  private FunnelServer server;

  static final String HOME = """
      name: home
      budget: 100
      over_fetch: 2
      channels:
        - {name: i2i, type: item-to-item, model: itemcf, quota: 20}
        - {name: popular, type: popularity, quota: 30}
      filters:
        - {type: seen}
        - {type: negative}
      rerank:
        - {type: scatter, window: 2, max: 1}
      """;

  @AfterEach
  void stop() {
    LiveFixture.close(server, live);
  }

  private void scene(String file, String yaml) throws IOException {
    Files.createDirectories(data.resolve("scenes"));
    Files.writeString(data.resolve("scenes").resolve(file), yaml);
  }

  private void start() throws IOException {
    live = LiveFixture.openLive(data);
    server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), live);
  }

  private void catalogue() {
    for (int i = 0; i < 10; i++) {
      live.putItem(new ItemRecord("c" + i, List.of(i % 2 == 0 ? "x" : "y"), List.of(), Map.of("price", (long) (i * 20)), true, null, null));
    }
    live.recommenders().values().forEach(r -> r.popularity().refresh());
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<String> items(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.get("items").forEach(n -> out.add(n.get("item").asText()));
    return out;
  }

  @Test
  void aSceneServesWithRequestIdChannelsTraceAndPages() throws Exception {
    scene("home.yaml", HOME);
    start();
    catalogue();
    live.observe(List.of(Event.of("u9", "a0", "click", live.now())));
    JsonNode r = ok("/v1/recommend?scene=home&user=u9&k=4&debug=true");
    assertThat(r.get("request_id").asText()).hasSize(32);
    assertThat(r.get("scene").asText()).isEqualTo("home");
    assertThat(r.get("ranking").asText()).isEqualTo("fusion:rrf");
    assertThat(r.get("degraded")).isEmpty();
    List<String> first = items(r);
    assertThat(first).hasSize(4).doesNotContain("a0"); // seen
    // a1 is a0's ItemCF neighbour: proposed by i2i (and popularity), fused first.
    assertThat(first.get(0)).isEqualTo("a1");
    assertThat(r.get("items").get(0).get("channels").toString()).contains("i2i");
    JsonNode trace = r.get("trace");
    assertThat(trace.get("stages").toString()).contains("recall", "merge", "rank", "rerank:scatter");
    assertThat(trace.get("channels").get(0).get("channel").asText()).isEqualTo("i2i");
    assertThat(trace.get("items").get(0).get("channels").has("i2i")).isTrue();
    assertThat(trace.get("rejected").get("seen").asInt()).isPositive();
    // Pages: page 2 never repeats page 1, and both are the first 8 in order.
    List<String> eight = items(ok("/v1/recommend?scene=home&user=u9&k=8"));
    List<String> page2 = items(ok("/v1/recommend?scene=home&user=u9&k=4&offset=4"));
    assertThat(page2).hasSize(4).doesNotContainAnyElementsOf(first);
    List<String> both = new ArrayList<>(first);
    both.addAll(page2);
    assertThat(both).isEqualTo(eight);
    // Without scene the plain model route answers as before.
    JsonNode plain = ok("/v1/recommend?user=u0&k=2");
    assertThat(plain.get("model").asText()).isEqualTo("itemcf");
    assertThat(plain.has("request_id")).isFalse();
  }

  @Test
  void edgeCasesAnswerWithoutFailing() throws Exception {
    scene("home.yaml", HOME);
    scene("item_page.yaml", """
        channels:
          - {name: similar, type: item-to-item, model: itemcf}
          - {name: category, type: category-popularity}
        """);
    scene("cold.yaml", """
        channels:
          - {name: similar, type: item-to-item, model: itemcf}
          - {name: content, type: content, refresh_seconds: 1}
        """);
    scene("cheap.yaml", """
        channels:
          - {type: popularity}
        filters:
          - {type: rule, expression: "price < 0"}
        """);
    start();
    // Empty catalogue: the model's items still come (popularity over the registry).
    assertThat(items(ok("/v1/recommend?scene=home&user=nobody&k=3"))).isNotEmpty();
    catalogue();
    // Unknown user: popularity serves; i2i has no triggers.
    JsonNode unknown = ok("/v1/recommend?scene=home&user=nobody&k=5");
    assertThat(items(unknown)).hasSize(5);
    // Unknown item on an item page: category and i2i have nothing: an empty page, no error.
    JsonNode page = ok("/v1/recommend?scene=item_page&item=zzz&k=5");
    assertThat(items(page)).isEmpty();
    // A catalogue item the model lacks: category popularity still serves its page.
    assertThat(items(ok("/v1/recommend?scene=item_page&item=c0&k=3"))).isNotEmpty().allMatch(i -> List.of("c2", "c4", "c6", "c8").contains(i));
    // Cold start: a catalogue item no model knows gets a page from its attributes (the content index
    // was built at start from an empty catalogue; it is rebuilt in the background after 1 s).
    JsonNode cold = null;
    for (int attempt = 0; attempt < 50 && (cold == null || items(cold).isEmpty()); attempt++) {
      Thread.sleep(100);
      cold = ok("/v1/recommend?scene=cold&item=c1&k=3&debug=true");
    }
    assertThat(items(cold)).hasSize(3).allMatch(i -> List.of("c3", "c5", "c7", "c9").contains(i));
    assertThat(cold.get("items").get(0).get("channels").toString()).contains("content");
    // Every candidate filtered out: an empty page.
    assertThat(items(ok("/v1/recommend?scene=cheap&user=u0&k=5"))).isEmpty();
    // exclude and allow
    List<String> allowed = items(ok("/v1/recommend?scene=home&user=nobody&k=5&allow=c1,c2,c3&exclude=c2"));
    assertThat(new HashSet<>(allowed)).isEqualTo(new HashSet<>(List.of("c1", "c3")));
    // Bad parameters name themselves.
    HttpResponse<String> bad = get("/v1/recommend?scene=nope&user=u0");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("unknown scene 'nope'; scenes: cheap, cold, home, item_page").contains("\"parameter\":\"scene\"");
    assertThat(get("/v1/recommend?scene=home").body()).contains("needs 'user', 'item' or both");
    assertThat(get("/v1/recommend?scene=home&user=u0&offset=-1").body()).contains("offset must be an integer in [0, 10000]; offset=-1");
    assertThat(get("/v1/recommend?scene=home&user=u0&debug=yes").statusCode()).isEqualTo(400);
  }

  @Test
  void aSlowChannelDegradesTheResponseInsteadOfFailingIt() throws Exception {
    scene("home.yaml", """
        channels:
          - {name: slow, type: test-sleep, sleep_ms: 5000, timeout_ms: 100}
          - {name: popular, type: popularity}
        """);
    start();
    JsonNode r = ok("/v1/recommend?scene=home&user=u0&k=2&debug=true");
    assertThat(r.get("degraded").get(0).get("channel").asText()).isEqualTo("slow");
    assertThat(r.get("degraded").get(0).get("reason").asText()).isEqualTo("timeout after 100 ms");
    assertThat(items(r)).isNotEmpty().doesNotContain("slow-item");
    assertThat(r.get("trace").get("channels").get(0).get("status").asText()).isEqualTo("timeout");
    JsonNode listed = ok("/v1/scenes").get("scenes").get(0);
    assertThat(listed.get("requests").asLong()).isEqualTo(1);
    assertThat(listed.get("channels").get(0).get("degraded_responses").asLong()).isEqualTo(1);
    assertThat(listed.get("channels").get(1).get("degraded_responses").asLong()).isZero();
  }

  @Test
  void aBadSceneFailsStartUpNamingFileKeyAndValue() throws Exception {
    scene("home.yaml", HOME.replace("quota: 20", "quota: -3"));
    LiveFixture.writeModel(data);
    try (LiveService l = LiveService.open(data, null, LiveService.Config.defaults().withIdempotencyWindow(100))) {
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("home.yaml: channels[0].quota: must be an integer in [1, 100000]; quota=-3");
      scene("home.yaml", HOME.replace("model: itemcf", "model: deepfm"));
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("home.yaml: channels[0].model: unknown model 'deepfm'; models: itemcf; model=deepfm");
      scene("home.yaml", HOME.replace("type: negative", "type: negativ"));
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("home.yaml: filters[1].type: unknown filters stage type 'negativ'; valid: negative, rule, seen; type=negativ");
      scene("home.yaml", HOME + "colour: red\n");
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("home.yaml: colour: unknown key 'colour'");
      scene("home.yaml", "channels: [\n");
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("home.yaml: not valid YAML at line");
    }
  }

  @Test
  void scenesReloadWithoutRestartAndABadReloadKeepsTheOldOnes() throws Exception {
    scene("home.yaml", HOME);
    start();
    assertThat(ok("/v1/scenes").get("scenes").get(0).get("name").asText()).isEqualTo("home");
    scene("cart.yaml", "channels:\n  - {type: popularity}\n");
    HttpResponse<String> reload = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/scenes/reload"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
    assertThat(reload.body()).contains("cart", "home");
    assertThat(items(ok("/v1/recommend?scene=cart&user=u0&k=2"))).isNotEmpty();
    scene("cart.yaml", "channels:\n  - {type: popularity, list: weekly}\n");
    HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/scenes/reload"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("cart.yaml: channels[0].list: must be one of [global, trending]; list=weekly");
    assertThat(items(ok("/v1/recommend?scene=cart&user=u0&k=2"))).isNotEmpty();
  }

  /** The worked examples of docs/pipeline.md load and serve (they name only the fixture's model). */
  @Test
  void theDocumentedExampleScenesAreValid() throws Exception {
    Path docs = Path.of("..", "docs", "scenes");
    for (String f : List.of("home.yaml", "item_page.yaml")) {
      scene(f, Files.readString(docs.resolve(f)));
    }
    start();
    catalogue();
    live.observe(List.of(Event.of("u9", "c1", "click", live.now())));
    JsonNode home = ok("/v1/recommend?scene=home&user=u9&k=5&debug=true");
    assertThat(items(home)).hasSize(5).doesNotContain("c1");
    assertThat(home.get("trace").get("channels").size()).isEqualTo(4);
    assertThat(items(ok("/v1/recommend?scene=item_page&item=c0&k=3"))).isNotEmpty();
  }

  /** With models scoring on the event loop, scenes still run off it (they wait for channels); a blank allow is no allow-list. */
  @Test
  void scenesServeWhenModelsScoreOnTheEventLoop() throws Exception {
    scene("home.yaml", HOME);
    live = LiveFixture.openLive(data);
    server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 50, null, 1), live, FunnelServer.Scoring.EVENT_LOOP,
        FunnelServer.DEFAULT_MAX_BODY_BYTES);
    assertThat(items(ok("/v1/recommend?scene=home&user=u0&k=2&allow="))).isNotEmpty();
    assertThat(items(ok("/v1/recommend?scene=home&user=u0&k=2&allow=b0"))).containsExactly("b0");
  }
}

package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.pipeline.experiment.ProportionTest;
import dev.funnel.store.catalog.ItemRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exploration, attribution and experiments on a real server over HTTP: responses' request_ids come
 * back with impression and click events through POST /v1/events.
 */
class ExploreServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;
  private LiveService live;
  private FunnelServer server;

  static final String EXPLORE = """
      name: feed
      channels:
        - {name: i2i, type: item-to-item, model: itemcf, quota: 20}
        - {name: popular, type: popularity, quota: 30}
      rerank:
        - {type: explore, share: 0.5, arms: channels, policy: linucb}
      """;

  @AfterEach
  void stop() {
    LiveFixture.close(server, live);
  }

  private void file(String name, String yaml) throws IOException {
    Path f = data.resolve("scenes").resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, yaml);
  }

  private void start() throws IOException {
    live = LiveFixture.openLive(data);
    server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), live);
    for (int i = 0; i < 10; i++) {
      live.putItem(new ItemRecord("c" + i, List.of(i % 2 == 0 ? "x" : "y"), List.of(), Map.of(), true, null, null));
    }
    live.recommenders().values().forEach(r -> r.popularity().refresh());
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private void events(String requestId, String user, String item, String... types) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String t : types) {
      sb.append("{\"user\":\"").append(user).append("\",\"item\":\"").append(item).append("\",\"type\":\"").append(t)
          .append("\",\"request_id\":\"").append(requestId).append("\"}\n");
    }
    HttpResponse<String> r = send("POST", "/v1/events", sb.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void exploredSlotsAndAttributionPerChannelAndPosition() throws Exception {
    file("feed.yaml", EXPLORE);
    start();
    JsonNode r = ok("/v1/recommend?scene=feed&user=u0&k=4&debug=true");
    String id = r.get("request_id").asText();
    JsonNode items = r.get("items");
    assertThat(items).hasSize(4);
    assertThat(r.get("trace").get("items").get(1).get("adjustments").toString()).contains("explore: channel ");
    String first = items.get(0).get("item").asText();
    String second = items.get(1).get("item").asText();
    events(id, "u0", first, "impression");
    events(id, "u0", second, "impression", "click");
    events(id, "u0", second, "click"); // a duplicate: counted once
    events("no-such-request", "u0", first, "click");

    JsonNode stats = ok("/v1/stats/channels");
    JsonNode feed = stats.get("scenes").get(0);
    assertThat(feed.get("scene").asText()).isEqualTo("feed");
    long impressions = 0;
    long clicks = 0;
    for (JsonNode c : feed.get("positions")) {
      impressions += c.get("impressions").asLong();
      clicks += c.get("clicks").asLong();
    }
    assertThat(impressions).isEqualTo(2);
    assertThat(clicks).isEqualTo(1);
    assertThat(feed.get("positions").get(1).get("position").asInt()).isEqualTo(1);
    assertThat(feed.get("positions").get(1).get("ctr").asDouble()).isEqualTo(1.0);
    // every channel that proposed the clicked item gets the click
    long channelClicks = 0;
    for (JsonNode c : feed.get("channels")) {
      channelClicks += c.get("clicks").asLong();
    }
    assertThat(channelClicks).isEqualTo(items.get(1).get("channels").size());
    assertThat(stats.get("events").get("duplicate").asLong()).isEqualTo(1);
    assertThat(stats.get("events").get("unknown_request").asLong()).isEqualTo(1);
    assertThat(stats.get("remembered_requests").asInt()).isEqualTo(1);

    // the bandit learnt from the events: one impression and one click, on the explored item's arm
    var stage = (dev.funnel.pipeline.explore.ExploreReranker) server.httpRoutes().sceneRoutes().scenes().get("feed").rerankers().get(0);
    long observed = 0;
    double rewards = 0;
    for (int a = 0; a < stage.channelArms().size(); a++) {
      observed += stage.bandit().model(a).observations();
      rewards += stage.bandit().model(a).rewards();
    }
    assertThat(observed).isEqualTo(1);
    assertThat(rewards).isEqualTo(1.0);

    String metrics = send("GET", "/metrics", null).body();
    assertThat(metrics).contains("funnel_position_clicks_total{scene=\"feed\",position=\"1\"} 1", "funnel_channel_impressions_total{scene=\"feed\",channel=\"",
        "funnel_attribution_requests 1");
  }

  @Test
  void anExperimentSplitsUsersStablyAndReportsAZTest() throws Exception {
    file("variants/feed_b.yaml", """
        channels:
          - {name: popular, type: popularity, quota: 30}
        """);
    file("feed.yaml", """
        name: feed
        experiment:
          name: feed-test
          split: [50, 50]
          variants:
            a:
              channels:
                - {name: i2i, type: item-to-item, model: itemcf, quota: 20}
                - {name: popular, type: popularity, quota: 30}
            b: variants/feed_b.yaml
        """);
    start();
    long[] n = new long[2];
    long[] c = new long[2];
    for (int u = 0; u < 40; u++) {
      JsonNode r = ok("/v1/recommend?scene=feed&user=user" + u + "&k=2");
      assertThat(r.get("experiment").asText()).isEqualTo("feed-test");
      assertThat(r.get("scene").asText()).isEqualTo("feed");
      String variant = r.get("variant").asText();
      // stable: the same user lands in the same variant again
      assertThat(ok("/v1/recommend?scene=feed&user=user" + u + "&k=2").get("variant").asText()).isEqualTo(variant);
      int v = variant.equals("a") ? 0 : 1;
      String item = r.get("items").get(0).get("item").asText();
      boolean click = u % (v == 0 ? 2 : 4) == 0;
      events(r.get("request_id").asText(), "user" + u, item, click ? new String[] {"impression", "click"} : new String[] {"impression"});
      n[v]++;
      c[v] += click ? 1 : 0;
    }
    assertThat(n[0]).isPositive();
    assertThat(n[1]).isPositive();
    JsonNode rep = ok("/v1/experiments/feed-test");
    assertThat(rep.get("control").asText()).isEqualTo("a");
    JsonNode a = rep.get("variants").get(0);
    JsonNode b = rep.get("variants").get(1);
    assertThat(a.get("impressions").asLong()).isEqualTo(n[0]);
    assertThat(a.get("clicks").asLong()).isEqualTo(c[0]);
    assertThat(b.get("impressions").asLong()).isEqualTo(n[1]);
    assertThat(b.get("clicks").asLong()).isEqualTo(c[1]);
    assertThat(b.get("split").asInt()).isEqualTo(50);
    ProportionTest.Result t = ProportionTest.twoSided(n[1], c[1], n[0], c[0]);
    assertThat(b.get("z").asDouble()).isCloseTo(t.z(), within(1e-9));
    assertThat(b.get("p_value").asDouble()).isCloseTo(t.p(), within(1e-9));
    // per-variant channel statistics under the variant scenes
    assertThat(ok("/v1/stats/channels").get("scenes").toString()).contains("feed.a", "feed.b");
    assertThat(ok("/v1/scenes").get("experiments").get(0).get("variants").toString()).contains("\"variant\":\"b\"", "feed.b");
    HttpResponse<String> missing = send("GET", "/v1/experiments/nope", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("feed-test");
  }

  @Test
  void aBadExperimentFailsStartUpNamingTheKey() throws Exception {
    file("feed.yaml", """
        experiment:
          split: [60, 30]
          variants:
            a: {channels: [{type: popularity}]}
            b: {channels: [{type: popularity}]}
        """);
    assertThatThrownBy(this::start).hasMessageContaining("feed.yaml").hasMessageContaining("experiment.split").hasMessageContaining("sum=90");
  }

  @Test
  void aBadInlineVariantNamesTheVariant() throws Exception {
    file("feed.yaml", """
        experiment:
          variants:
            a: {channels: [{type: popularity}]}
            b: {channels: [{type: popularity, quota: -3}]}
        """);
    assertThatThrownBy(this::start).hasMessageContaining("experiment.variants.b").hasMessageContaining("channels[0].quota");
  }
}

package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.ItemRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented ads scene (docs/scenes/ads.yaml: pre-rank by RRF, a saved stacking ranker, ads mode)
 * over real HTTP, with the fixture model (ItemCF over a0, a1, b0) and catalogue items c0..c7 of which
 * only some bid.
 */
class SceneAdsServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;
  @TempDir
  Path files;
  private LiveService live;
  private FunnelServer server;

  @AfterEach
  void stop() {
    LiveFixture.close(server, live);
  }

  private void scene(String file, String yaml) throws Exception {
    Files.createDirectories(data.resolve("scenes"));
    Files.writeString(data.resolve("scenes").resolve(file), yaml);
  }

  private String documented() throws Exception {
    Path ranker = RankedSceneServerTest.writeRanker(files.resolve("ads-ranker.fnls"));
    String yaml = Files.readString(Path.of("..", "docs", "scenes", "ads.yaml"));
    assertThat(yaml).contains("file: models/ads-ranker.fnls");
    return yaml.replace("file: models/ads-ranker.fnls", "file: '" + ranker + "'");
  }

  private JsonNode ok(String pathAndQuery) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void theDocumentedAdsSceneServesAdsByEcpm() throws Exception {
    scene("ads.yaml", documented());
    scene("home.yaml", SceneServerTest.HOME);
    live = LiveFixture.openLive(data);
    server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), live);
    // Distinct categories, so the scatter stage moves nothing; bids: c0 none, c1 0, c2 -1, c3 'high', others positive.
    Object[] bids = {null, 0L, -1L, "high", 0.5, 2.0, 1L, 4.0};
    for (int i = 0; i < bids.length; i++) {
      Map<String, Object> attrs = bids[i] == null ? Map.of() : Map.of("bid", bids[i]);
      live.putItem(new ItemRecord("c" + i, List.of("k" + i), List.of(), attrs, true, null, null));
    }
    live.putItem(new ItemRecord("a1", List.of("k9"), List.of(), Map.of("bid", 0.25), true, null, null));
    live.recommenders().values().forEach(r -> r.popularity().refresh());
    live.observe(List.of(Event.of("u9", "a0", "click", live.now())));

    JsonNode r = ok("/v1/recommend?scene=ads&user=u9&k=10&debug=true");
    assertThat(r.get("ranking").asText()).isEqualTo("ecpm:stacking:lr");
    List<String> items = new ArrayList<>();
    double previous = Double.POSITIVE_INFINITY;
    for (JsonNode n : r.get("items")) {
      items.add(n.get("item").asText());
      double pctr = n.get("pctr").asDouble();
      double bid = n.get("bid").asDouble();
      double ecpm = n.get("ecpm").asDouble();
      assertThat(bid).isPositive();
      assertThat(pctr).isBetween(0.0, 1.0);
      assertThat(ecpm).isCloseTo(pctr * bid * 1000, within(1e-3 * Math.max(1, ecpm)));
      assertThat(n.get("score").asDouble()).isCloseTo(ecpm, within(1e-3 * Math.max(1, ecpm)));
      assertThat(ecpm).isLessThanOrEqualTo(previous);
      previous = ecpm;
    }
    // Exactly the items with a positive numeric bid (a0 is seen; b0 has no catalogue record). The c items are
    // proposed by popular alone, so they share one pCTR (0.2647) and go by bid; a1, a0's ItemCF neighbour, has the
    // highest pCTR (0.5005, proposed by i2i too) but the lowest bid: 0.5005 x 0.25 x 1000 = 125.1 < c4's
    // 0.2647 x 0.5 x 1000 = 132.3, so it comes last.
    assertThat(items).containsExactly("c7", "c5", "c6", "c4", "a1");
    JsonNode a1 = r.get("items").get(4);
    for (int i = 0; i < 4; i++) {
      assertThat(a1.get("pctr").asDouble()).isGreaterThan(r.get("items").get(i).get("pctr").asDouble());
    }
    JsonNode trace = r.get("trace");
    List<String> stages = new ArrayList<>();
    trace.get("stages").forEach(s -> stages.add(s.get("stage").asText()));
    assertThat(stages).containsSubsequence("merge", "prerank", "rank", "ads:ecpm", "rerank:scatter");
    assertThat(trace.get("rejected").get("ads:no-bid").asInt()).isPositive();
    assertThat(trace.get("items").get(0).get("adjustments").toString()).contains("prerank: ").contains("ecpm: pctr ");

    // A scene without ads mode reports no ad fields.
    JsonNode home = ok("/v1/recommend?scene=home&user=u9&k=3");
    assertThat(home.get("items").get(0).has("pctr")).isFalse();
    assertThat(home.get("items").get(0).has("ecpm")).isFalse();

    // GET /v1/scenes describes the pre-rank and ads mode.
    JsonNode scenes = ok("/v1/scenes");
    JsonNode ads = null;
    for (JsonNode s : scenes.get("scenes")) {
      if (s.get("name").asText().equals("ads")) {
        ads = s;
      }
    }
    assertThat(ads).isNotNull();
    assertThat(ads.get("prerank").get("keep").asInt()).isEqualTo(100);
    assertThat(ads.get("prerank").get("ranking").asText()).isEqualTo("fusion:rrf");
    assertThat(ads.get("ads").get("bid").asText()).isEqualTo("bid");
  }

  @Test
  void anAdsSceneWithFusionOrABadPrerankFailsStartUpNamingFileKeyAndValue() throws Exception {
    LiveFixture.writeModel(data);
    String yaml = documented();
    try (LiveService l = LiveService.open(data, null, LiveService.Config.defaults().withIdempotencyWindow(100))) {
      String fusion = yaml.substring(0, yaml.indexOf("rank:\n  type: model-ranker")) + "rank: {type: fusion}\n"
          + yaml.substring(yaml.indexOf("ads:\n"));
      scene("ads.yaml", fusion);
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("ads.yaml: ads: ads mode orders by eCPM = pCTR x bid x 1000 and needs a rank stage whose score is a probability")
          .hasMessageContaining("rank 'fusion:rrf' is not");
      scene("ads.yaml", yaml.replace("keep: 100", "keep: 0"));
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("ads.yaml: prerank.keep: must be an integer in [1, 100000]; keep=0");
      scene("ads.yaml", yaml.replace("keep: 100", "keep: 100\n  kept: 5"));
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("ads.yaml: prerank.kept: unknown key 'kept' for stage type 'fusion'").hasMessageContaining("kept=5");
      scene("ads.yaml", yaml.replace("bid: bid ", "bid: bid\n  reserve: 3 "));
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("ads.yaml: ads.reserve: unknown key 'reserve' for ads; valid keys: [bid]; reserve=3");
    }
  }
}

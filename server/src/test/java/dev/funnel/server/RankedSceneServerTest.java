package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.pipeline.stacking.StackingFeatures;
import dev.funnel.pipeline.stacking.StackingModel;
import dev.funnel.pipeline.stacking.StackingModelFile;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.ItemRecord;
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

/** A live scene ranked by a saved stacking model ({@code rank: {type: model-ranker, file: PATH}}) over real HTTP. */
class RankedSceneServerTest {
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

  /**
   * An LR stacking model over channels i2i and popular that learnt "proposed by i2i means relevant,
   * proposed only by popular means not": rows {i2i proposed, 1 channel} labelled 1 and
   * {popular proposed, 1 channel} labelled 0 (layout: i2i 0..14, popular 15..29, channels 30..32).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Path writeRanker(Path file) throws Exception {
    StackingFeatures features = new StackingFeatures(List.of("i2i", "popular"));
    int n = 200;
    int[] rowPtr = new int[n + 1];
    int[] feats = new int[2 * n];
    float[] values = new float[2 * n];
    float[] labels = new float[n];
    for (int r = 0; r < n; r++) {
      boolean i2i = r % 2 == 0;
      feats[2 * r] = i2i ? 0 : 15;
      feats[2 * r + 1] = 31;
      values[2 * r] = 1f;
      values[2 * r + 1] = 1f;
      labels[r] = i2i ? 1f : 0f;
      rowPtr[r + 1] = 2 * r + 2;
    }
    SampleBatch batch = new SampleBatch(features.fields(), rowPtr, feats, values, labels, null, null);
    RankAlgorithm lr = Registry.rank("lr");
    RankModel model = lr.fit((Record) lr.defaultConfig(), batch, batch, TrainContext.defaults());
    StackingModelFile.write(file, new StackingModel(features, model, n, n / 2));
    return file;
  }

  private void scene(String rank) throws Exception {
    Files.createDirectories(data.resolve("scenes"));
    Files.writeString(data.resolve("scenes").resolve("ranked.yaml"), """
        name: ranked
        budget: 100
        channels:
          - {name: i2i, type: item-to-item, model: itemcf, quota: 20}
          - {name: popular, type: popularity, quota: 30}
        filters:
          - {type: seen}
        """ + "rank: " + rank + "\n");
  }

  private JsonNode ok(String pathAndQuery) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void aLiveSceneServesWithTheSavedRanker() throws Exception {
    Path ranker = writeRanker(files.resolve("ranker.fnls"));
    scene("{type: model-ranker, file: '" + ranker + "'}");
    live = LiveFixture.openLive(data);
    server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), live);
    for (int i = 0; i < 6; i++) {
      live.putItem(new ItemRecord("c" + i, List.of("x"), List.of(), Map.of(), true, null, null));
    }
    live.recommenders().values().forEach(r -> r.popularity().refresh());
    live.observe(List.of(Event.of("u9", "a0", "click", live.now())));
    JsonNode r = ok("/v1/recommend?scene=ranked&user=u9&k=4&debug=true");
    assertThat(r.get("ranking").asText()).isEqualTo("stacking:lr");
    assertThat(r.get("degraded")).isEmpty();
    // a1 is a0's ItemCF neighbour, the only i2i candidate: the model puts it first with the highest score.
    JsonNode first = r.get("items").get(0);
    assertThat(first.get("item").asText()).isEqualTo("a1");
    assertThat(first.get("channels").toString()).contains("i2i");
    assertThat(first.get("score").asDouble()).isGreaterThan(r.get("items").get(1).get("score").asDouble());
    assertThat(r.get("items")).hasSize(4);
    // An unknown user still gets a page (popular only).
    assertThat(ok("/v1/recommend?scene=ranked&user=nobody&k=3").get("items")).hasSize(3);
  }

  @Test
  void aBadRankerFileFailsStartUpNamingIt() throws Exception {
    Path ranker = writeRanker(files.resolve("ranker.fnls"));
    byte[] bytes = Files.readAllBytes(ranker);
    bytes[bytes.length - 9] ^= 0x01;
    Path damaged = files.resolve("damaged.fnls");
    Files.write(damaged, bytes);
    scene("{type: model-ranker, file: '" + damaged + "'}");
    LiveFixture.writeModel(data);
    try (LiveService l = LiveService.open(data, null, LiveService.Config.defaults().withIdempotencyWindow(100))) {
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("ranked.yaml: rank.file: cannot load the stacking ranker: " + damaged + ": checksum mismatch");
      scene("{type: model-ranker}");
      assertThatThrownBy(() -> LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), l))
          .hasMessageContaining("ranked.yaml: rank.type:").hasMessageContaining("file: PATH");
    }
  }
}

package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.pipeline.RankPipeline;
import dev.funnel.rank.pipeline.RankPipelineFile;
import dev.funnel.rank.schema.FeatureEncoder;
import dev.funnel.rank.schema.FeatureSchema;
import dev.funnel.rank.schema.SampleTable;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.UserRecord;
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

/** A live scene ranked by a feature-ranker whose feature is the user's catalogue profile ({@code PUT /v1/users}). */
class FeatureRankerServerTest {
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

  /** An LR that learnt "tier gold clicks, tier basic does not", over fields tier (user.tier) and item. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Path writeRanker(Path file) throws Exception {
    FeatureSchema schema = FeatureSchema.parse("s", "label label\nfield tier categorical column=user.tier\nfield item categorical\n");
    SampleTable.Builder b = new SampleTable.Builder(schema, List.of("label", "user.tier", "item"), true, "rows");
    for (int r = 0; r < 200; r++) {
      boolean gold = r % 2 == 0;
      b.add(new String[] {gold ? "1" : "0", gold ? "gold" : "basic", "a" + (r % 5)}, "rows", r);
    }
    SampleTable table = b.build();
    FeatureEncoder encoder = FeatureEncoder.fit(table);
    RankAlgorithm lr = Registry.rank("lr");
    RankModel model = lr.fit((Record) lr.defaultConfig(), encoder.encode(table), null, TrainContext.defaults());
    RankPipelineFile.write(file, new RankPipeline(encoder, 1, model));
    return file;
  }

  private JsonNode ok(String pathAndQuery) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void theUsersProfileReachesTheRankerLive() throws Exception {
    Path ranker = writeRanker(files.resolve("ranker.fnlp"));
    Files.createDirectories(data.resolve("scenes"));
    Files.writeString(data.resolve("scenes").resolve("ranked.yaml"), """
        name: ranked
        channels:
          - {name: i2i, type: item-to-item, model: itemcf, quota: 20}
          - {name: popular, type: popularity, quota: 30}
        rank: {type: feature-ranker, file: '%s'}
        """.formatted(ranker));
    live = LiveFixture.openLive(data);
    server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 50, null, 1), live);
    live.putUser(new UserRecord("g", Map.of("tier", "gold")));
    live.putUser(new UserRecord("b", Map.of("tier", "basic")));
    live.observe(List.of(Event.of("g", "a0", "click", live.now()), Event.of("b", "a0", "click", live.now())));
    live.recommenders().values().forEach(r -> r.popularity().refresh());
    JsonNode gold = ok("/v1/recommend?scene=ranked&user=g&k=3");
    JsonNode basic = ok("/v1/recommend?scene=ranked&user=b&k=3");
    JsonNode nobody = ok("/v1/recommend?scene=ranked&user=nobody&k=3"); // no profile: the OOV tier
    assertThat(gold.get("ranking").asText()).isEqualTo("feature-ranker:lr");
    assertThat(gold.get("items")).isNotEmpty();
    assertThat(basic.get("items")).isNotEmpty();
    assertThat(gold.get("items").get(0).get("score").asDouble()).isGreaterThan(0.5);
    assertThat(basic.get("items").get(0).get("score").asDouble()).isLessThan(0.5);
    assertThat(nobody.get("items")).isNotEmpty();
  }
}

package dev.funnel.cli;

import static dev.funnel.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code funnel eval --scene FILE} with real files: the JSON contract, the funnel row, bad scenes. */
class EvalSceneCommandTest {
  @TempDir Path dir;

  /**
   * 40 users, 12 timestamped events each within one of 4 blocks of 15 items; the block is the item's
   * genre (written beside it as genres.csv). Returns events.csv in {@code dir}.
   */
  static Path events(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder("user,item,timestamp\n");
    StringBuilder genres = new StringBuilder("item,genre\n");
    for (int u = 0; u < 40; u++) {
      for (int e = 0; e < 12; e++) {
        int item = (u % 4) * 15 + (e * 7 + u) % 15;
        sb.append("u").append(u).append(",i").append(item).append(',').append(1_700_000_000_000L + e * 1000L + u).append('\n');
      }
    }
    for (int i = 0; i < 60; i++) {
      genres.append('i').append(i).append(",g").append(i / 15).append('\n');
    }
    Files.writeString(dir.resolve("genres.csv"), genres);
    Path p = dir.resolve("events.csv");
    Files.writeString(p, sb);
    return p;
  }

  private Path events() throws IOException {
    return events(dir);
  }

  @Test
  void sceneEvaluationWritesModelRowsAndTheFunnelRow() throws IOException {
    Path scene = dir.resolve("home.yaml");
    Files.writeString(scene, """
        name: home
        budget: 30
        channels:
          - {name: cf, type: user-to-item, model: itemcf, quota: 15}
          - {name: i2i, type: item-to-item, model: itemcf, quota: 10}
          - {name: hot, type: popularity, model: pop, quota: 10}
        filters:
          - {type: seen, training: true}
        rank: {type: model-ranker, algorithm: lr, validation: 0.2}
        """);
    Path json = dir.resolve("funnel.json");
    CliRun r = run("eval", "--dataset", "csv:" + events(), "--item-features", dir.resolve("genres.csv").toString(), "--scene", scene.toString(),
        "--set", "itemcf.neighbors=20", "--k", "5,10", "--json", json.toString(), "--quiet", "--threads", "1");
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    assertThat(r.out()).contains("funnel:home").contains("stacking   lr");
    JsonNode root = Json.MAPPER.readTree(json.toFile());
    assertThat(root.get("protocol").asText()).isEqualTo("full-sort");
    JsonNode results = root.get("results");
    assertThat(results.size()).isEqualTo(3);
    assertThat(results.get(0).get("model").asText()).isEqualTo("itemcf");
    assertThat(results.get(0).get("params").get("neighbors").asInt()).isEqualTo(20);
    assertThat(results.get(1).get("model").asText()).isEqualTo("pop");
    JsonNode f = results.get(2);
    assertThat(f.get("model").asText()).isEqualTo("funnel:home");
    assertThat(f.get("params").get("ranking").asText()).isEqualTo("stacking:lr");
    JsonNode m = f.get("metrics");
    for (String key : new String[] {"recall@5", "ndcg@10", "hitrate@10", "mrr@10", "recall@budget:cf", "recall@budget:i2i", "recall@budget:hot",
        "recall@budget:union", "diversity@10", "category_coverage@10", "novelty@10"}) {
      assertThat(m.get(key)).as(key).isNotNull();
    }
    // The union holds every channel's candidates: its recall bounds each channel's and the page's.
    double union = m.get("recall@budget:union").asDouble();
    assertThat(union).isGreaterThanOrEqualTo(m.get("recall@budget:cf").asDouble()).isGreaterThanOrEqualTo(m.get("recall@10").asDouble());
    assertThat(m.get("diversity@10").asDouble()).isBetween(0.0, 1.0);
  }

  @Test
  void aBadSceneFailsNamingFileKeyAndValue() throws IOException {
    Path scene = dir.resolve("bad.yaml");
    Files.writeString(scene, """
        channels:
          - {type: user-to-item, model: itemcf, quota: -3}
        """);
    CliRun r = run("eval", "--dataset", "csv:" + events(), "--scene", scene.toString(), "--quiet", "--threads", "1");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("bad.yaml").contains("channels[0].quota").contains("-3");
  }

  @Test
  void aSceneModelThatIsNotRegisteredFailsBeforeLoading() throws IOException {
    Path scene = dir.resolve("odd.yaml");
    Files.writeString(scene, "channels:\n  - {type: user-to-item, model: deepcf}\n");
    CliRun r = run("eval", "--dataset", "csv:" + dir.resolve("none.csv"), "--scene", scene.toString(), "--quiet");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("deepcf");
  }
}

package dev.funnel.cli;

import static dev.funnel.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature-ranker end to end: {@code dataset samples}, {@code train --samples --schema}, {@code eval --scene}. */
class FeatureRankerCommandTest {
  @TempDir Path dir;

  private Path events() throws IOException {
    return EvalSceneCommandTest.events(dir); // the same 40 users in 4 genre blocks
  }

  @Test
  void samplesTrainAndServeADinInAScene() throws IOException {
    String data = "csv:" + events();
    String genres = dir.resolve("genres.csv").toString();
    Path samples = dir.resolve("samples");
    CliRun s = run("dataset", "samples", "--dataset", data, "--item-features", genres, "--out", samples.toString(), "--negatives", "2");
    assertThat(s.code()).as(s.err() + s.out()).isZero();
    List<String> train = Files.readAllLines(samples.resolve("train.csv"));
    assertThat(train.get(0)).isEqualTo("label,user,item,categories,history");
    assertThat(Files.readString(samples.resolve("schema.txt"))).contains("field genre multi column=categories")
        .contains("field history sequence vocabulary=item");
    // 3 rows (1 positive, 2 negatives) per training interaction
    int rows = train.size() - 1 + Files.readAllLines(samples.resolve("validation.csv")).size() - 1;
    assertThat(rows % 3).isZero();
    assertThat(train.stream().filter(l -> l.startsWith("1,")).count() * 3).isEqualTo(train.size() - 1);

    Path model = dir.resolve("din.fnlp");
    CliRun t = run("train", "--model", "din", "--samples", samples.resolve("train.csv").toString(), "--validation",
        samples.resolve("validation.csv").toString(), "--schema", samples.resolve("schema.txt").toString(), "--set", "din.itemSideFields=genre",
        "--set", "din.epochs=2", "--set", "din.dim=4", "--threads", "1", "--quiet", "--out", model.toString());
    assertThat(t.code()).as(t.err() + t.out()).isZero();

    Path scene = dir.resolve("din.yaml");
    Files.writeString(scene, """
        name: din
        budget: 30
        channels:
          - {name: cf, type: user-to-item, model: itemcf, quota: 15}
          - {name: hot, type: popularity, model: itemcf, quota: 10}
        filters:
          - {type: seen, training: true}
        rank: {type: feature-ranker, file: %s, model: itemcf}
        """.formatted(model));
    Path json = dir.resolve("funnel.json");
    CliRun e = run("eval", "--dataset", data, "--item-features", genres, "--scene", scene.toString(), "--k", "10", "--json", json.toString(),
        "--quiet", "--threads", "1");
    assertThat(e.code()).as(e.err() + e.out()).isZero();
    JsonNode f = Json.MAPPER.readTree(json.toFile()).get("results").get(1);
    assertThat(f.get("model").asText()).isEqualTo("funnel:din");
    assertThat(f.get("params").get("ranking").asText()).isEqualTo("feature-ranker:din");
    assertThat(f.get("metrics").get("recall@10").asDouble()).isBetween(0.0, 1.0);

    Files.writeString(scene, Files.readString(scene).replace(model.toString(), dir.resolve("absent.fnlp").toString()));
    CliRun bad = run("eval", "--dataset", data, "--item-features", genres, "--scene", scene.toString(), "--quiet", "--threads", "1");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("din.yaml").contains("rank.file").contains("absent.fnlp");
  }
}

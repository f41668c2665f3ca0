package dev.funnel.cli;

import static dev.funnel.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code funnel train --samples} and {@code funnel eval --rank-model} on real files in a temp dir. */
class RankCommandsTest {
  @TempDir Path dir;

  /** Click probability of (user, item): users 0-9 like even items 5x more than odd ones. */
  private static double ctr(int user, int item) {
    return (item % 2 == 0 ? 0.5 : 0.1) * (user < 5 ? 1 : 0.6);
  }

  /** libsvm rows over fields user 0-9, item 10-29. */
  private Path libsvm(String name, int rows, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      int u = random.nextInt(10);
      int i = random.nextInt(20);
      sb.append(random.nextDouble() < ctr(u, i) ? "1" : "-1").append(' ').append(u).append(":1 ").append(10 + i).append(":1\n");
    }
    Path p = dir.resolve(name);
    Files.writeString(p, sb);
    return p;
  }

  /** The same data as CSV with a numeric and a multi-valued column. */
  private Path csv(String name, int rows, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder("user,item,price,tags,clicked\n");
    for (int r = 0; r < rows; r++) {
      int u = random.nextInt(10);
      int i = random.nextInt(20);
      sb.append('u').append(u).append(",i").append(i).append(',').append(i * 1.5).append(',').append(i % 2 == 0 ? "even|any" : "odd|any")
          .append(',').append(random.nextDouble() < ctr(u, i) ? 1 : 0).append('\n');
    }
    Path p = dir.resolve(name);
    Files.writeString(p, sb);
    return p;
  }

  @Test
  void trainAndEvaluateAnEnsembleWithMemberSettings() throws IOException {
    Path train = libsvm("train.libfm", 4000, 1);
    Path valid = libsvm("valid.libfm", 1000, 2);
    Path model = dir.resolve("ens.fnlr");
    CliRun t = run("train", "--model", "ensemble", "--samples", train.toString(), "--validation", valid.toString(), "--fields",
        "user:0-9,item:10-29", "--set", "ensemble.members=lr,fm", "--set", "ensemble.fm.dim=4", "--set", "ensemble.fm.epochs=3",
        "--set", "ensemble.lr.epochs=3", "--threads", "1", "--quiet", "--out", model.toString());
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out()).contains("trained    ensemble on 4,000 samples");
    Path json = dir.resolve("ens.json");
    CliRun e = run("eval", "--rank-model", model.toString(), "--samples", valid.toString(), "--json", json.toString());
    assertThat(e.code()).as(e.err()).isZero();
    JsonNode row = Json.MAPPER.readTree(json.toFile()).get("results").get(0);
    assertThat(row.get("model").asText()).isEqualTo("ensemble");
    assertThat(row.get("metrics").get("auc").asDouble()).isBetween(0.65, 0.8);
    CliRun bad = run("train", "--model", "ensemble", "--samples", train.toString(), "--fields", "user:0-9,item:10-29", "--set",
        "ensemble.members=lr,fm", "--set", "ensemble.ffm.dim=4", "--out", dir.resolve("bad.fnlr").toString());
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("'ffm.dim'").contains("members=lr,fm");
  }

  @Test
  void trainAndEvaluateALibsvmRankerInTheRecallJsonContract() throws IOException {
    Path train = libsvm("train.libfm", 4000, 1);
    Path valid = libsvm("valid.libfm", 1000, 2);
    Path test = libsvm("test.libfm", 2000, 3);
    Path model = dir.resolve("models/fm.fnlr");
    CliRun t = run("train", "--model", "fm", "--samples", train.toString(), "--validation", valid.toString(), "--fields",
        "user:0-9,item:10-29", "--set", "fm.dim=4", "--set", "fm.epochs=5", "--threads", "1", "--quiet", "--out", model.toString());
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out()).contains("trained    fm on 4,000 samples").contains("validation auc");
    Path json = dir.resolve("rank.json");
    CliRun e = run("eval", "--rank-model", model.toString(), "--samples", test.toString(), "--group-field", "user", "--json", json.toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.out()).contains("auc").contains("calibration");
    JsonNode root = Json.MAPPER.readTree(json.toFile());
    assertThat(root.get("dataset").asText()).isEqualTo("test.libfm");
    assertThat(root.get("protocol").asText()).isEqualTo("rank");
    JsonNode row = root.get("results").get(0);
    assertThat(row.get("model").asText()).isEqualTo("fm");
    assertThat(row.get("params").get("dim").asInt()).isEqualTo(4);
    assertThat(row.get("protocol").asText()).isEqualTo("rank");
    // the generating rule's AUC is about 0.73; a fitted FM gets near it
    assertThat(row.get("metrics").get("auc").asDouble()).isBetween(0.65, 0.8);
    assertThat(row.get("metrics").get("gauc").asDouble()).isBetween(0.6, 0.85);
    assertThat(row.get("metrics").get("logloss").asDouble()).isBetween(0.3, 0.69);
    assertThat(row.get("metrics").get("calibration").asDouble()).isBetween(0.8, 1.2);
    assertThat(row.get("fit_seconds").isNumber()).isTrue();
    assertThat(row.get("eval_seconds").isNumber()).isTrue();
    assertThat(row.get("users_evaluated").asInt()).isEqualTo(10);
    assertThat(row.get("users_skipped").asInt()).isZero();
    assertThat(row.get("samples").asInt()).isEqualTo(2000);
  }

  @Test
  void csvWithSchemaDownsampledNegativesAndBadLines() throws IOException {
    Path schema = dir.resolve("clicks.schema");
    Files.writeString(schema, """
        label clicked
        group user
        field user categorical
        field item categorical buckets=64 hashes=2
        field price numeric transform=bucketize quantiles=4
        field tags multi pooling=mean
        """);
    Path train = csv("train.csv", 6000, 4);
    Path test = csv("test.csv", 3000, 5);
    Path model = dir.resolve("lr.fnlp");
    CliRun t = run("train", "--model", "lr", "--samples", train.toString(), "--schema", schema.toString(), "--negative-rate", "0.5",
        "--set", "lr.epochs=5", "--set", "lr.patience=0", "--threads", "1", "--quiet", "--out", model.toString());
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out()).contains("negatives kept at rate 0.5 (scores re-calibrated)");
    Path json = dir.resolve("csv.json");
    CliRun e = run("eval", "--rank-model", model.toString(), "--samples", test.toString(), "--json", json.toString());
    assertThat(e.code()).as(e.err()).isZero();
    JsonNode row = Json.MAPPER.readTree(json.toFile()).get("results").get(0);
    assertThat(row.get("model").asText()).isEqualTo("lr");
    assertThat(row.get("negative_rate").asDouble()).isEqualTo(0.5);
    assertThat(row.get("metrics").get("auc").asDouble()).isGreaterThan(0.65);
    // corrected for the sampling: calibrated on the full-rate test data
    assertThat(row.get("metrics").get("calibration").asDouble()).isBetween(0.85, 1.15);
    assertThat(row.get("users_evaluated").asInt()).isEqualTo(10);

    Files.writeString(test, Files.readString(test) + "u1,i3,expensive,odd,1\n");
    CliRun bad = run("eval", "--rank-model", model.toString(), "--samples", test.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("test.csv:3002").contains("field 'price'").contains("'expensive'");
    CliRun skipped = run("eval", "--rank-model", model.toString(), "--samples", test.toString(), "--skip-bad-lines");
    assertThat(skipped.code()).as(skipped.err()).isZero();
    assertThat(skipped.out()).contains("skipped 1").contains("on 3,000 samples");
  }

  @Test
  void usageErrorsNameTheMissingFlag() throws IOException {
    CliRun noSamples = run("eval", "--rank-model", dir.resolve("m.fnlr").toString());
    assertThat(noSamples.code()).isEqualTo(2);
    assertThat(noSamples.err()).contains("--rank-model FILE and --samples FILE");
    CliRun unknown = run("train", "--model", "nope", "--samples", libsvm("x.libfm", 10, 1).toString(), "--out", dir.resolve("m").toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("nope").contains("fm");
    CliRun badKey = run("train", "--model", "lr", "--samples", dir.resolve("x.libfm").toString(), "--set", "lr.alpah=1", "--out",
        dir.resolve("m").toString());
    assertThat(badKey.code()).isEqualTo(2);
    assertThat(badKey.err()).contains("unknown parameter 'alpah'");
    CliRun noData = run("train", "--model", "itemcf", "--out", dir.resolve("m").toString());
    assertThat(noData.code()).isEqualTo(2);
    assertThat(noData.err()).contains("--dataset");
  }
}

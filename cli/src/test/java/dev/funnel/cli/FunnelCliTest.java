package dev.funnel.cli;

import static dev.funnel.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI contract that automation relies on: exit codes, JSON shape, error messages. */
class FunnelCliTest {
  @TempDir Path dir;

  /** A small dataset: 30 users, each with 10 distinct items of one of 4 blocks of 15, timestamped. */
  private Path events() throws IOException {
    StringBuilder sb = new StringBuilder("user,item,timestamp\n");
    for (int u = 0; u < 30; u++) {
      for (int e = 0; e < 10; e++) {
        int item = (u % 4) * 15 + (e * 7 + u) % 15;
        sb.append("u").append(u).append(",i").append(item).append(',').append(1_700_000_000_000L + e * 1000L + u).append('\n');
      }
    }
    Path p = dir.resolve("events.csv");
    Files.writeString(p, sb);
    return p;
  }

  @Test
  void wrongFlagExitsTwoWithAMessage() {
    CliRun r = run("eval", "--dataset", "csv:x.csv", "--model", "pop", "--no-such-flag");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--no-such-flag'");
    CliRun missing = run("eval");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required options").contains("--dataset");
  }

  @Test
  void unknownModelExitsTwoListingValidModelsBeforeReadingData() {
    // The dataset does not exist: the model check must come first.
    CliRun r = run("eval", "--dataset", "csv:" + dir.resolve("missing.csv"), "--model", "itemcf", "--model", "nope", "--quiet");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown model 'nope'").contains("itemcf").contains("swing");
  }

  @Test
  void unknownParameterNamesTheKey() {
    CliRun r = run("train", "--dataset", "csv:" + dir.resolve("missing.csv"), "--model", "itemcf", "--set", "itemcf.neigbors=5",
        "--out", dir.resolve("m.fnl").toString(), "--quiet");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown parameter 'neigbors'").contains("neighbors");
  }

  @Test
  void evalWritesTheJsonContract() throws IOException {
    Path json = dir.resolve("out.json");
    CliRun r = run("eval", "--dataset", "csv:" + events(), "--model", "itemcf", "--model", "pop", "--set", "itemcf.neighbors=20",
        "--k", "5,10", "--json", json.toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Protocol: full-sort");
    JsonNode root = Json.MAPPER.readTree(json.toFile());
    assertThat(root.get("dataset").asText()).isEqualTo("events.csv");
    assertThat(root.get("protocol").asText()).isEqualTo("full-sort");
    JsonNode first = root.get("results").get(0);
    assertThat(first.get("model").asText()).isEqualTo("itemcf");
    assertThat(first.get("params").get("neighbors").asInt()).isEqualTo(20);
    assertThat(first.get("metrics").get("recall@5").isNumber()).isTrue();
    assertThat(first.get("metrics").get("ndcg@10").asDouble()).isBetween(0.0, 1.0);
    assertThat(first.get("fit_seconds").isNumber()).isTrue();
    assertThat(first.get("eval_seconds").isNumber()).isTrue();
    assertThat(root.get("results").get(1).get("model").asText()).isEqualTo("pop");
  }

  @Test
  void sampledProtocolIsLabelled() throws IOException {
    Path json = dir.resolve("sampled.json");
    CliRun r = run("eval", "--dataset", "csv:" + events(), "--split", "leave-last-out", "--model", "itemcf", "--negatives", "20",
        "--json", json.toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("SAMPLED");
    assertThat(Json.MAPPER.readTree(json.toFile()).get("protocol").asText()).isEqualTo("sampled-20");
  }

  @Test
  void badLineStopsWithFileLineFieldAndValueUnlessSkipped() throws IOException {
    Path p = events();
    Files.writeString(p, Files.readString(p) + "u1,i3,yesterday\n");
    CliRun failed = run("dataset", "stats", "--dataset", "csv:" + p);
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).contains("events.csv:302").contains("timestamp").contains("'yesterday'");
    CliRun skipped = run("dataset", "stats", "--dataset", "csv:" + p, "--skip-bad-lines");
    assertThat(skipped.code()).as(skipped.err()).isZero();
    assertThat(skipped.out()).contains("skipped 1").contains("users").contains("30");
  }

  @Test
  void statsCountEveryEventAndTrainAllRefusesASplit() throws IOException {
    Path p = events();
    CliRun stats = run("dataset", "stats", "--dataset", "csv:" + p);
    assertThat(stats.code()).as(stats.err()).isZero();
    assertThat(stats.out()).contains("300 (train 300, test 0)");
    CliRun t = run("train", "--dataset", "csv:" + p, "--model", "pop", "--all", "--split", "random:0.5", "--out",
        dir.resolve("x.fnl").toString());
    assertThat(t.code()).isEqualTo(2);
    assertThat(t.err()).contains("--all").contains("--split random:0.5");
  }

  @Test
  void trainCheckpointsAndResumesToTheSameModelFile() throws IOException {
    Path p = events();
    Path ckpt = dir.resolve("ckpt");
    Path straight = dir.resolve("straight.fnl");
    Path resumed = dir.resolve("resumed.fnl");
    String[] common = {"train", "--dataset", "csv:" + p, "--model", "mfbpr", "--all", "--threads", "1", "--quiet",
        "--set", "mfbpr.dim=8", "--set", "mfbpr.epochs=3", "--set", "mfbpr.negatives=2"};
    CliRun a = run(concat(common, "--out", straight.toString()));
    assertThat(a.code()).as(a.err()).isZero();
    CliRun b = run(concat(common, "--checkpoint-dir", ckpt.toString(), "--out", resumed.toString()));
    assertThat(b.code()).as(b.err()).isZero();
    assertThat(ckpt.resolve("checkpoint.bin")).exists();
    // Resuming a finished run trains no further epoch and writes the same model.
    CliRun c = run(concat(common, "--checkpoint-dir", ckpt.toString(), "--resume", "--out", resumed.toString()));
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(Files.readAllBytes(resumed)).isEqualTo(Files.readAllBytes(straight));
    CliRun bad = run(concat(common, "--resume", "--out", resumed.toString()));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--resume needs --checkpoint-dir");
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void trainThenRecommendAndSimilarFromTheSavedFile() throws IOException {
    Path model = dir.resolve("m/itemcf.fnl");
    CliRun t = run("train", "--dataset", "csv:" + events(), "--model", "itemcf", "--all", "--out", model.toString(), "--quiet");
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(model).exists();
    CliRun rec = run("recommend", "--model", model.toString(), "--user", "u0", "--k", "3");
    assertThat(rec.code()).as(rec.err()).isZero();
    // u0 likes block 0 (items i0..i14): every recommendation comes from it.
    assertThat(rec.out().lines().skip(1).toList()).hasSize(3).allSatisfy(line -> assertThat(line).containsPattern(" i(\\d|1[0-4]) "));
    CliRun unknown = run("recommend", "--model", model.toString(), "--user", "stranger", "--k", "2");
    assertThat(unknown.out()).contains("unknown to the model");
    CliRun sim = run("similar", "--model", model.toString(), "--item", "nope");
    assertThat(sim.code()).isEqualTo(2);
    assertThat(sim.err()).contains("item 'nope'");
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    for (String cmd : new String[] {"quickstart", "eval", "train", "recommend", "similar", "serve", "models"}) {
      CliRun r = run(cmd, "--help");
      assertThat(r.code()).as(cmd).isZero();
      assertThat(r.out()).as(cmd).contains("Example");
    }
    assertThat(run("dataset", "stats", "--help").out()).contains("Example");
  }

  @Test
  void serveNeedsModelsOrDataAndRefusesALockedDataDirectory() {
    CliRun neither = run("serve", "--port", "0");
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err()).contains("--models DIR, or --data DIR");

    Path data = dir.resolve("live");
    try (dev.funnel.store.DataDirectory held = dev.funnel.store.DataDirectory.open(data)) {
      CliRun second = run("serve", "--data", data.toString(), "--port", "0");
      assertThat(second.code()).isEqualTo(1);
      assertThat(second.err()).contains("in use by another Funnel server").contains("--data");
    }
    // Unlocked but without models: a clear error naming the folder, and the lock is released again.
    CliRun noModels = run("serve", "--data", data.toString(), "--port", "0");
    assertThat(noModels.code()).isEqualTo(2);
    assertThat(noModels.err()).contains("no model files").contains("models");
    assertThat(run("serve", "--help").out()).contains("--data").contains("/v1/events");
  }

  @Test
  void serveRefusesABadApiKeyFileBeforeTakingTheDataDirectory() throws Exception {
    Path keys = dir.resolve("keys.txt");
    java.nio.file.Files.writeString(keys, "read:short\n");
    CliRun bad = run("serve", "--data", dir.resolve("live2").toString(), "--api-key-file", keys.toString(), "--port", "0");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("keys.txt line 1").contains("at least 16").doesNotContain("short\n");
    CliRun absent = run("serve", "--data", dir.resolve("live2").toString(), "--api-key-file", dir.resolve("nope.txt").toString());
    assertThat(absent.code()).isNotZero();
    assertThat(absent.err()).contains("nope.txt");
    assertThat(run("serve", "--help").out()).contains("--api-key-file").contains("--reads-need-key").contains("--max-batch-events")
        .contains("--rate-limit");
  }

  @Test
  void serveRefusesABadLogPreallocationNamingTheFlag() {
    CliRun bad = run("serve", "--data", dir.resolve("live3").toString(), "--log-preallocate-bytes", "-1", "--port", "0");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("--log-preallocate-bytes").contains("got -1");
    assertThat(run("serve", "--help").out()).contains("--log-preallocate-bytes");
  }

  @Test
  void serveRefusesMissingTlsFilesBeforeTakingTheDataDirectory() {
    CliRun noKey = run("serve", "--data", dir.resolve("live3").toString(), "--tls-cert", dir.resolve("server.crt").toString(), "--port", "0");
    assertThat(noKey.code()).isNotZero();
    assertThat(noKey.err()).contains("TLS").contains("both");
    CliRun missing = run("serve", "--data", dir.resolve("live3").toString(), "--tls-keystore", dir.resolve("absent.p12").toString(), "--port", "0");
    assertThat(missing.code()).isNotZero();
    assertThat(missing.err()).contains("absent.p12");
    assertThat(java.nio.file.Files.exists(dir.resolve("live3"))).as("the data directory was not created").isFalse();
    assertThat(run("serve", "--help").out()).contains("--tls-cert").contains("--tls-key").contains("--tls-keystore")
        .contains("--tls-keystore-password-file").contains("SIGTERM").contains("--shutdown-timeout");
  }
}

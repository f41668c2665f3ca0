package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.PopularityCounters;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /v1/users/{id}} end to end on the real server and files: afterwards no response, no
 * restart replay and no byte of the log or catalog holds the user's events or profile, and neither a
 * retry within the idempotency window nor a restart brings them back.
 */
class ErasureServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;

  private LiveService live;
  private FunnelServer server;

  private void start() throws IOException {
    if (!Files.exists(data.resolve(DataDirectory.MODELS_DIR))) {
      LiveFixture.writeModel(data);
    }
    LiveService.Config d = LiveService.Config.defaults();
    OnlineRecommender.Config o = d.online();
    OnlineRecommender.Config current = new OnlineRecommender.Config(o.users(), new PopularityCounters.Config(3_600_000L, 0L, 1000, false),
        o.triggerHalfLifeMillis(), o.coldStart(), o.seedFromTraining(), o.maxItems());
    live = LiveService.open(data, null, d.withOnline(current).withIdempotencyWindow(1000));
    server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 100, null, 2), live);
  }

  @AfterEach
  void stop() {
    LiveFixture.close(server, live);
    server = null;
    live = null;
  }

  private JsonNode call(String method, String path, String body, int expected) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(expected);
    return JSON.readTree(r.body());
  }

  private static String click(String id, String user, String item) {
    return "{\"id\":\"" + id + "\",\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"type\":\"click\"}";
  }

  private double popularity(String item) {
    OnlineRecommender r = live.recommenders().get("itemcf");
    int id = r.items().get(item);
    return id < 0 ? 0 : r.popularity().count(id);
  }

  /** Whether any file under the directory holds the text's bytes. */
  private static boolean onDisk(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] all = Files.readAllBytes(f);
        for (int i = 0; i + needle.length <= all.length; i++) {
          if (java.util.Arrays.equals(all, i, i + needle.length, needle, 0, needle.length)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Test
  void deleteErasesEventsProfileAndCountsForGood() throws Exception {
    start();
    call("POST", "/v1/events", click("v1", "victim", "zz-private-item") + "\n" + click("v2", "victim", "zz-private-item") + "\n"
        + click("v3", "victim", "a0") + "\n" + click("o1", "other", "a0") + "\n" + click("o2", "other", "zz-shared-item"), 200);
    call("PUT", "/v1/users/victim", "{\"attributes\":{\"email\":\"zz-victim@example.org\"}}", 200);
    assertThat(popularity("zz-private-item")).isEqualTo(2.0);
    assertThat(popularity("a0")).isEqualTo(2.0);
    assertThat(onDisk(data.resolve(DataDirectory.LOG_DIR), "zz-private-item")).isTrue();

    JsonNode erased = call("DELETE", "/v1/users/victim", null, 200);
    assertThat(erased.get("deleted").asText()).isEqualTo("victim");
    assertThat(erased.get("events_erased").asLong()).isEqualTo(3);
    assertThat(erased.get("erased_through_sequence").asLong()).isEqualTo(5);
    assertThat(erased.get("compacted").asBoolean()).isTrue();

    call("GET", "/v1/users/victim", null, 404);
    assertThat(call("GET", "/v1/recommend?user=victim&k=10", null, 200).get("fallback").asText()).isEqualTo("popularity");
    assertThat(popularity("zz-private-item")).as("the user's events leave the popularity counts").isZero();
    assertThat(popularity("a0")).isEqualTo(1.0);
    assertThat(onDisk(data.resolve(DataDirectory.LOG_DIR), "zz-private-item")).as("log bytes").isFalse();
    assertThat(onDisk(data.resolve(DataDirectory.LOG_DIR), "victim")).as("log bytes, erasure list included").isFalse();
    assertThat(onDisk(data.resolve(DataDirectory.CATALOG_DIR), "zz-victim@example.org")).as("catalog bytes").isFalse();

    // A client retry of an erased event within the window is a duplicate: not stored, not back.
    JsonNode retry = call("POST", "/v1/events", click("v1", "victim", "zz-private-item"), 200);
    assertThat(retry.get("accepted").asInt()).isZero();
    assertThat(retry.get("duplicates").asInt()).isEqualTo(1);
    assertThat(popularity("zz-private-item")).isZero();
    assertThat(onDisk(data.resolve(DataDirectory.LOG_DIR), "zz-private-item")).isFalse();
    call("DELETE", "/v1/users/victim", null, 404);

    stop();
    start();
    // The graceful stop wrote an online snapshot after the erasure: it is loaded, without the user, and nothing is left to replay.
    assertThat(live.snapshots().loadedFrom()).isNotNull();
    assertThat(live.openReport().replayed()).isZero();
    assertThat(call("GET", "/v1/recommend?user=victim&k=10", null, 200).get("fallback").asText()).isEqualTo("popularity");
    assertThat(popularity("zz-private-item")).isZero();
    assertThat(popularity("zz-shared-item")).isEqualTo(1.0);
    assertThat(onDisk(data.resolve(DataDirectory.LOG_DIR), "victim")).isFalse();

    // Events sent after the erasure are new data.
    assertThat(call("POST", "/v1/events", click("v9", "victim", "b0"), 200).get("accepted").asInt()).isEqualTo(1);
    assertThat(call("GET", "/v1/recommend?user=victim&k=10", null, 200).get("fallback").isNull()).isTrue();
  }

  /** An erasure whose compaction a crash cut short: the restart's replay skips the events, and the service finishes the compaction. */
  @Test
  void aPendingErasureIsHonouredByTheRestartReplayAndCompactedInTheBackground() throws Exception {
    start();
    call("POST", "/v1/events", click("x1", "gone", "zz-gone-item") + "\n" + click("x2", "kept", "a1"), 200);
    stop();
    try (EventLog log = EventLog.open(data.resolve(DataDirectory.LOG_DIR), LogConfig.defaults())) {
      log.erase("gone"); // durable erasure record, no compaction: the state a kill -9 right after it leaves
    }
    start();
    assertThat(live.openReport().replayed()).isEqualTo(1);
    assertThat(popularity("zz-gone-item")).isZero();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!live.log().pendingErasures().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(live.log().pendingErasures()).isEmpty();
    assertThat(onDisk(data.resolve(DataDirectory.LOG_DIR), "zz-gone-item")).isFalse();
    assertThat(onDisk(data.resolve(DataDirectory.LOG_DIR), "gone")).isFalse();
  }

  /** Retention by size through the service: the oldest closed segments go, the replay starts later, ingestion goes on. */
  @Test
  void retentionBySizeRunsThroughTheService() throws Exception {
    LiveFixture.writeModel(data);
    LiveService.Config d = LiveService.Config.defaults();
    // Without online snapshots: the restart below must replay what retention left (a snapshot would keep it all).
    LiveService.Config small = new LiveService.Config(d.types(), d.online(), LogConfig.defaults().withSegmentBytes(1024).withMaxTotalBytes(4096), 100,
        OnlineSnapshot.Config.disabled());
    try (LiveService s = LiveService.open(data, null, small)) {
      for (int i = 0; i < 200; i++) {
        long seq = s.append(java.util.List.of(dev.funnel.store.Event.of("u" + i, "i" + i, "click", i))).get();
        s.observe(java.util.List.of(dev.funnel.store.Event.of("u" + i, "i" + i, "click", i)), seq);
      }
      java.util.List<Path> deleted = s.applyRetention();
      assertThat(deleted).isNotEmpty();
      long total = 0;
      try (Stream<Path> files = Files.list(data.resolve(DataDirectory.LOG_DIR))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
          total += Files.size(f);
        }
      }
      assertThat(total).isLessThanOrEqualTo(4096);
    }
    try (LiveService s = LiveService.open(data, null, small)) {
      assertThat(s.openReport().replayed()).isPositive().isLessThan(200);
      assertThat(s.log().lastSequence()).isEqualTo(200);
    }
  }

  private JsonNode itemcfModel() throws IOException, InterruptedException {
    return call("GET", "/v1/models", null, 200).get("models").get(0);
  }

  /** Polls /v1/models until the condition holds (bounded: 60 s). */
  private JsonNode awaitModel(java.util.function.Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    JsonNode m = itemcfModel();
    while (!condition.test(m) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      m = itemcfModel();
    }
    return m;
  }

  /** Every model file under models/ by the users it was trained on: none may hold {@code user}. */
  private void assertNoModelFileHolds(String user) throws IOException {
    try (Stream<Path> files = Files.walk(data.resolve(DataDirectory.MODELS_DIR))) {
      for (Path f : files.filter(p -> p.toString().endsWith(dev.funnel.recall.ModelFile.SUFFIX)).toList()) {
        assertThat(dev.funnel.recall.ModelFile.readUsers(f).get(user)).as("users of %s", f).isNegative();
      }
    }
  }

  private String othersClicks() {
    return click("o1", "o1", "a0") + "\n" + click("o2", "o1", "a1") + "\n" + click("o3", "o1", "b0") + "\n" + click("o4", "o2", "a0") + "\n"
        + click("o5", "o2", "b0") + "\n" + click("o6", "o3", "a1") + "\n" + click("o7", "o3", "b0");
  }

  /**
   * The seed model was trained on u0 (rows a0, a1): before the erasure the model answers for u0
   * (never a0 or a1); from the DELETE on u0 is a user the model never saw, the model is retrained
   * from the log without u0 and promoted, and every file that held u0 (the seed) is deleted, so
   * neither a rollback nor a restart brings u0's training data back.
   */
  @Test
  void aModelTrainedOnTheUserForgetsThemAtOnceAndIsRetrainedWithoutThem() throws Exception {
    start();
    call("POST", "/v1/events", othersClicks(), 200);
    JsonNode before = call("GET", "/v1/recommend?user=u0&k=10", null, 200);
    assertThat(before.get("fallback").isNull()).as("the model answers for a user it was trained on: %s", before).isTrue();
    assertThat(before.get("items").findValuesAsText("item")).doesNotContain("a0", "a1");
    assertThat(dev.funnel.recall.ModelFile.readUsers(data.resolve(DataDirectory.MODELS_DIR).resolve("itemcf.fnl")).get("u0")).isNotNegative();

    JsonNode erased = call("DELETE", "/v1/users/u0", null, 200);
    assertThat(erased.get("models_retraining").get(0).asText()).isEqualTo("itemcf");
    JsonNode after = call("GET", "/v1/recommend?user=u0&k=10", null, 200);
    assertThat(after.get("fallback").asText()).as("served as a user the model never saw, at once: %s", after).isEqualTo("popularity");
    assertThat(after.get("items").findValuesAsText("item")).as("the training row no longer filters").contains("a0");

    JsonNode m = awaitModel(x -> x.get("pending_erasures").asInt() == 0);
    assertThat(m.get("pending_erasures").asInt()).as("%s", m).isZero();
    assertThat(m.get("serving_version").asLong()).isPositive();
    assertThat(m.get("last_attempt").get("reason").asText()).contains("erasure");
    assertThat(m.get("versions").findValuesAsText("version")).doesNotContain("0");
    assertThat(data.resolve(DataDirectory.MODELS_DIR).resolve("itemcf.fnl")).as("the seed held u0").doesNotExist();
    assertNoModelFileHolds("u0");
    assertThat(call("GET", "/v1/recommend?user=u0&k=10", null, 200).get("fallback").asText()).isEqualTo("popularity");
    assertThat(call("GET", "/v1/recommend?user=o1&k=10", null, 200).get("fallback").isNull()).as("others are served by the new version").isTrue();

    stop();
    start();
    assertThat(call("GET", "/v1/recommend?user=u0&k=10", null, 200).get("fallback").asText()).isEqualTo("popularity");
    assertThat(itemcfModel().get("pending_erasures").asInt()).isZero();
  }

  /**
   * When the model cannot be retrained yet (the log has no training events), the erasure stays
   * pending in the manifest: u0 is not answered by the model, also after a restart, until a training
   * succeeds; then the seed that held u0 goes.
   */
  @Test
  void aModelErasureThatCannotBeRetrainedYetSurvivesARestart() throws Exception {
    start();
    call("DELETE", "/v1/users/u0", null, 200);
    JsonNode m = awaitModel(x -> !x.get("last_attempt").isNull());
    assertThat(m.get("last_attempt").get("reason").asText()).as("%s", m).contains("training failed");
    assertThat(m.get("pending_erasures").asInt()).isEqualTo(1);
    assertThat(call("GET", "/v1/recommend?user=u0&k=10", null, 200).get("fallback").asText()).isEqualTo("popularity");

    stop();
    start();
    assertThat(call("GET", "/v1/recommend?user=u0&k=10", null, 200).get("fallback").asText())
        .as("the pending erasure is read back from the manifest").isEqualTo("popularity");
    assertThat(call("GET", "/v1/recommend?user=u1&k=10", null, 200).get("fallback").isNull()).as("other seed users are unaffected").isTrue();

    call("POST", "/v1/events", othersClicks(), 200);
    JsonNode trained = call("POST", "/v1/models/itemcf/train", null, 200);
    assertThat(trained.get("promoted").asBoolean()).as("%s", trained).isTrue();
    assertThat(itemcfModel().get("pending_erasures").asInt()).isZero();
    assertThat(data.resolve(DataDirectory.MODELS_DIR).resolve("itemcf.fnl")).doesNotExist();
    assertNoModelFileHolds("u0");
  }
}

package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.client.FunnelClient;
import dev.funnel.client.FunnelEvent;
import dev.funnel.client.FunnelException;
import dev.funnel.client.IngestResult;
import dev.funnel.client.Policy;
import dev.funnel.client.Recommendations;
import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.experiment.Experiment;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.PopularityCounters;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.DataDirectoryLockedException;
import java.io.IOException;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live service end to end: a real data directory under a temp folder, a small ItemCF model trained
 * here and saved into its models folder, the real server on a free port, called through {@link FunnelClient}
 * (raw HTTP only for bodies the client never sends).
 *
 * <p>Training data: two clusters of items, a0..a2 and b0..b2, each clicked together by four users (ua*
 * and ub*), so ItemCF's neighbours of a0 are a1 and a2 and never a b item.
 */
class LiveServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;

  private LiveService live;
  private FunnelServer server;
  private FunnelClient client;

  @BeforeEach
  void trainModel() throws IOException {
    IdMap users = new IdMap();
    IdMap items = new IdMap();
    for (String i : List.of("a0", "a1", "a2", "b0", "b1", "b2")) {
      items.getOrAdd(i);
    }
    List<int[]> rows = new ArrayList<>();
    for (int u = 0; u < 4; u++) {
      users.getOrAdd("ua" + u);
      rows.add(u == 3 ? new int[] {0, 1} : new int[] {0, 1, 2});
    }
    for (int u = 0; u < 4; u++) {
      users.getOrAdd("ub" + u);
      rows.add(u == 3 ? new int[] {3, 4} : new int[] {3, 4, 5});
    }
    int[] ptr = new int[rows.size() + 1];
    List<Integer> cols = new ArrayList<>();
    for (int u = 0; u < rows.size(); u++) {
      for (int i : rows.get(u)) {
        cols.add(i);
      }
      ptr[u + 1] = cols.size();
    }
    int[] colArray = cols.stream().mapToInt(Integer::intValue).toArray();
    Interactions train = new Interactions(rows.size(), items.size(), ptr, colArray, new float[colArray.length], new long[colArray.length]);
    SavedModel saved = SavedModel.of(Experiment.fit("itemcf", Map.of(), train, TrainContext.defaults()).model(), users, items, train);
    Path models = data.resolve(DataDirectory.MODELS_DIR);
    Files.createDirectories(models);
    ModelFile.write(models.resolve("itemcf" + ModelFile.SUFFIX), saved);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
    if (live != null) {
      live.close();
      live = null;
    }
  }

  private void start(long maxBodyBytes) {
    // Popularity lists always current (the default allows 100 ms of staleness, see PopularityCounters).
    LiveService.Config d = LiveService.Config.defaults();
    OnlineRecommender.Config o = d.online();
    OnlineRecommender.Config current = new OnlineRecommender.Config(o.users(), new PopularityCounters.Config(3_600_000L, 0L, 1000, false),
        o.triggerHalfLifeMillis(), o.coldStart(), o.seedFromTraining(), o.maxItems());
    live = LiveService.open(data, null, d.withOnline(current).withIdempotencyWindow(1000));
    server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 100, null, 2), live, FunnelServer.Scoring.WORKERS, maxBodyBytes);
    client = FunnelClient.of(URI.create("http://127.0.0.1:" + server.port()));
  }

  private void start() {
    start(FunnelServer.DEFAULT_MAX_BODY_BYTES);
  }

  private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Raw HTTP, for bodies the client never sends (malformed, hand-written lines). */
  private JsonNode call(String method, String path, String body, int expectedStatus) throws IOException, InterruptedException {
    HttpResponse<String> r = send(method, path, body);
    assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(expectedStatus);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  private JsonNode post(String body, int expectedStatus) throws IOException, InterruptedException {
    return call("POST", "/v1/events", body, expectedStatus);
  }

  private List<String> items(String user) {
    return client.recommend(user, 10).itemIds();
  }

  private static FunnelEvent click(String user, String item) {
    return FunnelEvent.of(user, item, "click");
  }

  private static String clickJson(String user, String item) {
    return "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"type\":\"click\"}";
  }

  @Test
  void anAcknowledgedEventChangesTheNextRecommendation() throws Exception {
    start();
    assertThat(client.recommend("newbie", 10).fallback()).isEqualTo("popularity");

    IngestResult ack = client.sendEvents(List.of(click("newbie", "a0")));
    assertThat(ack.accepted()).isEqualTo(1);
    assertThat(ack.rejected()).isEmpty();

    Recommendations personal = client.recommend("newbie", 10);
    assertThat(personal.isFallback()).as(personal.toString()).isFalse();
    assertThat(personal.itemIds()).as("one click on a0 gives its neighbours, never a0 itself").startsWith("a1", "a2").doesNotContain("a0");

    post("{\"user\":\"newbie\",\"item\":\"a1\",\"type\":\"dislike\",\"ts\":\"2026-01-31T12:00:00Z\"}", 200);
    assertThat(items("newbie")).as("negative feedback hides the item at once").contains("a2").doesNotContain("a0", "a1");

    // A known user: a seen item leaves the list at once.
    assertThat(items("ua3")).startsWith("a2");
    client.sendEvents(List.of(click("ua3", "a2")));
    assertThat(items("ua3")).doesNotContain("a2");
  }

  @Test
  void perLineErrorsNameTheLineFieldAndReason() throws Exception {
    start();
    String body = clickJson("u1", "a0") + "\n"
        + "{\"user\":\"u1\",\"item\":\"a1\",\"type\":\"clack\"}\n"
        + "\n"
        + "{\"item\":\"a1\",\"type\":\"click\"}\n"
        + "{\"user\":\"u1\",\"item\":\n"
        + "{\"user\":\"u1\",\"item\":\"a2\",\"type\":\"rating\"}\n"
        + "{\"user\":\"u1\",\"item\":\"a2\",\"type\":\"click\",\"ts\":\"yesterday\"}\n"
        + "{\"user\":\"u1\",\"item\":\"a2\",\"type\":\"click\",\"colour\":\"red\"}\n"
        + "{\"user\":\"u1\",\"item\":\"b0\",\"type\":\"rating\",\"value\":4.5,\"ts\":1700000000000,\"request_id\":\"r1\",\"context\":{\"page\":\"home\"}}\n";
    JsonNode r = post(body, 200);
    assertThat(r.get("accepted").asInt()).isEqualTo(2);
    JsonNode rejected = r.get("rejected");
    assertThat(rejected).hasSize(6);
    assertThat(rejected.get(0).get("line").asInt()).isEqualTo(2);
    assertThat(rejected.get(0).get("field").asText()).isEqualTo("type");
    assertThat(rejected.get(0).get("reason").asText()).contains("clack").contains("valid types").contains("click").contains("purchase")
        .contains("dislike");
    assertThat(rejected.get(1).get("line").asInt()).isEqualTo(4);
    assertThat(rejected.get(1).get("field").asText()).isEqualTo("user");
    assertThat(rejected.get(2).get("line").asInt()).isEqualTo(5);
    assertThat(rejected.get(2).get("field").isNull()).isTrue();
    assertThat(rejected.get(2).get("reason").asText()).startsWith("malformed JSON");
    assertThat(rejected.get(3).get("line").asInt()).isEqualTo(6);
    assertThat(rejected.get(3).get("field").asText()).isEqualTo("value");
    assertThat(rejected.get(4).get("line").asInt()).isEqualTo(7);
    assertThat(rejected.get(4).get("field").asText()).isEqualTo("ts");
    assertThat(rejected.get(5).get("line").asInt()).isEqualTo(8);
    assertThat(rejected.get(5).get("field").asText()).isEqualTo("colour");
    assertThat(live.log().lastSequence()).isEqualTo(2);

    // A JSON array: the line is the position in the array.
    JsonNode array = post("[" + clickJson("u2", "a0") + ", {\"user\":\"u2\",\"item\":\"a1\",\"type\":\"boom\"}]", 200);
    assertThat(array.get("accepted").asInt()).isEqualTo(1);
    assertThat(array.get("rejected").get(0).get("line").asInt()).isEqualTo(2);

    // Only bad lines: 400, nothing stored; the client's typed error carries the lines.
    assertThatThrownBy(() -> client.sendEvents(List.of(FunnelEvent.of("u3", "a1", "boom"))))
        .isInstanceOfSatisfying(FunnelException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.rejected()).hasSize(1);
          assertThat(e.rejected().get(0).field()).isEqualTo("type");
          assertThat(e.rejected().get(0).reason()).contains("valid types");
        });
    // A broken array: 400 naming it.
    assertThat(post("[" + clickJson("u2", "a0") + ",", 400).get("error").asText()).contains("malformed JSON");
    assertThat(call("POST", "/v1/events?policy=sometimes", clickJson("u2", "a0"), 400).get("parameter").asText()).isEqualTo("policy");
    assertThat(live.log().lastSequence()).isEqualTo(3);
  }

  @Test
  void allOrNothingStoresNothingWhenOneLineIsBad() throws Exception {
    start();
    List<FunnelEvent> batch = List.of(click("aon", "a0"), FunnelEvent.of("aon", "a1", "clack"));
    FunnelException refused = catchThrowableOfType(FunnelException.class, () -> client.sendEvents(batch, Policy.ALL_OR_NOTHING));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.rejected().get(0).line()).isEqualTo(2);
    assertThat(refused.getMessage()).contains("all-or-nothing");
    assertThat(live.log().lastSequence()).isZero();
    assertThat(client.recommend("aon", 10).fallback()).as("the good line was not applied either").isEqualTo("popularity");

    assertThat(client.sendEvents(List.of(click("aon", "a0")), Policy.ALL_OR_NOTHING).accepted()).isEqualTo(1);
  }

  @Test
  void aRepeatedIdIsAcceptedOnce() throws Exception {
    start();
    FunnelEvent event = click("rep", "a0").withId("e-1");
    IngestResult first = client.sendEvents(List.of(event));
    assertThat(first.accepted()).isEqualTo(1);
    IngestResult retry = client.sendEvents(List.of(event, event.withId("e-2")));
    assertThat(retry.accepted()).isEqualTo(1);
    assertThat(retry.duplicates()).isEqualTo(1);
    IngestResult inBatch = client.sendEvents(List.of(event.withId("e-3"), event.withId("e-3")));
    assertThat(inBatch.accepted()).isEqualTo(1);
    assertThat(inBatch.duplicates()).isEqualTo(1);
    assertThat(live.log().lastSequence()).isEqualTo(3);

    // The window survives a restart: the ids are read back from the log.
    stop();
    start();
    assertThat(client.sendEvents(List.of(event)).duplicates()).isEqualTo(1);
    assertThat(live.log().lastSequence()).isEqualTo(3);
  }

  @Test
  void aTooLargeBodyIs413Json() throws Exception {
    start(2048);
    List<FunnelEvent> big = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      big.add(click("big", "a0"));
    }
    FunnelException e = catchThrowableOfType(FunnelException.class, () -> client.sendEvents(big));
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.getMessage()).contains("too large").contains("2048");
    assertThat(live.log().lastSequence()).isZero();
    assertThat(client.sendEvents(List.of(click("big", "a0"))).accepted()).isEqualTo(1);
  }

  @Test
  void catalogItemsAndUsers() throws Exception {
    start();
    Map<String, Object> put = client.putItem("a1", Map.of("categories", List.of("x"), "tags", List.of("t"), "attributes", Map.of("price", 9.5)));
    assertThat(put.get("available")).isEqualTo(true);
    Map<String, Object> got = client.getItem("a1").orElseThrow();
    assertThat(got.get("categories")).isEqualTo(List.of("x"));
    assertThat(got.get("attributes")).isEqualTo(Map.of("price", 9.5));
    FunnelException colour = catchThrowableOfType(FunnelException.class, () -> client.putItem("a1", Map.of("colour", "red")));
    assertThat(colour.status()).isEqualTo(400);
    assertThat(colour.getMessage()).contains("colour");
    assertThat(call("PUT", "/v1/items/a1", "not json", 400).get("error").asText()).contains("JSON object");

    client.sendEvents(List.of(click("cat", "a0")));
    assertThat(items("cat")).contains("a1");
    assertThat(client.similar("a0", 5).itemIds()).startsWith("a1");
    Map<String, Object> patched = client.patchItem("a1", Map.of("available", false)).orElseThrow();
    assertThat(patched.get("available")).isEqualTo(false);
    assertThat(patched.get("categories")).as("a patch keeps the other fields").isEqualTo(List.of("x"));
    assertThat(items("cat")).as("an unavailable item disappears at once").doesNotContain("a1").contains("a2");
    assertThat(items("newcomer")).as("from popularity lists too").doesNotContain("a1");
    assertThat(client.similar("a0", 5).itemIds()).as("and from similar items").contains("a2").doesNotContain("a1");
    client.patchItem("a1", Map.of("available", true));
    assertThat(items("cat")).contains("a1");

    client.putItem("a2", Map.of("expires_at", 1000));
    assertThat(items("cat")).as("an expired item disappears").doesNotContain("a2");

    // A new item is known at once (popularity path).
    client.putItem("c9", Map.of());
    client.sendEvents(List.of(click("fan1", "c9"), click("fan2", "c9"), click("fan3", "c9")));
    assertThat(items("newcomer")).contains("c9");

    assertThat(client.patchItem("nope", Map.of("available", false))).isEmpty();
    assertThat(client.getItem("nope")).isEmpty();
    assertThat(client.deleteItem("c9")).isTrue();
    assertThat(client.getItem("c9")).isEmpty();

    client.putUser("cat", Map.of("attributes", Map.of("age", 30, "country", "NZ")));
    assertThat(client.getUser("cat").orElseThrow().get("attributes")).isEqualTo(Map.of("age", 30, "country", "NZ"));
    assertThat(items("cat")).doesNotContain("a0");
    assertThat(client.deleteUser("cat")).isTrue();
    assertThat(client.getUser("cat")).isEmpty();
    assertThat(client.recommend("cat", 10).fallback()).as("the user's online state is forgotten").isEqualTo("popularity");
    assertThat(client.deleteUser("cat")).isFalse();
  }

  @Test
  void aRestartReplaysTheLog() throws Exception {
    start();
    client.sendEvents(List.of(click("again", "a0"), FunnelEvent.of("again", "a1", "hide")));
    assertThat(client.patchItem("b0", Map.of())).isEmpty();
    client.putItem("a2", Map.of("available", false));
    stop();

    start();
    // The graceful stop wrote an online snapshot: the restart loads it and has nothing left to replay
    // (OnlineSnapshotTest compares snapshot + tail with a full replay after a crash).
    assertThat(live.snapshots().loadedFrom()).isNotNull();
    assertThat(live.openReport().replayed()).isZero();
    Recommendations r = client.recommend("again", 10);
    assertThat(r.isFallback()).isFalse();
    assertThat(r.itemIds()).doesNotContain("a0", "a1", "a2");
    client.patchItem("a2", Map.of("available", true));
    assertThat(items("again")).startsWith("a2");
  }

  @Test
  void clientErrorsCarryTheParameterAndValue() {
    start();
    FunnelException k = catchThrowableOfType(FunnelException.class, () -> client.recommend("u1", 1_000_000_000));
    assertThat(k.status()).isEqualTo(400);
    assertThat(k.parameter()).isEqualTo("k");
    assertThat(k.value()).isEqualTo("1000000000");
    assertThat(k.isClientError()).isTrue();
    FunnelException model = catchThrowableOfType(FunnelException.class, () -> client.recommend("u1", 5, List.of(), "nope"));
    assertThat(model.parameter()).isEqualTo("model");
    assertThat(model.getMessage()).contains("itemcf");
    assertThat(client.health()).containsExactly("itemcf");
    assertThat(client.ready()).isTrue();
    assertThat(client.recommend("ua0", 5, List.of("a2"), "itemcf").itemIds()).doesNotContain("a2");
  }

  @Test
  void aSecondServerOnTheSameDirectoryIsRefused() {
    start();
    assertThatThrownBy(() -> LiveService.open(data, null, LiveService.Config.defaults()))
        .isInstanceOf(DataDirectoryLockedException.class)
        .hasMessageContaining("in use by another Funnel server");
  }

  @Test
  void noModelIsAClearError(@TempDir Path empty) {
    assertThatThrownBy(() -> LiveService.open(data, empty, LiveService.Config.defaults())).hasMessageContaining("no model files");
    // Nothing stays locked after the failed open.
    LiveService.open(data, null, LiveService.Config.defaults()).close();
  }
}

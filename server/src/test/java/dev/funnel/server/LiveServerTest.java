package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * here and saved into its models folder, the real server on a free port, HTTP from a real client.
 *
 * <p>Training data: two clusters of items, a0..a2 and b0..b2, each clicked together by four users (ua*
 * and ub*), so ItemCF's neighbours of a0 are a1 and a2 and never a b item.
 */
class LiveServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path data;

  private LiveService live;
  private FunnelServer server;

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
  }

  private void start() {
    start(FunnelServer.DEFAULT_MAX_BODY_BYTES);
  }

  private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode call(String method, String path, String body, int expectedStatus) throws IOException, InterruptedException {
    HttpResponse<String> r = send(method, path, body);
    assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(expectedStatus);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  private JsonNode post(String body, int expectedStatus) throws IOException, InterruptedException {
    return call("POST", "/v1/events", body, expectedStatus);
  }

  private JsonNode recommend(String user) throws IOException, InterruptedException {
    return call("GET", "/v1/recommend?user=" + user + "&k=10", null, 200);
  }

  private static List<String> items(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.get("items").forEach(n -> out.add(n.get("item").asText()));
    return out;
  }

  private static String click(String user, String item) {
    return "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"type\":\"click\"}";
  }

  @Test
  void anAcknowledgedEventChangesTheNextRecommendation() throws Exception {
    start();
    JsonNode cold = recommend("newbie");
    assertThat(cold.get("fallback").asText()).isEqualTo("popularity");

    JsonNode ack = post(click("newbie", "a0"), 200);
    assertThat(ack.get("accepted").asInt()).isEqualTo(1);
    assertThat(ack.get("rejected")).isEmpty();

    JsonNode personal = recommend("newbie");
    assertThat(personal.get("fallback").isNull()).as(personal.toString()).isTrue();
    assertThat(items(personal)).as("one click on a0 gives its neighbours, never a0 itself").startsWith("a1", "a2").doesNotContain("a0");

    post("{\"user\":\"newbie\",\"item\":\"a1\",\"type\":\"dislike\",\"ts\":\"2026-01-31T12:00:00Z\"}", 200);
    assertThat(items(recommend("newbie"))).as("negative feedback hides the item at once").contains("a2").doesNotContain("a0", "a1");

    // A known user: a seen item leaves the list at once.
    assertThat(items(recommend("ua3"))).startsWith("a2");
    post(click("ua3", "a2"), 200);
    assertThat(items(recommend("ua3"))).doesNotContain("a2");
  }

  @Test
  void perLineErrorsNameTheLineFieldAndReason() throws Exception {
    start();
    String body = click("u1", "a0") + "\n"
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
    JsonNode array = post("[" + click("u2", "a0") + ", {\"user\":\"u2\",\"item\":\"a1\",\"type\":\"boom\"}]", 200);
    assertThat(array.get("accepted").asInt()).isEqualTo(1);
    assertThat(array.get("rejected").get(0).get("line").asInt()).isEqualTo(2);

    // Only bad lines: 400, nothing stored.
    JsonNode bad = post("{\"user\":\"u3\",\"item\":\"a1\",\"type\":\"boom\"}", 400);
    assertThat(bad.get("accepted").asInt()).isZero();
    assertThat(bad.get("rejected").get(0).get("reason").asText()).contains("valid types");
    // A broken array: 400 naming it.
    assertThat(post("[" + click("u2", "a0") + ",", 400).get("error").asText()).contains("malformed JSON");
    assertThat(call("POST", "/v1/events?policy=sometimes", click("u2", "a0"), 400).get("parameter").asText()).isEqualTo("policy");
    assertThat(live.log().lastSequence()).isEqualTo(3);
  }

  @Test
  void allOrNothingStoresNothingWhenOneLineIsBad() throws Exception {
    start();
    String body = click("aon", "a0") + "\n{\"user\":\"aon\",\"item\":\"a1\",\"type\":\"clack\"}\n";
    JsonNode r = call("POST", "/v1/events?policy=all-or-nothing", body, 400);
    assertThat(r.get("accepted").asInt()).isZero();
    assertThat(r.get("rejected").get(0).get("line").asInt()).isEqualTo(2);
    assertThat(r.get("error").asText()).contains("all-or-nothing");
    assertThat(live.log().lastSequence()).isZero();
    assertThat(recommend("aon").get("fallback").asText()).as("the good line was not applied either").isEqualTo("popularity");

    JsonNode ok = call("POST", "/v1/events?policy=all-or-nothing", click("aon", "a0"), 200);
    assertThat(ok.get("accepted").asInt()).isEqualTo(1);
  }

  @Test
  void aRepeatedIdIsAcceptedOnce() throws Exception {
    start();
    String event = "{\"id\":\"e-1\",\"user\":\"rep\",\"item\":\"a0\",\"type\":\"click\"}";
    JsonNode first = post(event, 200);
    assertThat(first.get("accepted").asInt()).isEqualTo(1);
    JsonNode retry = post(event + "\n" + event.replace("e-1", "e-2"), 200);
    assertThat(retry.get("accepted").asInt()).isEqualTo(1);
    assertThat(retry.get("duplicates").asInt()).isEqualTo(1);
    JsonNode inBatch = post(event.replace("e-1", "e-3") + "\n" + event.replace("e-1", "e-3"), 200);
    assertThat(inBatch.get("accepted").asInt()).isEqualTo(1);
    assertThat(inBatch.get("duplicates").asInt()).isEqualTo(1);
    assertThat(live.log().lastSequence()).isEqualTo(3);

    // The window survives a restart: the ids are read back from the log.
    stop();
    start();
    assertThat(post(event, 200).get("duplicates").asInt()).isEqualTo(1);
    assertThat(live.log().lastSequence()).isEqualTo(3);
  }

  @Test
  void aTooLargeBodyIs413Json() throws Exception {
    start(2048);
    StringBuilder body = new StringBuilder();
    while (body.length() <= 4096) {
      body.append(click("big", "a0")).append('\n');
    }
    JsonNode r = post(body.toString(), 413);
    assertThat(r.get("error").asText()).contains("too large").contains("2048");
    assertThat(live.log().lastSequence()).isZero();
    assertThat(post(click("big", "a0"), 200).get("accepted").asInt()).isEqualTo(1);
  }

  @Test
  void catalogItemsAndUsers() throws Exception {
    start();
    JsonNode put = call("PUT", "/v1/items/a1", "{\"categories\":[\"x\"],\"tags\":[\"t\"],\"attributes\":{\"price\":9.5}}", 200);
    assertThat(put.get("available").asBoolean()).isTrue();
    JsonNode got = call("GET", "/v1/items/a1", null, 200);
    assertThat(got.get("categories").get(0).asText()).isEqualTo("x");
    assertThat(got.get("attributes").get("price").asDouble()).isEqualTo(9.5);
    assertThat(call("PUT", "/v1/items/a1", "{\"colour\":\"red\"}", 400).get("error").asText()).contains("colour");
    assertThat(call("PUT", "/v1/items/a1", "not json", 400).get("error").asText()).contains("JSON object");

    post(click("cat", "a0"), 200);
    assertThat(items(recommend("cat"))).contains("a1");
    assertThat(items(call("GET", "/v1/similar?item=a0&k=5", null, 200))).startsWith("a1");
    JsonNode patched = call("PATCH", "/v1/items/a1", "{\"available\":false}", 200);
    assertThat(patched.get("available").asBoolean()).isFalse();
    assertThat(patched.get("categories").get(0).asText()).as("a patch keeps the other fields").isEqualTo("x");
    assertThat(items(recommend("cat"))).as("an unavailable item disappears at once").doesNotContain("a1").contains("a2");
    assertThat(items(recommend("newcomer"))).as("from popularity lists too").doesNotContain("a1");
    assertThat(items(call("GET", "/v1/similar?item=a0&k=5", null, 200))).as("and from similar items").contains("a2").doesNotContain("a1");
    call("PATCH", "/v1/items/a1", "{\"available\":true}", 200);
    assertThat(items(recommend("cat"))).contains("a1");

    call("PUT", "/v1/items/a2", "{\"expires_at\":1000}", 200);
    assertThat(items(recommend("cat"))).as("an expired item disappears").doesNotContain("a2");

    // A new item is known at once (popularity path).
    call("PUT", "/v1/items/c9", "{}", 200);
    post(click("fan1", "c9") + "\n" + click("fan2", "c9") + "\n" + click("fan3", "c9"), 200);
    assertThat(items(recommend("newcomer"))).contains("c9");

    call("PATCH", "/v1/items/nope", "{\"available\":false}", 404);
    call("GET", "/v1/items/nope", null, 404);
    call("DELETE", "/v1/items/c9", null, 200);
    call("GET", "/v1/items/c9", null, 404);

    call("PUT", "/v1/users/cat", "{\"attributes\":{\"age\":30,\"country\":\"NZ\"}}", 200);
    assertThat(call("GET", "/v1/users/cat", null, 200).get("attributes").get("country").asText()).isEqualTo("NZ");
    assertThat(items(recommend("cat"))).doesNotContain("a0");
    call("DELETE", "/v1/users/cat", null, 200);
    call("GET", "/v1/users/cat", null, 404);
    assertThat(recommend("cat").get("fallback").asText()).as("the user's online state is forgotten").isEqualTo("popularity");
    call("DELETE", "/v1/users/cat", null, 404);
  }

  @Test
  void aRestartReplaysTheLog() throws Exception {
    start();
    post(click("again", "a0"), 200);
    post("{\"user\":\"again\",\"item\":\"a1\",\"type\":\"hide\"}", 200);
    call("PATCH", "/v1/items/b0", "{}", 404);
    call("PUT", "/v1/items/a2", "{\"available\":false}", 200);
    stop();

    start();
    assertThat(live.openReport().replayed()).isEqualTo(2);
    JsonNode r = recommend("again");
    assertThat(r.get("fallback").isNull()).isTrue();
    assertThat(items(r)).doesNotContain("a0", "a1", "a2");
    call("PATCH", "/v1/items/a2", "{\"available\":true}", 200);
    assertThat(items(recommend("again"))).startsWith("a2");
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

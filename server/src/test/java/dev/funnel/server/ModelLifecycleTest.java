package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.experiment.Experiment;
import dev.funnel.lifecycle.Retraining;
import dev.funnel.lifecycle.TrainingSnapshot;
import dev.funnel.online.EventTypes;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.PopularityCounters;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.Event;
import dev.funnel.util.Niceness;
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
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model lifecycle end to end on a real data directory, the real server and HTTP: training on
 * demand and on a schedule promotes a version, a worse one is kept out, rollback survives a restart,
 * and swaps under load fail no request.
 *
 * <p>Data: users of cluster a click only a items, users of cluster b (twice as many) only b items. The
 * seed model {@code main} is popularity trained elsewhere (users "s..."), so it ranks b items first
 * for everyone; ItemCF trained on the log ranks a user's own cluster first and wins on the holdout.
 */
class ModelLifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 11;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;

  private LiveService live;
  private FunnelServer server;

  @AfterEach
  void stop() {
    LiveFixture.close(server, live);
    server = null;
    live = null;
  }

  /** Users {prefix}a0.. click a items, {prefix}b.. click b items; 4 distinct of 6 items each, timestamps rising. */
  static List<Event> clusters(long seed, String prefix, int usersA, int usersB, long start) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Event> out = new ArrayList<>();
    long t = start;
    for (int n = 0; n < usersA + usersB; n++) {
      String c = n < usersA ? "a" : "b";
      int[] order = {0, 1, 2, 3, 4, 5};
      for (int i = 5; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int x = order[i];
        order[i] = order[j];
        order[j] = x;
      }
      for (int k = 0; k < 4; k++) {
        out.add(Event.of(prefix + c + n, c + order[k], "click", t++));
      }
    }
    return out;
  }

  /** Writes models/main.fnl: {@code algorithm} trained on seed users (not in the log). */
  private void writeSeed(String algorithm) throws IOException {
    TrainingSnapshot.Builder b = new TrainingSnapshot.Builder(EventTypes.defaults());
    long seq = 0;
    for (Event e : clusters(SEED + 100, "s", 5, 10, 1)) {
      b.accept(++seq, e);
    }
    TrainingSnapshot s = b.build(0);
    SavedModel saved = SavedModel.of(Experiment.fit(algorithm, Map.of(), s.all(), TrainContext.defaults()).model(), s.users(), s.items(),
        s.all());
    Files.createDirectories(data.resolve(DataDirectory.MODELS_DIR));
    ModelFile.write(data.resolve(DataDirectory.MODELS_DIR).resolve("main" + ModelFile.SUFFIX), saved);
  }

  private void start(ModelLifecycle.Config lifecycle) {
    LiveService.Config d = LiveService.Config.defaults();
    OnlineRecommender.Config o = d.online();
    OnlineRecommender.Config current = new OnlineRecommender.Config(o.users(), new PopularityCounters.Config(3_600_000L, 0L, 1000, false),
        o.triggerHalfLifeMillis(), o.coldStart(), o.seedFromTraining(), o.maxItems());
    live = LiveService.open(data, null, d.withOnline(current));
    ModelLifecycle.start(live, lifecycle);
    server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 100, null, 2), live);
  }

  private void restart(ModelLifecycle.Config lifecycle) {
    LiveFixture.close(server, live);
    server = null;
    live = null;
    start(lifecycle);
  }

  private static ModelLifecycle.Config trainAs(String algorithm) {
    return ModelLifecycle.Config.defaults().withTrain(Map.of("main", new ModelLifecycle.TrainSpec(algorithm, Map.of())))
        .withRetraining(Retraining.Config.defaults().withHoldoutFraction(0.25));
  }

  private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode call(String method, String path, int expectedStatus) throws IOException, InterruptedException {
    HttpResponse<String> r = send(method, path, null);
    assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(expectedStatus);
    return JSON.readTree(r.body());
  }

  private void postEvents(List<Event> events) throws IOException, InterruptedException {
    StringBuilder sb = new StringBuilder();
    for (Event e : events) {
      sb.append("{\"user\":\"").append(e.user()).append("\",\"item\":\"").append(e.item()).append("\",\"type\":\"").append(e.type())
          .append("\",\"ts\":").append(e.timestamp()).append("}\n");
    }
    HttpResponse<String> r = send("POST", "/v1/events", sb.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(events.size());
  }

  private JsonNode model() throws IOException, InterruptedException {
    JsonNode models = call("GET", "/v1/models", 200).get("models");
    assertThat(models).hasSize(1);
    assertThat(models.get(0).get("name").asText()).isEqualTo("main");
    return models.get(0);
  }

  private List<String> recommend(String user) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    call("GET", "/v1/recommend?user=" + user + "&k=2", 200).get("items").forEach(n -> out.add(n.get("item").asText()));
    return out;
  }

  private Path versionFile(long v) {
    return data.resolve(DataDirectory.MODELS_DIR).resolve("main").resolve(String.format("v%06d.fnl", v));
  }

  @Test
  void triggeredTrainingPromotesAVersionAndSwapsItIn() throws Exception {
    System.out.println("seed " + SEED);
    writeSeed("pop");
    start(trainAs("itemcf"));
    postEvents(clusters(SEED, "u", 20, 40, 1_000_000));
    // Popularity (the seed) gives cluster-a users b items.
    assertThat(recommend("ua0")).allMatch(i -> i.startsWith("b"));
    assertThat(model().get("serving_version").asLong()).isZero();

    JsonNode r = call("POST", "/v1/models/main/train", 200);
    assertThat(r.get("promoted").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get("version").asLong()).isEqualTo(1);
    assertThat(r.get("log_position").asLong()).isEqualTo(240);
    assertThat(r.get("reason").asText()).startsWith("promoted: ndcg@20 candidate");

    // Swapped in: ItemCF ranks the user's own cluster.
    assertThat(recommend("ua0")).hasSize(2).allMatch(i -> i.startsWith("a"));
    JsonNode m = model();
    assertThat(m.get("serving_version").asLong()).isEqualTo(1);
    assertThat(m.get("algorithm").asText()).isEqualTo("itemcf");
    assertThat(m.get("trained_on_log_position").asLong()).isEqualTo(240);
    JsonNode versions = m.get("versions");
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).get("version").asLong()).isZero();
    assertThat(versions.get(0).get("serving").asBoolean()).isFalse();
    JsonNode v1 = versions.get(1);
    assertThat(v1.get("serving").asBoolean()).isTrue();
    assertThat(v1.get("events").asLong()).isEqualTo(240);
    assertThat(v1.get("users").asInt()).isEqualTo(60);
    assertThat(v1.get("metrics").get("ndcg@20").asDouble()).isGreaterThan(0.3);
    assertThat(m.get("last_attempt").get("promoted").asBoolean()).isTrue();
    assertThat(versionFile(1)).isRegularFile();
    assertThat(data.resolve("models/main/manifest.json")).isRegularFile();

    String metrics = send("GET", "/metrics", null).body();
    assertThat(metrics).contains("funnel_model_version{model=\"main\"} 1").contains("funnel_model_age_seconds{model=\"main\"}")
        .contains("funnel_model_swaps_total{model=\"main\"} 1");

    // A second training compares on what version 1 has not seen: the new users' holdout events.
    postEvents(clusters(SEED + 1, "v", 10, 20, 2_000_000));
    JsonNode again = call("POST", "/v1/models/main/train", 200);
    assertThat(again.get("reason").asText()).contains("after log position 240");
    assertThat(again.get("log_position").asLong()).isEqualTo(360);
    assertThat(again.get("version").asLong()).isEqualTo(again.get("promoted").asBoolean() ? 2 : 1);

    // Unknown model, bad version, nothing older than the seed.
    assertThat(call("POST", "/v1/models/nope/train", 404).get("error").asText()).contains("unknown model 'nope'");
    assertThat(call("POST", "/v1/models/main/rollback?version=x", 400).get("parameter").asText()).isEqualTo("version");
    assertThat(call("POST", "/v1/models/main/rollback?version=99", 400).get("error").asText()).contains("no version 99");
    call("POST", "/v1/models/main/rollback?version=0", 200);
    assertThat(call("POST", "/v1/models/main/rollback", 409).get("error").asText()).contains("no version older");
  }

  @Test
  void aWorseModelIsNotPromotedAndTheReasonIsListed() throws Exception {
    writeSeed("itemcf");
    start(trainAs("pop"));
    postEvents(clusters(SEED, "u", 20, 40, 1_000_000));
    JsonNode r = call("POST", "/v1/models/main/train", 200);
    assertThat(r.get("promoted").asBoolean()).as(r.toString()).isFalse();
    assertThat(r.get("version").asLong()).isZero();
    JsonNode m = model();
    assertThat(m.get("serving_version").asLong()).isZero();
    assertThat(m.get("algorithm").asText()).isEqualTo("itemcf");
    assertThat(m.get("versions")).hasSize(1);
    JsonNode last = m.get("last_attempt");
    assertThat(last.get("promoted").asBoolean()).isFalse();
    assertThat(last.get("reason").asText()).startsWith("kept the serving version: ndcg@20 candidate").contains("below");
    assertThat(versionFile(1)).doesNotExist();
    // The decision survives a restart (it is in the manifest).
    restart(trainAs("pop"));
    assertThat(model().get("last_attempt").get("reason").asText()).startsWith("kept the serving version");
  }

  @Test
  void scheduledTrainingPromotesAfterEnoughEvents() throws Exception {
    writeSeed("pop");
    start(trainAs("itemcf").withSchedule(0, 200).withCheckMillis(20));
    postEvents(clusters(SEED, "u", 20, 40, 1_000_000).subList(0, 100));
    Thread.sleep(200);
    assertThat(model().get("serving_version").asLong()).as("below the event threshold").isZero();
    postEvents(clusters(SEED, "u", 20, 40, 1_000_000).subList(100, 240));
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (model().get("serving_version").asLong() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    JsonNode m = model();
    assertThat(m.get("serving_version").asLong()).as(m.toString()).isEqualTo(1);
    assertThat(m.get("schedule").get("every_events").asLong()).isEqualTo(200);
    assertThat(m.get("last_attempt").get("log_position").asLong()).isGreaterThanOrEqualTo(200);
  }

  @Test
  void rollbackSurvivesARestart() throws Exception {
    writeSeed("pop");
    start(trainAs("itemcf"));
    postEvents(clusters(SEED, "u", 20, 40, 1_000_000));
    call("POST", "/v1/models/main/train", 200);
    assertThat(model().get("serving_version").asLong()).isEqualTo(1);

    JsonNode r = call("POST", "/v1/models/main/rollback", 200);
    assertThat(r.get("version").asLong()).isZero();
    assertThat(r.get("reason").asText()).isEqualTo("rolled back from version 1 to version 0");
    assertThat(recommend("ua0")).allMatch(i -> i.startsWith("b"));

    restart(trainAs("itemcf"));
    assertThat(model().get("serving_version").asLong()).isZero();
    assertThat(recommend("ua0")).allMatch(i -> i.startsWith("b"));

    call("POST", "/v1/models/main/rollback?version=1", 200);
    restart(trainAs("itemcf"));
    assertThat(model().get("serving_version").asLong()).isEqualTo(1);
    assertThat(recommend("ua0")).hasSize(2).allMatch(i -> i.startsWith("a"));
  }

  @Test
  void trainingAndRollbackThreadsRunAtBackgroundPriority() throws Exception {
    assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")) && Niceness.BACKGROUND == 19 && hasRenice(),
        "Linux with renice, default niceness");
    writeSeed("pop");
    start(trainAs("itemcf"));
    postEvents(clusters(SEED, "u", 20, 40, 1_000_000));
    call("POST", "/v1/models/main/train", 200);
    call("POST", "/v1/models/main/rollback", 200);
    // Linux keeps the first 15 characters of a Java thread's name as the kernel's thread name.
    Map<String, Integer> nice = new java.util.HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        String comm = Files.readString(task.resolve("comm")).trim();
        if (comm.startsWith("funnel-model-")) {
          String stat = Files.readString(task.resolve("stat"));
          nice.put(comm, Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
        }
      }
    }
    assertThat(nice).containsEntry("funnel-model-tr", 19).containsEntry("funnel-model-ro", 19);
  }

  private static boolean hasRenice() {
    return Files.isExecutable(Path.of("/usr/bin/renice")) || Files.isExecutable(Path.of("/bin/renice"));
  }

  @Test
  void tenSwapsUnderLoadFailNoRequest() throws Exception {
    writeSeed("pop");
    start(trainAs("itemcf"));
    List<Event> events = clusters(SEED, "u", 20, 40, 1_000_000);
    postEvents(events);
    call("POST", "/v1/models/main/train", 200);
    List<String> users = events.stream().map(Event::user).distinct().toList();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      SplittableRandom rnd = new SplittableRandom(SEED + c);
      Thread t = new Thread(() -> {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        while (running.get()) {
          String user = rnd.nextInt(10) == 0 ? "new-user-" + rnd.nextInt(1000) : users.get(rnd.nextInt(users.size()));
          try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/recommend?user=" + user + "&k=5")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && JSON.readTree(r.body()).get("items").size() == 5) {
              ok.incrementAndGet();
            } else {
              failures.merge(r.statusCode() + " " + r.body(), 1, Integer::sum);
            }
          } catch (Exception e) {
            failures.merge(e.toString(), 1, Integer::sum);
          }
        }
      }, "load-" + c);
      t.start();
      clients.add(t);
    }
    try {
      for (int s = 0; s < 10; s++) {
        Thread.sleep(50);
        JsonNode r = call("POST", "/v1/models/main/rollback?version=" + (s % 2 == 0 ? 0 : 1), 200);
        assertThat(r.get("promoted").asBoolean()).isTrue();
      }
      Thread.sleep(50);
    } finally {
      running.set(false);
      for (Thread t : clients) {
        t.join();
      }
    }
    assertThat(failures).isEmpty();
    assertThat(ok.get()).isGreaterThan(20);
    assertThat(live.lifecycle().swaps("main")).isEqualTo(11); // the training and 10 rollbacks
    assertThat(model().get("serving_version").asLong()).isEqualTo(1);
  }
}

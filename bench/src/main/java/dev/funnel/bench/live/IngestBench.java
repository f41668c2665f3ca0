package dev.funnel.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.bench.serve.ChildLoadGenerator;
import dev.funnel.bench.serve.ChildServer;
import dev.funnel.bench.serve.LoadGenerator;
import dev.funnel.bench.serve.LoadResult;
import dev.funnel.data.Dataset;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.LiveService;
import dev.funnel.server.ServerConfig;
import dev.funnel.store.DataDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The live service over HTTP with its load: a fresh data directory with one saved model, served by
 * {@link LiveService} + {@link FunnelServer} in this JVM or by {@code bin/funnel serve} in its own
 * ({@link Host}), and the clients in this JVM.
 *
 * <ul>
 *   <li>{@link #ingest}: {@code clients} threads each post batches of {@code batch} click events (JSON
 *       lines, real user and item ids of the dataset) back to back; a request is timed from send to
 *       the acknowledgement, which comes after fsync. Row {@code clients, batch, events_per_s, p50_ms,
 *       p99_ms}.
 *   <li>{@link #freshness}: a brand-new user clicks a random item; the time from the acknowledgement to
 *       the first {@code /v1/recommend} answer that is personal (no popularity fallback) for that
 *       user. The service applies events before acknowledging, so this is one read's latency.
 * </ul>
 */
public final class IngestBench {
  private IngestBench() {}

  /**
   * Where the server runs: {@code jvm} (in this JVM, beside the clients) or {@code process} ({@code bin/funnel serve --data DIR}
   * in its own JVM on the same machine, as deployed: {@link ChildServer}, with {@code heap} and {@code jvmOptions}; {@code root} is the
   * project folder).
   */
  public record Host(String server, Path root, String heap, List<String> jvmOptions) {
    public Host {
      if (!server.equals("jvm") && !server.equals("process")) {
        throw new IllegalArgumentException("field 'server': must be jvm or process; server=" + server);
      }
    }

    /** The server in this JVM. */
    public static Host inJvm() {
      return new Host("jvm", Path.of("."), "", List.of());
    }
  }

  /**
   * A data directory holding {@code saved} as models/NAME.fnl, opened as a live service and served on a free port: in this JVM
   * ({@code live} and {@code server} set) or by a child process ({@code child} set).
   */
  private record Live(Path dir, LiveService live, FunnelServer server, ChildServer child) implements AutoCloseable {
    static Live start(Dataset d, String name, SavedModel saved, Host host) throws IOException, InterruptedException {
      Path dir = Files.createTempDirectory("funnel-live-bench");
      Files.createDirectories(dir.resolve(DataDirectory.MODELS_DIR));
      ModelFile.write(dir.resolve(DataDirectory.MODELS_DIR).resolve(name + ModelFile.SUFFIX), saved);
      if (host.server().equals("process")) {
        System.gc(); // this JVM's garbage (training, earlier rows) is not collected during a measured window
        return new Live(dir, null, null, ChildServer.start(host.root(), dir, host.heap(), host.jvmOptions()));
      }
      LiveService live = LiveService.open(dir, null, LiveService.Config.defaults());
      ServerConfig defaults = ServerConfig.defaults();
      FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, defaults.maxK(), null, defaults.eventLoops()), live);
      return new Live(dir, live, server, null);
    }

    URI uri(String path) {
      return child != null ? child.base().resolve(path) : URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** The event log's group commits so far (the child's from its {@code /metrics}). */
    long groupCommits() throws IOException, InterruptedException {
      if (child == null) {
        return live.log().stats().groupCommits();
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      for (String line : metrics.split("\n")) {
        if (line.startsWith("funnel_log_group_commits_total ")) {
          return Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
      throw new IllegalStateException("the server's /metrics has no funnel_log_group_commits_total");
    }

    @Override
    public void close() throws IOException, InterruptedException {
      if (child != null) {
        child.close();
      } else {
        server.close();
        live.close();
      }
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  public static Map<String, Object> ingest(Dataset d, String name, SavedModel saved, int clients, int batch, Duration warmup,
      Duration duration, Host host) throws Exception {
    try (Live live = Live.start(d, name, saved, host)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Recorder recorder = new Recorder(3);
      AtomicLong events = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      long warmEnd = System.nanoTime() + warmup.toNanos();
      long end = warmEnd + duration.toNanos();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        long seed = 42L + c;
        Thread t = new Thread(() -> {
          SplittableRandom rnd = new SplittableRandom(seed);
          StringBuilder sb = new StringBuilder(batch * 64);
          while (true) {
            long now = System.nanoTime();
            if (now >= end) {
              return;
            }
            sb.setLength(0);
            for (int e = 0; e < batch; e++) {
              sb.append("{\"user\":\"").append(d.users().external(rnd.nextInt(d.users().size()))).append("\",\"item\":\"")
                  .append(d.items().external(rnd.nextInt(d.items().size()))).append("\",\"type\":\"click\"}\n");
            }
            HttpRequest req = HttpRequest.newBuilder(live.uri("/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofString(sb.toString(), StandardCharsets.UTF_8)).build();
            long start = System.nanoTime();
            try {
              HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
              long took = System.nanoTime() - start;
              if (start >= warmEnd) {
                if (r.statusCode() == 200) {
                  recorder.recordValue(took);
                  events.addAndGet(batch);
                } else {
                  errors.incrementAndGet();
                }
              }
            } catch (IOException ex) {
              errors.incrementAndGet();
            } catch (InterruptedException ex) {
              return;
            }
          }
        }, "ingest-client-" + c);
        threads.add(t);
        t.start();
      }
      long measureStart = warmEnd;
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - measureStart) / 1e9;
      Histogram h = recorder.getIntervalHistogram();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("clients", clients);
      row.put("batch", batch);
      row.put("events_per_s", Math.round(events.get() / seconds));
      row.put("requests", h.getTotalCount());
      row.put("errors", errors.get());
      row.put("p50_ms", ms(h.getValueAtPercentile(50)));
      row.put("p99_ms", ms(h.getValueAtPercentile(99)));
      row.put("max_ms", ms(h.getMaxValue()));
      row.put("group_commits", live.groupCommits());
      System.out.println(row);
      return row;
    }
  }

  /**
   * Single-event requests sent open-loop at {@code rate} per second ({@link LoadGenerator#runPost}:
   * each request timed from its scheduled send time, so a stall is not hidden by coordinated
   * omission) over a keep-alive pool of {@code connections}; each is acknowledged after fsync. Row
   * {@code clients} (= connections), {@code batch} = 1, {@code rate}, {@code events_per_s}
   * (acknowledged), {@code p50_ms}, {@code p99_ms}, ..., {@code load_generator}.
   *
   * @param loadGenerator {@code jvm} (in this JVM) or {@code process} ({@link ChildLoadGenerator}: its own small JVM)
   */
  public static Map<String, Object> ingestOpenLoop(Dataset d, String name, SavedModel saved, int connections, double rate, Duration warmup,
      Duration duration, Host host, String loadGenerator) throws Exception {
    if (!loadGenerator.equals("jvm") && !loadGenerator.equals("process")) {
      throw new IllegalArgumentException("field 'load_generator': must be jvm or process; load_generator=" + loadGenerator);
    }
    try (Live live = Live.start(d, name, saved, host)) {
      SplittableRandom rnd = new SplittableRandom(42);
      List<String> bodies = new ArrayList<>();
      for (int n = 0; n < 20_000; n++) {
        bodies.add("{\"user\":\"" + d.users().external(rnd.nextInt(d.users().size())) + "\",\"item\":\""
            + d.items().external(rnd.nextInt(d.items().size())) + "\",\"type\":\"click\"}");
      }
      LoadResult r = loadGenerator.equals("process")
          ? ChildLoadGenerator.runPost(live.uri(""), "/v1/events", bodies, rate, warmup, duration, connections)
          : LoadGenerator.runPost(live.uri(""), "/v1/events", bodies, rate, warmup, duration, connections);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("clients", connections);
      row.put("batch", 1);
      row.put("mode", "open-loop");
      row.put("rate", rate);
      row.put("events_per_s", Math.round(r.qps()));
      row.put("requests", r.requests());
      row.put("errors", r.errors());
      row.put("p50_ms", r.p50Ms());
      row.put("p99_ms", r.p99Ms());
      row.put("p999_ms", r.p999Ms());
      row.put("max_ms", r.maxMs());
      row.put("server", host.server());
      row.put("load_generator", loadGenerator);
      row.put("group_commits", live.groupCommits());
      System.out.println(row);
      return row;
    }
  }

  public static Map<String, Object> freshness(Dataset d, String name, SavedModel saved, int rounds, Host host) throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (Live live = Live.start(d, name, saved, host)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Histogram h = new Histogram(3);
      SplittableRandom rnd = new SplittableRandom(42);
      int polls = 0;
      for (int r = 0; r < rounds; r++) {
        String user = "fresh-" + r;
        String item = saved.items().external(rnd.nextInt(saved.items().size()));
        String body = "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"type\":\"click\"}";
        HttpResponse<String> ack = http.send(HttpRequest.newBuilder(live.uri("/v1/events")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (ack.statusCode() != 200) {
          throw new IllegalStateException("event refused: " + ack.body());
        }
        long acked = System.nanoTime();
        while (true) {
          polls++;
          HttpResponse<String> rec = http.send(HttpRequest.newBuilder(live.uri("/v1/recommend?user=" + user + "&k=20")).build(),
              HttpResponse.BodyHandlers.ofString());
          JsonNode n = json.readTree(rec.body());
          boolean personal = n.get("fallback") == null || n.get("fallback").isNull();
          if (personal || System.nanoTime() - acked > 1_000_000_000L) {
            h.recordValue(System.nanoTime() - acked);
            break;
          }
        }
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rounds", rounds);
      row.put("polls", polls);
      row.put("p50_ms", ms(h.getValueAtPercentile(50)));
      row.put("p99_ms", ms(h.getValueAtPercentile(99)));
      row.put("max_ms", ms(h.getMaxValue()));
      System.out.println(row);
      return row;
    }
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }
}

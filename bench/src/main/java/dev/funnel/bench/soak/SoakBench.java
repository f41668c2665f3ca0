package dev.funnel.bench.soak;

import dev.funnel.bench.serve.LoadGenerator;
import dev.funnel.bench.serve.LoadResult;
import dev.funnel.data.Dataset;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The soak test: {@code funnel serve --data} as a real child process (the CLI, as deployed) under
 * mixed reads and writes for a long time, its resident memory sampled from {@code /proc/PID/status}
 * ({@code VmRSS}) every {@code sampleEvery}. The question is whether memory levels off: every
 * in-memory structure of the live server is bounded (idempotency window, online users LRU, online
 * items, rate-limiter table, metrics label sets), so after a warm-up that fills the bounded caches
 * RSS must stay flat (target: growth under 5%).
 *
 * <p>Load, both open loop (request n at {@code start + n / rate}):
 * <ul>
 *   <li>reads: {@link LoadGenerator} GETs at {@code recommendRate}: 94% {@code /v1/recommend} for known
 *       users, 5% for never-seen users (popularity fallback; must not create state), 1% unknown
 *       routes (404: one {@code unmatched} metrics label, never one per path);
 *   <li>writes: single-event {@code POST /v1/events} at {@code ingestRate}, each event with a unique
 *       idempotency id (so the window fills to its cap), half by known users, half by a stream of new
 *       users (two events each, so the online-users LRU fills to its cap and evicts).
 * </ul>
 * The server's caps are set small ({@code idempotencyWindow}, {@code maxOnlineUsers}) so they fill
 * during the warm-up. Heap is fixed ({@code -Xms = -Xmx}) so the JVM's own heap sizing does not look
 * like growth. At the end the child gets SIGTERM and must exit 0 (graceful stop).
 *
 * <p>Rows: one per sample {@code time_s, rss_mb, heap_mb, load_1m, events, idempotency_ids,
 * online_users}, then a summary row with {@code growth_pct}: mean RSS of the last three samples over
 * the mean of the first three after the warm-up; and the live heap (used right after a full GC forced
 * with {@code jcmd PID GC.run}) at the warm-up's end and at the end, which tells a leak from garbage
 * that has not been collected yet. With {@code -XX:+AlwaysPreTouch} in {@code server_jvm_options} the
 * whole heap is resident from the start, so RSS growth is off-heap only (RocksDB, direct buffers,
 * metaspace, code cache, threads).
 */
public final class SoakBench {
  private static final Pattern PORT = Pattern.compile("://[^ ]+:(\\d+)");

  /** Settings of a soak run. */
  public record Settings(Duration duration, Duration warmup, Duration sampleEvery, double recommendRate, double ingestRate, String heap,
      int idempotencyWindow, int maxOnlineUsers, int connections, List<String> serverJvmOptions) {
    public Settings {
      serverJvmOptions = List.copyOf(serverJvmOptions);
      if (warmup.compareTo(duration) >= 0) {
        throw new IllegalArgumentException("warmup must be shorter than duration; warmup=" + warmup + ", duration=" + duration);
      }
      if (!(recommendRate > 0) || !(ingestRate > 0)) {
        throw new IllegalArgumentException("rates must be positive; recommendRate=" + recommendRate + ", ingestRate=" + ingestRate);
      }
    }
  }

  private SoakBench() {}

  public static List<Map<String, Object>> run(Dataset d, String name, SavedModel saved, Settings s) throws Exception {
    Path dir = Files.createTempDirectory("funnel-soak");
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve(DataDirectory.MODELS_DIR));
    ModelFile.write(data.resolve(DataDirectory.MODELS_DIR).resolve(name + ModelFile.SUFFIX), saved);
    Path out = dir.resolve("server.out");
    Path err = dir.resolve("server.err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + s.heap(), "-Xmx" + s.heap(), "-XX:+UseG1GC"));
    cmd.addAll(s.serverJvmOptions());
    int shown = cmd.size();
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), "dev.funnel.cli.FunnelCli",
        "serve", "--data", data.toString(), "--port", "0", "--idempotency-window", Integer.toString(s.idempotencyWindow()),
        "--max-online-users", Integer.toString(s.maxOnlineUsers())));
    System.out.println("server: " + String.join(" ", cmd.subList(0, shown)) + " ... " + String.join(" ", cmd.subList(shown + 5, cmd.size())));
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      int port = awaitPort(p, out, err);
      URI base = URI.create("http://127.0.0.1:" + port);
      System.out.printf(Locale.ROOT, "server pid %d on port %d; %.0f reads/s + %.0f events/s for %d s (warm-up %d s)%n", p.pid(), port,
          s.recommendRate(), s.ingestRate(), s.duration().toSeconds(), s.warmup().toSeconds());
      return load(d, s, p, base, dir);
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static List<Map<String, Object>> load(Dataset d, Settings s, Process p, URI base, Path dir) throws Exception {
    SplittableRandom rnd = new SplittableRandom(42);
    List<String> paths = new ArrayList<>(10_000);
    for (int n = 0; n < 10_000; n++) {
      int dice = rnd.nextInt(100);
      if (dice == 0) {
        paths.add("/v1/nope/" + n);
      } else if (dice <= 5) {
        paths.add("/v1/recommend?user=ghost-" + n + "&k=20");
      } else {
        paths.add("/v1/recommend?user=" + d.users().external(rnd.nextInt(d.users().size())) + "&k=20");
      }
    }
    long t0 = System.nanoTime();
    long end = t0 + s.duration().toNanos();
    AtomicReference<LoadResult> reads = new AtomicReference<>();
    Thread readers = new Thread(() -> reads.set(LoadGenerator.run(base, paths, s.recommendRate(), s.warmup(), s.duration().minus(s.warmup()),
        s.connections())), "soak-reads");
    readers.start();
    Ingest ingest = new Ingest(d, base, s.ingestRate(), t0 + s.warmup().toNanos(), end);
    Thread writers = new Thread(ingest, "soak-writes");
    writers.start();

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Map<String, Object>> rows = new ArrayList<>();
    long step = s.sampleEvery().toNanos();
    double liveAfterWarmup = -1;
    double liveEnd = -1;
    for (long next = t0 + step; next <= end + step / 2; next += step) {
      LockSupport.parkNanos(next - System.nanoTime());
      boolean firstAfterWarmup = liveAfterWarmup < 0 && System.nanoTime() - t0 >= s.warmup().toNanos();
      boolean last = next + step > end + step / 2;
      if (firstAfterWarmup || last) {
        // The live set: heap in use right after a full collection (jcmd GC.run), at warm-up end and at the end.
        double live = liveHeapMb(p.pid(), http, base);
        if (firstAfterWarmup) {
          liveAfterWarmup = live;
        } else {
          liveEnd = live;
        }
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("time_s", Math.round((System.nanoTime() - t0) / 1e9));
      row.put("rss_mb", round1(rssKb(p.pid()) / 1024.0));
      String metrics = get(http, base.resolve("/metrics"));
      row.put("heap_mb", round1(sample(metrics, "funnel_jvm_heap_used_bytes") / (1 << 20)));
      row.put("load_1m", loadAverage());
      row.put("events", (long) sample(metrics, "funnel_log_events_total"));
      row.put("idempotency_ids", (long) sample(metrics, "funnel_idempotency_ids"));
      row.put("online_users", (long) firstSample(metrics, "funnel_online_users{"));
      row.put("online_items", (long) firstSample(metrics, "funnel_online_items{"));
      System.out.println(row);
      rows.add(row);
    }
    writers.join();
    readers.join();
    String finalMetrics = get(http, base.resolve("/metrics"));
    // Graceful stop: SIGTERM, bounded drain, exit 0.
    long stopAt = System.nanoTime();
    p.toHandle().destroy();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    long stopMs = (System.nanoTime() - stopAt) / 1_000_000;

    List<Double> after = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      if (((Number) r.get("time_s")).longValue() > s.warmup().toSeconds()) {
        after.add(((Number) r.get("rss_mb")).doubleValue());
      }
    }
    double startRss = mean(after.subList(0, Math.min(3, after.size())));
    double endRss = mean(after.subList(Math.max(0, after.size() - 3), after.size()));
    double maxRss = rows.stream().mapToDouble(r -> ((Number) r.get("rss_mb")).doubleValue()).max().orElse(0);
    LoadResult r = reads.get();
    Histogram ih = ingest.recorder.getIntervalHistogram();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("summary", "soak");
    summary.put("duration_s", s.duration().toSeconds());
    summary.put("warmup_s", s.warmup().toSeconds());
    summary.put("server_heap", s.heap());
    summary.put("rss_after_warmup_mb", round1(startRss));
    summary.put("rss_end_mb", round1(endRss));
    summary.put("rss_max_mb", round1(maxRss));
    summary.put("live_heap_after_warmup_mb", round1(liveAfterWarmup));
    summary.put("live_heap_end_mb", round1(liveEnd));
    summary.put("growth_pct", round1(100 * (endRss - startRss) / startRss));
    summary.put("reads_per_s", round1(r.qps()));
    summary.put("reads", r.requests());
    summary.put("read_errors", r.errors());
    summary.put("read_p50_ms", round3(r.p50Ms()));
    summary.put("read_p99_ms", round3(r.p99Ms()));
    summary.put("ingest_requests", ih.getTotalCount());
    summary.put("ingest_errors", ingest.errors.get());
    summary.put("ingest_p50_ms", round3(ih.getValueAtPercentile(50) / 1e6));
    summary.put("ingest_p99_ms", round3(ih.getValueAtPercentile(99) / 1e6));
    summary.put("events_logged", (long) sample(finalMetrics, "funnel_log_events_total"));
    summary.put("idempotency_ids", (long) sample(finalMetrics, "funnel_idempotency_ids") + " / " + (long) sample(finalMetrics,
        "funnel_idempotency_ids_max"));
    summary.put("online_users", (long) firstSample(finalMetrics, "funnel_online_users{") + " / " + (long) firstSample(finalMetrics,
        "funnel_online_users_max{"));
    summary.put("metrics_series", finalMetrics.lines().filter(l -> !l.startsWith("#")).count());
    summary.put("unmatched_label", finalMetrics.contains("route=\"unmatched\"") && !finalMetrics.contains("/v1/nope/"));
    summary.put("load_1m_mean", round1(rows.stream().mapToDouble(x -> ((Number) x.get("load_1m")).doubleValue()).average().orElse(0)));
    summary.put("sigterm_exit", exited ? p.exitValue() : -1);
    summary.put("sigterm_ms", stopMs);
    System.out.println(summary);
    if (!exited || p.exitValue() != 0) {
      System.out.println("server stderr: " + Files.readString(dir.resolve("server.err")));
    }
    rows.add(summary);
    return rows;
  }

  /** Open-loop single-event POSTs with unique ids; latency from the scheduled time to the answer. */
  private static final class Ingest implements Runnable {
    private final Dataset d;
    private final URI events;
    private final double rate;
    private final long measureFrom;
    private final long end;
    final Recorder recorder = new Recorder(TimeUnit.MINUTES.toNanos(1), 3);
    final AtomicLong errors = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Semaphore inFlight = new Semaphore(256);

    Ingest(Dataset d, URI base, double rate, long measureFrom, long end) {
      this.d = d;
      this.events = base.resolve("/v1/events");
      this.rate = rate;
      this.measureFrom = measureFrom;
      this.end = end;
    }

    @Override
    public void run() {
      SplittableRandom rnd = new SplittableRandom(7);
      long start = System.nanoTime();
      for (long n = 0; ; n++) {
        long at = start + (long) (n * 1e9 / rate);
        if (at >= end) {
          break;
        }
        long wait = at - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        String user = (n & 1) == 0 ? d.users().external(rnd.nextInt(d.users().size())) : "new-" + (n >> 2);
        String body = "{\"id\":\"soak-" + n + "\",\"user\":\"" + user + "\",\"item\":\"" + d.items().external(rnd.nextInt(d.items().size()))
            + "\",\"type\":\"click\"}";
        if (!inFlight.tryAcquire()) {
          errors.incrementAndGet(); // the server is 256 requests behind: count as failed rather than queue without end
          continue;
        }
        HttpRequest req = HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
          inFlight.release();
          if (e != null || r.statusCode() != 200) {
            errors.incrementAndGet();
          } else if (at >= measureFrom) {
            recorder.recordValue(Math.min(System.nanoTime() - at, TimeUnit.MINUTES.toNanos(1)));
          }
        });
      }
      try {
        inFlight.acquire(256); // all answered
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int awaitPort(Process p, Path out, Path err) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited with " + p.exitValue() + ": " + Files.readString(out) + Files.readString(err));
      }
      for (String line : Files.readAllLines(out)) {
        if (line.startsWith("serving")) {
          Matcher m = PORT.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("server did not start within 5 minutes: " + Files.readString(out) + Files.readString(err));
  }

  /** Heap used (MB) just after a full GC requested with the JDK's jcmd; -1 when jcmd fails. */
  private static double liveHeapMb(long pid, HttpClient http, URI base) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process gc = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
      return -1;
    }
    return sample(get(http, base.resolve("/metrics")), "funnel_jvm_heap_used_bytes") / (1 << 20);
  }

  /** Resident set size in kB from /proc (Linux). */
  static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static double firstSample(String text, String prefix) {
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}

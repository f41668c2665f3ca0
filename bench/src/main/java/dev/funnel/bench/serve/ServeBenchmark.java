package dev.funnel.bench.serve;

import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.SavedModel;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.ServerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures serving latency: a synthetic factor model (dense scores over every item + top-k) served
 * by {@link FunnelServer} and driven by {@link LoadGenerator} at a constant rate.
 *
 * <pre>
 * mode=serve  starts the server for serveSeconds then exits (run the load from another JVM)
 * mode=load   drives base=http://127.0.0.1:PORT
 * mode=both   both in this JVM (simplest; the generator then shares the heap and GC)
 * </pre>
 *
 * Other keys (defaults): users=3000 items=40000 dim=32 perUser=25 seed=7 k=20 route=recommend
 * (or similar, health) rate=1000 warmup=10 seconds=30 connections=16 scoring=event_loop (or
 * workers) eventLoops=cores port=0 serveSeconds=120.
 */
public final class ServeBenchmark {
  private ServeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("arguments are key=value; got '" + arg + "'");
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String mode = a.getOrDefault("mode", "both");
    SyntheticFactorModel.Shape shape = new SyntheticFactorModel.Shape(i(a, "users", 3000), i(a, "items", 40_000), i(a, "dim", 32),
        i(a, "perUser", 25), Long.parseLong(a.getOrDefault("seed", "7")));
    System.out.printf(Locale.ROOT, "java %s (%s), %d cores, max heap %d MB%n", System.getProperty("java.version"),
        System.getProperty("java.home"), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    switch (mode) {
      case "serve" -> {
        try (FunnelServer server = startServer(a, shape)) {
          System.out.println("listening on " + server.port() + " for " + i(a, "serveSeconds", 120) + " s");
          Thread.sleep(i(a, "serveSeconds", 120) * 1000L);
        }
      }
      case "load" -> System.out.println(load(a, shape, URI.create(a.getOrDefault("base", "http://127.0.0.1:8080"))).summary());
      case "both" -> {
        try (FunnelServer server = startServer(a, shape)) {
          System.out.println(load(a, shape, URI.create("http://127.0.0.1:" + server.port())).summary());
        }
      }
      default -> throw new IllegalArgumentException("mode must be serve, load or both; mode=" + mode);
    }
  }

  private static FunnelServer startServer(Map<String, String> a, SyntheticFactorModel.Shape shape) {
    long t0 = System.nanoTime();
    SavedModel saved = SyntheticFactorModel.build(shape);
    System.out.printf(Locale.ROOT, "model: %s built in %.1f s%n", shape, (System.nanoTime() - t0) / 1e9);
    timeDirectCalls(saved, i(a, "k", 20));
    FunnelServer.Scoring scoring = FunnelServer.Scoring.valueOf(a.getOrDefault("scoring", "event_loop").toUpperCase(Locale.ROOT));
    ServerConfig config = new ServerConfig("127.0.0.1", i(a, "port", 0), 1000, null,
        i(a, "eventLoops", Runtime.getRuntime().availableProcessors()));
    FunnelServer server = FunnelServer.start(config, Map.of("synthetic", saved), scoring);
    System.out.println("server: " + config + " scoring=" + scoring + " port=" + server.port());
    return server;
  }

  /** The model's own per-request work without HTTP, so the server's overhead can be told apart. */
  private static void timeDirectCalls(SavedModel saved, int k) {
    int users = saved.users().size();
    long sink = 0;
    for (int round = 0; round < 2; round++) {
      int calls = 3000;
      long t0 = System.nanoTime();
      for (int n = 0; n < calls; n++) {
        sink += saved.model().recommend(n % users, k, ItemFilter.ALL).size();
      }
      double micros = (System.nanoTime() - t0) / 1e3 / calls;
      System.out.printf(Locale.ROOT, "direct recommend (%s): %.1f us/call (sink %d)%n", round == 0 ? "warm-up" : "measured", micros, sink);
    }
  }

  private static LoadResult load(Map<String, String> a, SyntheticFactorModel.Shape shape, URI base) {
    String route = a.getOrDefault("route", "recommend");
    int k = i(a, "k", 20);
    SplittableRandom random = new SplittableRandom(11);
    List<String> paths = new ArrayList<>();
    for (int n = 0; n < 10_000; n++) {
      paths.add(switch (route) {
        case "recommend" -> "/v1/recommend?user=u" + random.nextInt(shape.users()) + "&k=" + k;
        case "similar" -> "/v1/similar?item=i" + random.nextInt(shape.items()) + "&k=" + k;
        case "health" -> "/health";
        default -> throw new IllegalArgumentException("route must be recommend, similar or health; route=" + route);
      });
    }
    double rate = Double.parseDouble(a.getOrDefault("rate", "1000"));
    System.out.printf(Locale.ROOT, "load: %s route=%s rate=%.0f warmup=%ss seconds=%ss connections=%d%n", base, route, rate,
        a.getOrDefault("warmup", "10"), a.getOrDefault("seconds", "30"), i(a, "connections", 16));
    return LoadGenerator.run(base, paths, rate, Duration.ofSeconds(i(a, "warmup", 10)), Duration.ofSeconds(i(a, "seconds", 30)),
        i(a, "connections", 16));
  }

  private static int i(Map<String, String> a, String key, int fallback) {
    String v = a.get(key);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer; " + key + "=" + v);
    }
  }
}

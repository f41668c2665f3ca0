package dev.funnel.bench.online;

import dev.funnel.data.Dataset;
import dev.funnel.data.Interactions;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.online.EventTypes;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.recall.ModelRecommender;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.store.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Online state on gowalla with ItemCF: {@code observe} throughput on 1 and 2 threads, then
 * {@code recommend} latency per path once every user has online history.
 *
 * <p>The event stream is the test split replayed as clicks in a seeded random order (217k events),
 * with 5% of them turned into dislikes and 10% of the users renamed to users the model never saw
 * (so they are served from online triggers only). Timestamps span the last hour.
 *
 * <pre>
 * mvn -o -q -B -pl bench -am package -DskipTests
 * java -Xmx3g -cp core/target/classes:bench/target/classes dev.funnel.bench.online.OnlineBench /work/shared/data/gowalla
 * </pre>
 */
public final class OnlineBench {
  private static final int K = 20;

  private OnlineBench() {}

  public static void main(String[] args) throws InterruptedException {
    String dir = args.length > 0 ? args[0] : "/work/shared/data/gowalla";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Dataset d = DatasetLoader.load("lightgcn:" + dir, LoadOptions.defaults()).dataset();
    FittedModel fitted = Experiment.fit("itemcf", Map.of(), d.train(), TrainContext.defaults());
    SavedModel saved = SavedModel.of(fitted.model(), d.users(), d.items(), d.train());
    System.out.printf(Locale.ROOT, "gowalla: %d users, %d items, %d train, %d test; itemcf trained in %.1f s%n", d.numUsers(), d.numItems(),
        d.train().nnz(), d.test().nnz(), fitted.fitSeconds());
    Event[] events = stream(d, 7L);
    System.out.printf(Locale.ROOT, "stream: %d events%n", events.length);

    // Warm-up (JIT) on a throwaway instance.
    observeAll(fresh(saved), events, 1);
    for (int threads = 1; threads <= 2; threads++) {
      double[] rates = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        OnlineRecommender o = fresh(saved);
        long t0 = System.nanoTime();
        observeAll(o, events, threads);
        rates[r] = events.length / ((System.nanoTime() - t0) / 1e9);
      }
      Arrays.sort(rates);
      System.out.printf(Locale.ROOT, "observe threads=%d: median %.0f events/s (min %.0f, max %.0f over %d rounds)%n", threads,
          rates[rounds / 2], rates[0], rates[rounds - 1], rounds);
    }

    OnlineRecommender online = fresh(saved);
    observeAll(online, events, 1);
    System.out.printf(Locale.ROOT, "online state after the stream: %d users, %d items, about %.1f MB (users %.1f MB)%n",
        online.users().size(), online.items().size(), online.memoryBytes() / 1e6, online.users().memoryBytes() / 1e6);
    ModelRecommender plain = new ModelRecommender("itemcf", saved);
    Random r = new Random(11L);
    List<String> known = new ArrayList<>();
    List<String> fresh = new ArrayList<>();
    for (int u = 0; u < d.numUsers(); u++) {
      (u % 10 == 0 ? fresh : known).add(u % 10 == 0 ? "new-" + d.users().external(u) : d.users().external(u));
    }
    int samples = 20_000;
    String[] knownSample = sample(known, samples, r);
    String[] freshSample = sample(fresh, samples, r);
    String[] coldSample = new String[samples];
    for (int n = 0; n < samples; n++) {
      coldSample[n] = "cold-" + n;
    }
    // Warm-up of every path.
    latency(online, knownSample);
    latency(online, freshSample);
    latency(online, coldSample);
    latencyPlain(plain, knownSample);
    report("recommend known user + online triggers", latency(online, knownSample));
    report("recommend new user, online triggers only", latency(online, freshSample));
    report("recommend cold user (global popularity)", latency(online, coldSample));
    report("baseline ModelRecommender, known user", latencyPlain(plain, knownSample));
    // What the first popularity read after maxStaleness pays (or a timer thread, if the server runs one).
    long[] rebuild = new long[50];
    for (int n = 0; n < rebuild.length; n++) {
      online.observe(events[n]);
      long t0 = System.nanoTime();
      online.popularity().refresh();
      rebuild[n] = System.nanoTime() - t0;
    }
    report("popularity snapshot rebuild (all items)", rebuild);
    // Cold users while a writer streams events: includes the rebuilds every maxStaleness (100 ms).
    Thread writer = new Thread(() -> {
      for (int round = 0; round < 20; round++) {
        for (Event e : events) {
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
          online.observe(e);
        }
      }
    });
    writer.start();
    report("recommend cold user while 1 writer observes", latency(online, coldSample));
    report("recommend known user while 1 writer observes", latency(online, knownSample));
    writer.interrupt();
    writer.join();
    System.out.printf(Locale.ROOT, "java %s, %d cpus, max heap %d MB, load average %.2f%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static OnlineRecommender fresh(SavedModel saved) {
    return new OnlineRecommender("itemcf", saved, EventTypes.defaults(), OnlineRecommender.Config.defaults());
  }

  /** The test split as a shuffled stream of clicks (5% dislikes), every tenth user renamed to a new user. */
  private static Event[] stream(Dataset d, long seed) {
    Interactions test = d.test();
    Event[] out = new Event[test.nnz()];
    int n = 0;
    Random r = new Random(seed);
    long now = System.currentTimeMillis();
    for (int u = 0; u < test.numUsers(); u++) {
      String user = (u % 10 == 0 ? "new-" : "") + d.users().external(u);
      for (int p = test.userPtr()[u]; p < test.userPtr()[u + 1]; p++) {
        String type = r.nextInt(20) == 0 ? "dislike" : "click";
        out[n++] = Event.of(user, d.items().external(test.userItems()[p]), type, now - r.nextInt(3_600_000));
      }
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      Event t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  private static void observeAll(OnlineRecommender o, Event[] events, int threads) throws InterruptedException {
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      ts[t] = new Thread(() -> {
        for (int n = id; n < events.length; n += threads) {
          o.observe(events[n]);
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
  }

  private static String[] sample(List<String> users, int n, Random r) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = users.get(r.nextInt(users.size()));
    }
    return out;
  }

  private static long[] latency(OnlineRecommender o, String[] users) {
    long[] ns = new long[users.length];
    long sink = 0;
    for (int n = 0; n < users.length; n++) {
      long t0 = System.nanoTime();
      sink += o.recommend(users[n], K, List.of()).items().size();
      ns[n] = System.nanoTime() - t0;
    }
    if (sink < 0) {
      System.out.println(sink);
    }
    return ns;
  }

  private static long[] latencyPlain(ModelRecommender m, String[] users) {
    long[] ns = new long[users.length];
    long sink = 0;
    for (int n = 0; n < users.length; n++) {
      long t0 = System.nanoTime();
      sink += m.recommend(users[n], K, List.of()).items().size();
      ns[n] = System.nanoTime() - t0;
    }
    if (sink < 0) {
      System.out.println(sink);
    }
    return ns;
  }

  private static void report(String what, long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElse(0);
    System.out.printf(Locale.ROOT, "%-44s k=%d n=%d: p50 %.3f ms, p99 %.3f ms, mean %.3f ms%n", what, K, s.length, s[s.length / 2] / 1e6,
        s[(int) (s.length * 0.99)] / 1e6, mean / 1e6);
  }
}

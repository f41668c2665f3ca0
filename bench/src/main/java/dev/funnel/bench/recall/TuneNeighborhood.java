package dev.funnel.bench.recall;

import dev.funnel.config.Params;
import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import dev.funnel.util.TopK;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small sweep harness for the neighbourhood recall models on a LightGCN-format split
 * ({@code user item item ...} per line in train.txt / test.txt). Full-sort protocol of the LightGCN
 * reference code: the user's train items excluded, Recall@K = hits / |test|, NDCG@K with IDCG over
 * min(|test|, K) positions, averaged over users with at least one test item.
 *
 * <p>Temporary: switch to {@code dev.funnel.eval.Evaluator} once it is merged.
 *
 * <pre>
 * java -cp core/target/classes:bench/target/classes dev.funnel.bench.recall.TuneNeighborhood \
 *     ../shared/data/gowalla itemcf "neighbors=100,shrink=10" "neighbors=200,shrink=0" ...
 * </pre>
 * An empty spec ("") runs the defaults. Threads: -Dthreads=N (default: all cores).
 */
public final class TuneNeighborhood {
  private static final int K = 20;

  private TuneNeighborhood() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: TuneNeighborhood <dataDir> <algorithm> [k=v,k=v ...]...");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    EventTable trainEvents = new EventTable();
    EventTable testEvents = trainEvents.emptyLike(1 << 18);
    read(dir.resolve("train.txt"), trainEvents);
    read(dir.resolve("test.txt"), testEvents);
    Interactions train = trainEvents.toInteractions(DuplicatePolicy.MAX);
    Interactions test = testEvents.toInteractions(DuplicatePolicy.MAX);
    int threads = Integer.getInteger("threads", Parallel.defaultThreads());
    System.out.printf(Locale.ROOT, "data %s: %d users, %d items, %d train, %d test; threads %d%n", dir, train.numUsers(),
        train.numItems(), train.nnz(), test.nnz(), threads);
    RecallAlgorithm<?> algorithm = Registry.recall(args[1]);
    String[] specs = args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length) : new String[] {""};
    for (String spec : specs) {
      run(algorithm, spec, train, test, threads);
    }
  }

  private static <C extends Record> void run(RecallAlgorithm<C> algorithm, String spec, Interactions train, Interactions test, int threads) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String kv : spec.split(",")) {
      if (!kv.isBlank()) {
        int eq = kv.indexOf('=');
        overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    C config = Params.bind(algorithm.defaultConfig(), overrides);
    long t0 = System.nanoTime();
    RecallModel model = algorithm.train(train, config, new TrainContext(threads, 42L, Progress.NONE));
    double fit = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    double[] m = evaluate(model, train, test, threads);
    double evalSeconds = (System.nanoTime() - t1) / 1e9;
    double serveMicros = serveMicros(model, train);
    System.out.printf(Locale.ROOT, "%s %s | Recall@%d %.4f NDCG@%d %.4f | fit %.1f s eval %.1f s | recommend %.0f us/user%n",
        algorithm.name(), Params.toStrings(config), K, m[0], K, m[1], fit, evalSeconds, serveMicros);
  }

  /** Mean single-thread latency of recommend(user, 20, unseen) over the first 3000 users (after a warm-up pass). */
  static double serveMicros(RecallModel model, Interactions train) {
    int n = Math.min(3000, train.numUsers());
    long sink = 0;
    long start = 0;
    for (int pass = 0; pass < 2; pass++) {
      start = System.nanoTime();
      for (int u = 0; u < n; u++) {
        java.util.BitSet seen = new java.util.BitSet();
        for (int p = train.userPtr()[u]; p < train.userPtr()[u + 1]; p++) {
          seen.set(train.userItems()[p]);
        }
        sink += model.recommend(u, K, dev.funnel.recall.ItemFilter.excluding(seen)).item(0);
      }
    }
    if (sink == 42) {
      System.out.print("");
    }
    return (System.nanoTime() - start) / 1e3 / n;
  }

  /** {recall, ndcg} averaged over users with test items. */
  static double[] evaluate(RecallModel model, Interactions train, Interactions test, int threads) {
    DoubleAdder recall = new DoubleAdder();
    DoubleAdder ndcg = new DoubleAdder();
    LongAdder users = new LongAdder();
    int numItems = model.numItems();
    float[][] scratch = new float[threads][];
    Parallel.forRange(test.numUsers(), threads, 256, (worker, from, to) -> {
      if (scratch[worker] == null) {
        scratch[worker] = new float[numItems];
      }
      float[] scores = scratch[worker];
      TopK top = new TopK(K);
      int[] ranked = new int[K];
      for (int u = from; u < to; u++) {
        int nTest = test.userDegree(u);
        if (nTest == 0) {
          continue;
        }
        if (u < model.numUsers()) {
          model.scoreUser(u, scores);
        } else {
          java.util.Arrays.fill(scores, 0f);
        }
        if (u < train.numUsers()) {
          for (int p = train.userPtr()[u]; p < train.userPtr()[u + 1]; p++) {
            scores[train.userItems()[p]] = Float.NEGATIVE_INFINITY;
          }
        }
        top.clear();
        top.offerAll(scores, dev.funnel.recall.ItemFilter.ALL);
        int n = top.drainIds(ranked);
        int hits = 0;
        double dcg = 0;
        for (int r = 0; r < n; r++) {
          if (test.contains(u, ranked[r])) {
            hits++;
            dcg += 1.0 / (Math.log(r + 2) / Math.log(2));
          }
        }
        double idcg = 0;
        for (int r = 0; r < Math.min(nTest, K); r++) {
          idcg += 1.0 / (Math.log(r + 2) / Math.log(2));
        }
        recall.add((double) hits / nTest);
        ndcg.add(dcg / idcg);
        users.increment();
      }
    });
    return new double[] {recall.sum() / users.sum(), ndcg.sum() / users.sum()};
  }

  private static void read(Path file, EventTable events) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) {
          continue;
        }
        for (int n = 1; n < parts.length; n++) {
          try {
            Integer.parseInt(parts[n]);
          } catch (NumberFormatException e) {
            throw new IOException(file + ":" + lineNo + ": item id '" + parts[n] + "' is not an integer");
          }
          events.add(parts[0], parts[n], 0L, EventTable.DEFAULT_TYPE, 1f);
        }
      }
    }
  }
}

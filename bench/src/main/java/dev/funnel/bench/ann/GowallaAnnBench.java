package dev.funnel.bench.ann;

import dev.funnel.ann.MipsTransform;
import dev.funnel.ann.Similarity;
import dev.funnel.ann.VectorIndex;
import dev.funnel.ann.flat.FlatIndex;
import dev.funnel.ann.hnsw.HnswConfig;
import dev.funnel.ann.hnsw.HnswIndex;
import dev.funnel.data.Dataset;
import dev.funnel.data.Interactions;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.Evaluator;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.EmbeddingModel;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Preset kind {@code ann-gowalla}: issue 9's figure on learned embeddings. An embedding model
 * ({@link EmbeddingModel}) is trained on gowalla's train split through the registry; then, for every
 * user with test items, the recall stage fetches the top {@code candidates} (500) items by the
 * model's score {@code <u, i> + bias(i)} that are not among the user's training items (the filter of
 * the full-sort protocol, evaluated inside the index search), and the top K (20) of those candidates
 * are scored with {@link Evaluator#fullSort}'s own Recall@K (hits / |test items|, the LightGCN
 * definition). The search is done exactly ({@link FlatIndex}) and through HNSW for each ef.
 *
 * <p>A model with an item bias is searched on {@code [item, bias]} with query {@code [user, 1]}, so
 * the index ranks by exactly the score the model's own {@code scoreUser} gives. {@code mips: ip}
 * searches inner product directly (as hnswlib); {@code mips: l2} searches L2 on the vectors
 * augmented by {@link MipsTransform} (Bachrach et al. 2014); candidates are re-scored by the inner
 * product either way.
 *
 * <p>Rows: {@code model, index, params, recall@20} (through the index), {@code recall@20_exact}
 * (through the flat index), {@code recall@20_loss} = 1 - recall@20 / recall@20_exact in percent,
 * {@code candidate_overlap@500} (mean share of the exact top 500 the index found; {@code @20}: of the
 * exact top 20 in the index path's top 20), {@code qps_1t}
 * (single-thread searches per wall second over all test users, filter included), {@code qps_1t_cpu}
 * (per CPU second of the thread), {@code build_seconds}. Each model's first row also gives
 * {@code recall@20_model_eval}: the model's own full-sort evaluation, the number its eval preset
 * reports, which the flat path must match.
 */
public final class GowallaAnnBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private GowallaAnnBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Path dataRoot, Path preset) {
    String ds = String.valueOf(spec.getOrDefault("dataset", "lightgcn:gowalla"));
    int colon = ds.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(preset + ": field 'dataset': expected format:path; got '" + ds + "'");
    }
    Path dir = dataRoot.resolve(ds.substring(colon + 1));
    if (!Files.isDirectory(dir)) {
      String why = "dataset folder " + dir.toAbsolutePath().normalize() + " does not exist (use --data-root); ann-gowalla skipped";
      System.out.println(why);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("skipped", why);
      return List.of(row);
    }
    int candidates = AnnBench.num(spec, "candidates", 500);
    int k = AnnBench.num(spec, "k", 20);
    int threads = AnnBench.num(spec, "threads", Parallel.defaultThreads());
    int m = AnnBench.num(spec, "m", 16);
    int efc = AnnBench.num(spec, "ef_construction", 100);
    long seed = ((Number) spec.getOrDefault("seed", 42)).longValue();
    List<Integer> efs = (List<Integer>) spec.getOrDefault("ef", List.of(500, 600, 800, 1000));
    List<String> mipsModes = (List<String>) spec.getOrDefault("mips", List.of("ip"));
    for (int ef : efs) {
      if (ef < candidates) {
        throw new IllegalArgumentException(preset + ": field 'ef': " + ef + " is below candidates=" + candidates
            + " (the beam must hold every candidate)");
      }
    }
    List<Map<String, Object>> models = (List<Map<String, Object>>) spec.get("models");
    if (models == null || models.isEmpty()) {
      throw new IllegalArgumentException(preset + ": field 'models': at least one {name, params} is required");
    }
    for (Map<String, Object> mm : models) {
      Experiment.configure(mm.get("name").toString(), params(mm)); // fail before loading data
    }
    System.out.printf("load average before: %s%n", AnnBench.loadAverage());
    Dataset d = DatasetLoader.load(ds.substring(0, colon) + ":" + dir, LoadOptions.defaults()).dataset();
    Interactions train = d.train();
    Interactions test = d.test();
    System.out.printf("dataset %s: %,d users, %,d items, %,d train / %,d test%n", d.name(), d.users().size(), d.items().size(),
        train.nnz(), test.nnz());
    int[] users = testUsers(test);
    TrainContext context = new TrainContext(threads, seed, Progress.NONE);

    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> mm : models) {
      String name = mm.get("name").toString();
      FittedModel fitted = Experiment.fit(name, params(mm), train, context);
      if (!(fitted.model() instanceof EmbeddingModel model)) {
        throw new IllegalArgumentException(preset + ": model '" + name + "' is not an embedding model (" + fitted.model().getClass()
            .getSimpleName() + "); ann-gowalla needs user and item vectors");
      }
      System.out.printf("%s: fit %.1f s, params %s%n", name, fitted.fitSeconds(), fitted.params());
      double modelEval = recallAt(model, train, test, k, threads);
      System.out.printf("%s: full-sort Recall@%d by the evaluator %.4f%n", name, k, modelEval);
      rows.addAll(measure(name, fitted, model, train, test, users, candidates, k, threads, m, efc, seed, efs, mipsModes, modelEval));
    }
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("index", "load");
    load.put("params", "load average after");
    load.put("after", AnnBench.loadAverage());
    rows.add(load);
    System.out.printf("load average after: %s%n", AnnBench.loadAverage());
    System.out.print(table(rows, k, candidates));
    return rows;
  }

  private static List<Map<String, Object>> measure(String name, FittedModel fitted, EmbeddingModel model, Interactions train,
      Interactions test, int[] users, int candidates, int k, int threads, int m, int efc, long seed, List<Integer> efs,
      List<String> mipsModes, double modelEval) {
    // The model's score as one inner product: [item, bias] . [user, 1].
    int dim = model.dim();
    float[] bias = model.itemBias();
    int numItems = model.numItems();
    int numUsers = model.numUsers();
    float[] items = bias == null ? model.itemVectors() : appendColumn(model.itemVectors(), numItems, dim, bias);
    float[] queries = bias == null ? model.userVectors() : appendColumn(model.userVectors(), numUsers, dim, constant(numUsers, 1f));
    int qdim = bias == null ? dim : dim + 1;
    VectorKernels kern = Kernels.get();
    Keys key = Keys.of(k, candidates);

    long t0 = System.nanoTime();
    FlatIndex flat = FlatIndex.build(items, qdim, Similarity.INNER_PRODUCT);
    ScoredItems[] exact = searchAll(flat, queries, qdim, users, numUsers, train, candidates, threads);
    double exactSeconds = AnnBench.secs(t0);
    double exactRecall = recallAt(new CandidateLists("flat", exact, numItems), train, test, k, threads);
    // Single-thread exact timing on a prefix of the users (the full pass above ran on all threads).
    int timed = Math.min(users.length, 2000);
    double[] flatQps = timeSingle(flat, queries, qdim, java.util.Arrays.copyOf(users, timed), train, candidates, numUsers);
    System.out.printf("%s flat: Recall@%d of the top %d %.4f (model eval %.4f), %.1f s on %d threads%n", name, k, candidates,
        exactRecall, modelEval, exactSeconds, threads);

    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Object> fr = row(key, name, fitted, "flat", "exact, ip", exactRecall, exactRecall, 1.0, flatQps, 0, 0, qdim);
    fr.put("candidate_overlap@" + k, 1.0);
    fr.put(key.recall() + "_model_eval", AnnBench.round(modelEval, 4));
    fr.put("timed_users", timed);
    // The spread of item norms: the L2 reduction (MipsTransform) pads every item up to the largest norm.
    float[] norms = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      norms[i] = kern.norm(items, i * qdim, qdim);
    }
    java.util.Arrays.sort(norms);
    fr.put("item_norm_p50", AnnBench.round(norms[numItems / 2], 4));
    fr.put("item_norm_max", AnnBench.round(norms[numItems - 1], 4));
    System.out.printf("%s item norms: median %.4f, max %.4f%n", name, norms[numItems / 2], norms[numItems - 1]);
    rows.add(fr);
    System.out.println(format(fr, key));

    for (String mode : mipsModes) {
      float[] indexed;
      float[] searched;
      int idim;
      Similarity sim;
      switch (mode) {
        case "ip" -> {
          indexed = items;
          searched = queries;
          idim = qdim;
          sim = Similarity.INNER_PRODUCT;
        }
        case "l2" -> {
          indexed = MipsTransform.items(kern, items, numItems, qdim);
          searched = MipsTransform.queries(queries, numUsers, qdim);
          idim = qdim + 1;
          sim = Similarity.L2;
        }
        default -> throw new IllegalArgumentException("field 'mips': unknown '" + mode + "'; valid: ip, l2");
      }
      t0 = System.nanoTime();
      double cpu0 = AnnBench.processCpuSeconds();
      HnswIndex hnsw = HnswIndex.build(indexed, idim, sim, new HnswConfig(m, efc, efs.get(0), seed), threads);
      double build = AnnBench.secs(t0);
      double buildCpu = AnnBench.processCpuSeconds() - cpu0;
      System.out.printf("%s hnsw (%s): build %.2f s on %d threads, %.2f CPU s, max level %d, mean level-0 degree %.1f%n", name, mode,
          build, threads, buildCpu, hnsw.maxLevel(), hnsw.meanDegree());
      for (int ef : efs) {
        HnswIndex view = hnsw.withEf(ef);
        ScoredItems[] found = new ScoredItems[numUsers];
        double[] qps = timeSingle(view, searched, idim, users, train, candidates, numUsers, found);
        if (mode.equals("l2")) {
          rescore(found, items, queries, qdim, kern); // the L2 scores order the same; the evaluator ranks by the model's score
        }
        double recall = recallAt(new CandidateLists("hnsw", found, numItems), train, test, k, threads);
        Map<String, Object> r = row(key, name, fitted, "hnsw", "mips=" + mode + " M=" + m + " efc=" + efc + " ef=" + ef, recall, exactRecall,
            overlap(exact, found, users, candidates), qps, build, buildCpu, idim);
        r.put("candidate_overlap@" + k, AnnBench.round(overlap(exact, found, users, k), 4));
        rows.add(r);
        System.out.println(format(r, key));
      }
    }
    return rows;
  }

  private static Map<String, Object> row(Keys key, String model, FittedModel fitted, String index, String params, double recall,
      double exact, double overlap, double[] qps, double build, double buildCpu, int dim) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("model", model);
    row.put("index", index);
    row.put("params", params);
    row.put(key.recall(), AnnBench.round(recall, 4));
    row.put(key.recall() + "_exact", AnnBench.round(exact, 4));
    row.put(key.recall() + "_loss", AnnBench.round(100 * (1 - recall / exact), 3));
    row.put(key.recall() + "_loss_unit", "percent");
    row.put(key.overlap(), AnnBench.round(overlap, 4));
    row.put("qps_1t", AnnBench.round(qps[0], 0));
    row.put("qps_1t_cpu", AnnBench.round(qps[1], 0));
    row.put("build_seconds", AnnBench.round(build, 2));
    row.put("build_cpu_seconds", AnnBench.round(buildCpu, 2));
    row.put("dim", dim);
    row.put("fit_seconds", AnnBench.round(fitted.fitSeconds(), 1));
    row.put("model_params", new TreeMap<>(fitted.params()).toString());
    return row;
  }

  /** Row keys at the preset's cutoff and candidate count: recall@20, candidate_overlap@500. */
  record Keys(int k, String recall, String overlap) {
    static Keys of(int k, int candidates) {
      return new Keys(k, "recall@" + k, "candidate_overlap@" + candidates);
    }
  }

  /** The evaluator's full-sort Recall@k of a model (the model's own scores, training items excluded). */
  private static double recallAt(RecallModel model, Interactions train, Interactions test, int k, int threads) {
    EvalResult r = Evaluator.fullSort(model, train, test, new int[] {k}, threads, Progress.NONE);
    return r.metrics().get("recall@" + k);
  }

  /** Users with at least one test item, ascending. */
  static int[] testUsers(Interactions test) {
    int n = 0;
    for (int u = 0; u < test.numUsers(); u++) {
      if (test.userDegree(u) > 0) {
        n++;
      }
    }
    int[] out = new int[n];
    n = 0;
    for (int u = 0; u < test.numUsers(); u++) {
      if (test.userDegree(u) > 0) {
        out[n++] = u;
      }
    }
    return out;
  }

  /** Every user's top {@code k} outside its training items, on {@code threads} threads. */
  private static ScoredItems[] searchAll(VectorIndex index, float[] queries, int dim, int[] users, int numUsers, Interactions train,
      int k, int threads) {
    ScoredItems[] out = new ScoredItems[numUsers];
    Parallel.forRange(users.length, threads, 64, (w, from, to) -> {
      SeenFilter seen = new SeenFilter(train);
      float[] q = new float[dim];
      for (int i = from; i < to; i++) {
        int u = users[i];
        System.arraycopy(queries, u * dim, q, 0, dim);
        out[u] = index.search(q, k, seen.of(u));
      }
    });
    return out;
  }

  private static double[] timeSingle(VectorIndex index, float[] queries, int dim, int[] users, Interactions train, int k, int numUsers) {
    return timeSingle(index, queries, dim, users, train, k, numUsers, new ScoredItems[numUsers]);
  }

  /** One thread searches every user in order (filter included); {wall q/s, CPU q/s}. Results land in {@code out}. */
  private static double[] timeSingle(VectorIndex index, float[] queries, int dim, int[] users, Interactions train, int k, int numUsers,
      ScoredItems[] out) {
    SeenFilter seen = new SeenFilter(train);
    float[] q = new float[dim];
    long c0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    for (int u : users) {
      System.arraycopy(queries, u * dim, q, 0, dim);
      out[u] = index.search(q, k, seen.of(u));
    }
    long t = System.nanoTime() - t0;
    long c = THREADS.getCurrentThreadCpuTime() - c0;
    return new double[] {users.length / (t / 1e9), users.length / (c / 1e9)};
  }

  /** A user's training items as a rejecting filter: one marker array per thread, never cleared. */
  static final class SeenFilter {
    private final Interactions train;
    private final int[] mark;

    SeenFilter(Interactions train) {
      this.train = train;
      this.mark = new int[train.numItems()];
    }

    ItemFilter of(int user) {
      int marker = user + 1;
      int[] ptr = train.userPtr();
      int[] items = train.userItems();
      for (int p = ptr[user]; p < ptr[user + 1]; p++) {
        mark[items[p]] = marker;
      }
      int[] mk = mark;
      return item -> mk[item] != marker;
    }
  }

  /**
   * Mean over users of |exact ∩ found| / |exact|, each list cut to its first {@code depth} items
   * (lists are best first).
   */
  static double overlap(ScoredItems[] exact, ScoredItems[] found, int[] users, int depth) {
    double sum = 0;
    int n = 0;
    java.util.BitSet b = new java.util.BitSet();
    for (int u : users) {
      ScoredItems e = exact[u];
      if (e == null || e.size() == 0) {
        continue;
      }
      b.clear();
      int ne = Math.min(depth, e.size());
      for (int r = 0; r < ne; r++) {
        b.set(e.item(r));
      }
      int hit = 0;
      ScoredItems f = found[u];
      for (int r = 0; f != null && r < Math.min(depth, f.size()); r++) {
        if (b.get(f.item(r))) {
          hit++;
        }
      }
      sum += (double) hit / ne;
      n++;
    }
    return n == 0 ? 0 : sum / n;
  }

  /** Replaces each list's scores by the inner product of the (bias-folded) vectors and re-sorts it best first, ties by smaller id. */
  private static void rescore(ScoredItems[] lists, float[] items, float[] queries, int dim, VectorKernels kern) {
    for (int u = 0; u < lists.length; u++) {
      ScoredItems l = lists[u];
      if (l == null) {
        continue;
      }
      int n = l.size();
      long[] keys = new long[n];
      for (int r = 0; r < n; r++) {
        int item = l.item(r);
        keys[r] = sortKey(kern.dot(queries, u * dim, items, item * dim, dim), item);
      }
      java.util.Arrays.sort(keys);
      int[] ids = new int[n];
      float[] s = new float[n];
      for (int r = 0; r < n; r++) {
        ids[r] = (int) keys[r];
        s[r] = unsortKey(keys[r]);
      }
      lists[u] = new ScoredItems(ids, s);
    }
  }

  /** A long whose ascending order is descending score, then ascending id (ids are non-negative). */
  static long sortKey(float score, int id) {
    int b = Float.floatToIntBits(score);
    b ^= (b >> 31) & 0x7fffffff; // ascending int order == ascending float order
    return ((long) ~b << 32) | id;
  }

  static float unsortKey(long key) {
    int b = ~(int) (key >> 32);
    b ^= (b >> 31) & 0x7fffffff;
    return Float.intBitsToFloat(b);
  }

  /** rows x (dim + 1): each row followed by {@code col[row]}. */
  static float[] appendColumn(float[] rows, int n, int dim, float[] col) {
    float[] out = new float[n * (dim + 1)];
    for (int r = 0; r < n; r++) {
      System.arraycopy(rows, r * dim, out, r * (dim + 1), dim);
      out[r * (dim + 1) + dim] = col[r];
    }
    return out;
  }

  private static float[] constant(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> params(Map<String, Object> model) {
    Map<String, String> params = new TreeMap<>();
    ((Map<String, Object>) model.getOrDefault("params", Map.of())).forEach((key, v) -> params.put(key, String.valueOf(v)));
    return params;
  }

  private static String format(Map<String, Object> r, Keys key) {
    return String.format(Locale.ROOT, "%-7s %-5s %-32s %s=%-7s exact=%-7s loss=%-7s%% overlap=%-7s (top %s: %-6s) qps_1t=%-7s cpu=%-7s build=%s",
        r.get("model"), r.get("index"), r.get("params"), key.recall(), r.get(key.recall()), r.get(key.recall() + "_exact"),
        r.get(key.recall() + "_loss"), r.get(key.overlap()), key.k(), r.get("candidate_overlap@" + key.k()), r.get("qps_1t"), r.get("qps_1t_cpu"), r.get("build_seconds"));
  }

  private static String table(List<Map<String, Object>> rows, int k, int candidates) {
    Keys key = Keys.of(k, candidates);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n| model | index | params | recall@%d (top %d of %d) | recall@%d_exact | recall@%d_loss (%%) "
        + "| candidate_overlap@%d | candidate_overlap@%d | qps_1t | qps_1t_cpu | build_seconds |%n", k, k, candidates, k, k, candidates, k));
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : rows) {
      if (r.get(key.recall()) == null) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.get("model"), r.get("index"),
          r.get("params"), r.get(key.recall()), r.get(key.recall() + "_exact"), r.get(key.recall() + "_loss"), r.get(key.overlap()),
          r.get("candidate_overlap@" + k),
          r.get("qps_1t"), r.get("qps_1t_cpu"), r.get("build_seconds")));
    }
    return sb.toString();
  }
}

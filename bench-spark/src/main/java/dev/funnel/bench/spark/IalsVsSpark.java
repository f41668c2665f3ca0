package dev.funnel.bench.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.funnel.data.Dataset;
import dev.funnel.data.Interactions;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.EvalTable;
import dev.funnel.eval.Evaluator;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.als.Ials;
import dev.funnel.recall.als.IalsConfig;
import dev.funnel.util.Progress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code ials-vs-spark} preset: Funnel's iALS and Apache Spark MLlib's ALS (implicit prefs) on
 * the same training split with the same rank, iterations, regularisation and alpha, in one JVM, one
 * after the other; both factor sets scored by Funnel's full-sort evaluator.
 *
 * <p>Same loss on both sides: Spark's implicit ALS solves, per row,
 * {@code (YᵀY + sum_j alpha r_j y_j y_jᵀ + regParam · n_u · I) x = sum_j (1 + alpha r_j) y_j} (Hu et
 * al. 2008 with ALS-WR scaling of the L2 term), which is Funnel's {@code scheme=HU,
 * unobservedWeight=1, regExponent=1}. Spark solves each row exactly (Cholesky); Funnel runs
 * {@code cgSteps} conjugate-gradient steps (and, as a second row, the exact Cholesky solve).
 *
 * <p>{@code fit_seconds} is the wall time of the training call only: for Spark {@code ALS.fit} on a
 * cached DataFrame (session start, DataFrame construction and collecting the factors are reported
 * separately), for Funnel {@code Ials.train}.
 *
 * <p>Usage (see {@code bench-spark/run}): {@code IalsVsSpark --root DIR [--data-root DIR] [--json OUT] NAME}.
 * The preset is flat {@code key: value} YAML: {@code dataset, rank, iterations, regParam, alpha,
 * master, threads, cgSteps, k} and optionally {@code cholesky: true} (adds a Funnel row with exact solves) and
 * {@code seeds: [42, 43, 44]} (default {@code [42]}): each system is fitted once per seed (Funnel's random
 * initialisation, Spark's {@code ALS.setSeed}), and a summary row per system gives the mean and the
 * spread of {@code fit_seconds} and Recall/NDCG@20 over the seeds: which random start a run gets moves
 * Recall@20 by about 0.001 on gowalla, as much as the two systems differ, so one seed decides nothing.
 */
public final class IalsVsSpark {
  private IalsVsSpark() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(".");
    Path dataRoot = null;
    Path json = null;
    String name = null;
    for (int a = 0; a < args.length; a++) {
      switch (args[a]) {
        case "--root" -> root = Path.of(args[++a]);
        case "--data-root" -> dataRoot = Path.of(args[++a]);
        case "--json" -> json = Path.of(args[++a]);
        default -> name = args[a];
      }
    }
    if (name == null) {
      System.err.println("usage: bench-spark/run NAME [--data-root DIR] [--json OUT.json]");
      System.exit(2);
    }
    if (dataRoot == null) {
      dataRoot = root.toAbsolutePath().normalize().getParent().resolve("shared/data");
    }
    Path presetFile = root.resolve("bench/presets/" + name + ".yaml");
    Map<String, String> preset = FlatYaml.read(presetFile);
    String dataset = FlatYaml.require(preset, "dataset", presetFile);
    int colon = dataset.indexOf(':');
    String spec = dataset.substring(0, colon) + ":" + dataRoot.resolve(dataset.substring(colon + 1));
    int rank = FlatYaml.intValue(preset, "rank", presetFile);
    int iterations = FlatYaml.intValue(preset, "iterations", presetFile);
    double regParam = FlatYaml.doubleValue(preset, "regParam", presetFile);
    double alpha = FlatYaml.doubleValue(preset, "alpha", presetFile);
    int threads = FlatYaml.intValue(preset, "threads", presetFile);
    int cgSteps = FlatYaml.intValue(preset, "cgSteps", presetFile);
    String master = FlatYaml.require(preset, "master", presetFile);
    int[] ks = FlatYaml.intList(preset, "k", presetFile);
    boolean exactRow = Boolean.parseBoolean(preset.getOrDefault("cholesky", "false"));
    int[] seeds = preset.containsKey("seeds") ? FlatYaml.intList(preset, "seeds", presetFile) : new int[] {42};

    Dataset d = DatasetLoader.load(spec, LoadOptions.defaults()).dataset();
    Interactions train = d.train();
    Interactions test = d.test();
    System.out.printf(Locale.ROOT, "dataset %s: %,d users, %,d items, %,d train / %,d test; java %s, %d cpus%n", d.name(),
        train.numUsers(), train.numItems(), train.nnz(), test.nnz(), System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());

    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<EvalResult> results = new ArrayList<>();

    long s0 = System.nanoTime();
    SparkSession spark = SparkSession.builder().master(master).appName("ials-vs-spark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", String.valueOf(threads))
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    double sessionSeconds = (System.nanoTime() - s0) / 1e9;
    try {
      long b0 = System.nanoTime();
      StructType schema = new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType)
          .add("rating", DataTypes.FloatType);
      List<Row> ratings = new ArrayList<>(train.nnz());
      int[] ptr = train.userPtr();
      int[] items = train.userItems();
      float[] values = train.userValues();
      for (int u = 0; u < train.numUsers(); u++) {
        for (int e = ptr[u]; e < ptr[u + 1]; e++) {
          ratings.add(RowFactory.create(u, items[e], values[e]));
        }
      }
      org.apache.spark.sql.Dataset<Row> df = spark.createDataFrame(ratings, schema).cache();
      long count = df.count();
      double buildSeconds = (System.nanoTime() - b0) / 1e9;
      // Per seed Funnel, then Spark, back to back: on a shared machine the load drifts, and fits timed minutes apart
      // would compare the load as much as the systems. Each fit is timed alone.
      for (int seed : seeds) {
        for (IalsConfig.Solver solver : exactRow ? IalsConfig.Solver.values() : new IalsConfig.Solver[] {IalsConfig.Solver.CG}) {
          fitFunnel(train, test, ks, rank, iterations, regParam, alpha, threads, cgSteps, solver, seed, rows, names, results);
        }
        ALS als = new ALS().setRank(rank).setMaxIter(iterations).setRegParam(regParam).setAlpha(alpha).setImplicitPrefs(true)
            .setUserCol("user").setItemCol("item").setRatingCol("rating").setSeed(seed);
        long t0 = System.nanoTime();
        ALSModel fitted = als.fit(df);
        double fit = (System.nanoTime() - t0) / 1e9;
        long c0 = System.nanoTime();
        float[] userVectors = factors(fitted.userFactors(), train.numUsers(), rank);
        float[] itemVectors = factors(fitted.itemFactors(), train.numItems(), rank);
        double collectSeconds = (System.nanoTime() - c0) / 1e9;
        RecallModel model = new FactorScores("spark-als", train, rank, userVectors, itemVectors);
        EvalResult r = Evaluator.fullSort(model, train, test, ks, threads, Progress.NONE);
        System.out.printf(Locale.ROOT, "spark-mllib-als seed %d: fit %.2f s (session %.2f s, %d-row DataFrame %.2f s, collect %.2f s), eval %.2f s, recall@20 %.4f%n",
            seed, fit, sessionSeconds, count, buildSeconds, collectSeconds, r.seconds(), r.metric("recall@20"));
        Map<String, Object> row = row("spark-mllib-als", rank, iterations, regParam, alpha, fit, r);
        row.put("seed", seed);
        row.put("spark_version", spark.version());
        row.put("master", master);
        row.put("session_seconds", round3(sessionSeconds));
        row.put("dataframe_seconds", round3(buildSeconds));
        row.put("collect_seconds", round3(collectSeconds));
        rows.add(row);
        names.add("spark-mllib-als/" + seed);
        results.add(r);
      }
    } finally {
      spark.stop();
    }
    System.out.print(EvalTable.format(results.get(0).protocol(), names, results));
    List<Map<String, Object>> summaries = new ArrayList<>();
    for (String system : rows.stream().map(r -> (String) r.get("system")).distinct().toList()) {
      List<Map<String, Object>> mine = rows.stream().filter(r -> r.get("system").equals(system)).toList();
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("system", system);
      summary.put("summary", "mean over seeds");
      summary.put("seeds", seeds.length);
      for (String key : List.of("fit_seconds", "recall@20", "ndcg@20")) {
        double[] v = mine.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).toArray();
        double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
        summary.put(key, key.equals("fit_seconds") ? round3(mean) : mean);
        summary.put(key + "_min", java.util.Arrays.stream(v).min().orElse(Double.NaN));
        summary.put(key + "_max", java.util.Arrays.stream(v).max().orElse(Double.NaN));
      }
      System.out.printf(Locale.ROOT, "%-20s mean of %d seeds: fit %.2f s, recall@20 %.4f [%.4f, %.4f], ndcg@20 %.4f%n", system,
          seeds.length, summary.get("fit_seconds"), summary.get("recall@20"), summary.get("recall@20_min"), summary.get("recall@20_max"),
          summary.get("ndcg@20"));
      summaries.add(summary);
    }
    rows.addAll(summaries);
    double funnelFit = ((Number) summaries.get(0).get("fit_seconds")).doubleValue();
    double sparkFit = ((Number) summaries.get(summaries.size() - 1).get("fit_seconds")).doubleValue();
    System.out.printf(Locale.ROOT, "speed-up (spark mean fit / funnel cg mean fit): %.1fx%n", sparkFit / funnelFit);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("name", name);
    report.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
        "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        "max_heap_mb", Runtime.getRuntime().maxMemory() >> 20, "load_average",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    report.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    report.put("preset", preset);
    report.put("speedup_fit", round3(sparkFit / funnelFit));
    report.put("rows", rows);
    String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
    if (json != null) {
      Path parent = json.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(json, text);
      System.out.println("wrote " + json);
    } else {
      System.out.println(text);
    }
  }

  /** Fits and evaluates Funnel's iALS once (the same problem as Spark's, see the class comment) and adds its row. */
  private static void fitFunnel(Interactions train, Interactions test, int[] ks, int rank, int iterations, double regParam, double alpha,
      int threads, int cgSteps, IalsConfig.Solver solver, int seed, List<Map<String, Object>> rows, List<String> names,
      List<EvalResult> results) {
    IalsConfig config = new IalsConfig(rank, iterations, alpha, regParam, IalsConfig.Scheme.HU, 1.0, 1.0, solver, cgSteps, 0.01, threads);
    long t0 = System.nanoTime();
    RecallModel model = new Ials().train(train, config, new TrainContext(threads, seed, Progress.NONE));
    double fit = (System.nanoTime() - t0) / 1e9;
    EvalResult r = Evaluator.fullSort(model, train, test, ks, threads, Progress.NONE);
    String system = "funnel-ials-" + solver.name().toLowerCase(Locale.ROOT);
    System.out.printf(Locale.ROOT, "%s seed %d: fit %.2f s, eval %.2f s, recall@20 %.4f%n", system, seed, fit, r.seconds(),
        r.metric("recall@20"));
    Map<String, Object> row = row(system, rank, iterations, regParam, alpha, fit, r);
    row.put("seed", seed);
    row.put("solver", solver.name());
    row.put("cg_steps", solver == IalsConfig.Solver.CG ? cgSteps : null);
    rows.add(row);
    names.add(system + "/" + seed);
    results.add(r);
  }

  private static Map<String, Object> row(String system, int rank, int iterations, double regParam, double alpha, double fit,
      EvalResult r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("system", system);
    row.put("rank", rank);
    row.put("iterations", iterations);
    row.put("regParam", regParam);
    row.put("alpha", alpha);
    row.put("fit_seconds", round3(fit));
    row.put("seconds_per_iteration", round3(fit / iterations));
    row.put("recall@20", r.metric("recall@20"));
    row.put("ndcg@20", r.metric("ndcg@20"));
    row.put("metrics", r.metrics());
    row.put("eval_seconds", round3(r.seconds()));
    row.put("peak_rss_mb", peakRssMb());
    return row;
  }

  /** Spark's factor DataFrame (id, features) as a dense row-major table; absent ids stay zero. */
  private static float[] factors(org.apache.spark.sql.Dataset<Row> table, int rows, int rank) {
    float[] out = new float[rows * rank];
    for (Row r : table.collectAsList()) {
      int id = r.getInt(0);
      List<Object> features = r.getList(1);
      for (int f = 0; f < rank; f++) {
        out[id * rank + f] = ((Number) features.get(f)).floatValue();
      }
    }
    return out;
  }

  /** VmHWM of this process (Linux), or -1. */
  private static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}

package dev.funnel.bench.rank;

import dev.funnel.bench.BenchRunner;
import dev.funnel.config.Params;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.data.InteractionSamples;
import dev.funnel.rank.data.SampleConfig;
import dev.funnel.rank.data.SampleSplit;
import dev.funnel.rank.eval.RankEvaluation;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code rank-interactions} preset kind: ranking samples built from a MovieLens 100K directory
 * by {@link InteractionSamples} (label rating &gt;= 4, user/item/genre/demographic fields, the
 * behaviour sequence, a global time cut into train / validation / test). Each model row may change
 * the sample settings (e.g. no history and expanded genres for DeepFM); the rows, labels and split
 * stay the same, since they depend only on the events and the fractions. Each model fits on train
 * with early stopping on validation AUC and reports test {@code auc}, {@code gauc} (group = user),
 * {@code logloss}, {@code calibration}, and validation AUC and GAUC. Every row after the first also
 * carries {@code gauc_minus_first}: its test GAUC minus the first row's on the same test samples,
 * with a 95% interval from a paired bootstrap over users ({@value #BOOTSTRAP} resamples, seeded),
 * since a few hundred test users make GAUC differences of a few thousandths noisy.
 *
 * <p>Preset fields: {@code data} (directory under the data root), {@code samples} (a {@link
 * SampleConfig} as key: value), {@code threads}, {@code seed}, and {@code models}: a list of {@code
 * {model: NAME, samples: {...}, params: {...}}}.
 */
public final class InteractionRankBench {
  static final int BOOTSTRAP = 2000;

  private InteractionRankBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Path dataRoot, Path preset) {
    Path dir = dataRoot.resolve(BenchRunner.string(spec, "data", preset));
    Map<String, String> base = strings((Map<String, Object>) spec.getOrDefault("samples", Map.of()));
    int threads = ((Number) spec.getOrDefault("threads", 1)).intValue();
    long seed = ((Number) spec.getOrDefault("seed", 42)).longValue();
    Map<SampleConfig, SampleSplit> built = new HashMap<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    float[] firstScores = null;
    SampleSplit firstSplit = null;
    for (Map<String, Object> m : (List<Map<String, Object>>) spec.get("models")) {
      String name = BenchRunner.string(m, "model", preset);
      Map<String, String> sampleParams = new LinkedHashMap<>(base);
      sampleParams.putAll(strings((Map<String, Object>) m.getOrDefault("samples", Map.of())));
      SampleConfig sampleConfig = Params.bind(SampleConfig.defaults(), sampleParams);
      SampleSplit split = built.computeIfAbsent(sampleConfig, c -> {
        long t0 = System.nanoTime();
        SampleSplit s = InteractionSamples.movieLens100k(dir, c);
        System.out.printf("built %,d train / %,d validation / %,d test samples, fields %s (%.2f s)%n", s.train().size(),
            s.validation().size(), s.test().size(), fieldNames(s), (System.nanoTime() - t0) / 1e9);
        return s;
      });
      Map<String, String> params = strings((Map<String, Object>) m.getOrDefault("params", Map.of()));
      float[][] testScores = new float[1][];
      Map<String, Object> row = row(Registry.rank(name), params, sampleConfig, split, threads, seed, testScores);
      if (firstScores == null) {
        firstScores = testScores[0];
        firstSplit = split;
      } else if (java.util.Arrays.equals(split.test().labels(), firstSplit.test().labels())
          && java.util.Arrays.equals(split.test().groups(), firstSplit.test().groups())) {
        Map<String, Object> diff = gaucDifference(testScores[0], firstScores, split.test().labels(), split.test().groups(), seed);
        row.put("gauc_minus_first", diff);
        System.out.printf("%s gauc minus first row's: %+.4f (95%% user-bootstrap interval %+.4f .. %+.4f)%n", name, diff.get("difference"),
            diff.get("ci95_low"), diff.get("ci95_high"));
      }
      rows.add(row);
    }
    return rows;
  }

  /**
   * GAUC(a) - GAUC(b) on the same rows (impression-weighted per-user AUC, one-class users skipped, as
   * {@link dev.funnel.rank.eval.RankMetrics#gauc}) and its 95% percentile interval over resamples of
   * the users with replacement.
   */
  static Map<String, Object> gaucDifference(float[] a, float[] b, float[] labels, int[] groups, long seed) {
    Map<Integer, List<Integer>> byUser = new LinkedHashMap<>();
    for (int r = 0; r < labels.length; r++) {
      byUser.computeIfAbsent(groups[r], g -> new ArrayList<>()).add(r);
    }
    List<double[]> users = new ArrayList<>(); // {weight, auc(a) - auc(b)}
    for (List<Integer> rows : byUser.values()) {
      float[] y = new float[rows.size()];
      float[] sa = new float[rows.size()];
      float[] sb = new float[rows.size()];
      double positives = 0;
      for (int i = 0; i < y.length; i++) {
        y[i] = labels[rows.get(i)];
        sa[i] = a[rows.get(i)];
        sb[i] = b[rows.get(i)];
        positives += y[i];
      }
      if (positives == 0 || positives == y.length) {
        continue;
      }
      users.add(new double[] {y.length, dev.funnel.rank.eval.RankMetrics.auc(sa, y) - dev.funnel.rank.eval.RankMetrics.auc(sb, y)});
    }
    int n = users.size();
    double[] diffs = new double[BOOTSTRAP];
    java.util.Random random = new java.util.Random(seed);
    for (int t = 0; t < BOOTSTRAP; t++) {
      double w = 0;
      double d = 0;
      for (int i = 0; i < n; i++) {
        double[] u = users.get(random.nextInt(n));
        w += u[0];
        d += u[0] * u[1];
      }
      diffs[t] = d / w;
    }
    java.util.Arrays.sort(diffs);
    double w = 0;
    double d = 0;
    for (double[] u : users) {
      w += u[0];
      d += u[0] * u[1];
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("difference", d / w);
    out.put("ci95_low", diffs[(int) (0.025 * BOOTSTRAP)]);
    out.put("ci95_high", diffs[(int) (0.975 * BOOTSTRAP) - 1]);
    out.put("users", n);
    return out;
  }

  private static String fieldNames(SampleSplit s) {
    List<String> names = new ArrayList<>();
    for (int f = 0; f < s.train().fields().numFields(); f++) {
      names.add(s.train().fields().name(f));
    }
    return names.size() > 12 ? names.subList(0, 12) + " and " + (names.size() - 12) + " more" : names.toString();
  }

  private static Map<String, String> strings(Map<String, Object> in) {
    Map<String, String> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  private static <C extends Record> Map<String, Object> row(RankAlgorithm<C> algorithm, Map<String, String> params,
      SampleConfig sampleConfig, SampleSplit split, int threads, long seed, float[][] testScores) {
    C config = Params.bind(algorithm.defaultConfig(), params);
    long t0 = System.nanoTime();
    RankModel model = algorithm.fit(config, split.train(), split.validation(),
        new TrainContext(threads, seed, Progress.summaries(line -> System.out.println(algorithm.name() + " " + line))));
    double fitSeconds = (System.nanoTime() - t0) / 1e9;
    testScores[0] = model.score(split.test());
    RankEvaluation onTest = RankEvaluation.of(testScores[0], split.test());
    RankEvaluation onValidation = RankEvaluation.of(model, split.validation());
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("model", algorithm.name());
    row.put("params", Params.describe(config));
    row.put("samples", Params.describe(sampleConfig));
    row.put("metrics", onTest.toMap());
    row.put("validation_auc", onValidation.auc());
    row.put("validation_gauc", onValidation.gauc());
    row.put("train_samples", split.train().size());
    row.put("test_samples", split.test().size());
    row.put("fit_seconds", Math.round(fitSeconds * 1000) / 1000.0);
    row.put("fit_threads", threads);
    System.out.printf("%s: test %s, validation auc %.4f gauc %.4f, fit %.1f s%n", algorithm.name(), onTest.toMap(), onValidation.auc(),
        onValidation.gauc(), fitSeconds);
    return row;
  }
}

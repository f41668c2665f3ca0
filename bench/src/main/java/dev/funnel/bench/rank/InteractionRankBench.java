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
 * {@code logloss}, {@code calibration}, and validation AUC and GAUC.
 *
 * <p>Preset fields: {@code data} (directory under the data root), {@code samples} (a {@link
 * SampleConfig} as key: value), {@code threads}, {@code seed}, and {@code models}: a list of {@code
 * {model: NAME, samples: {...}, params: {...}}}.
 */
public final class InteractionRankBench {
  private InteractionRankBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Path dataRoot, Path preset) {
    Path dir = dataRoot.resolve(BenchRunner.string(spec, "data", preset));
    Map<String, String> base = strings((Map<String, Object>) spec.getOrDefault("samples", Map.of()));
    int threads = ((Number) spec.getOrDefault("threads", 1)).intValue();
    long seed = ((Number) spec.getOrDefault("seed", 42)).longValue();
    Map<SampleConfig, SampleSplit> built = new HashMap<>();
    List<Map<String, Object>> rows = new ArrayList<>();
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
      rows.add(row(Registry.rank(name), params, sampleConfig, split, threads, seed));
    }
    return rows;
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
      SampleConfig sampleConfig, SampleSplit split, int threads, long seed) {
    C config = Params.bind(algorithm.defaultConfig(), params);
    long t0 = System.nanoTime();
    RankModel model = algorithm.fit(config, split.train(), split.validation(),
        new TrainContext(threads, seed, Progress.summaries(line -> System.out.println(algorithm.name() + " " + line))));
    double fitSeconds = (System.nanoTime() - t0) / 1e9;
    RankEvaluation onTest = RankEvaluation.of(model, split.test());
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

package dev.funnel.bench.rank;

import dev.funnel.bench.BenchRunner;
import dev.funnel.config.Params;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.LibsvmReader;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.ensemble.EnsembleConfig;
import dev.funnel.rank.ensemble.EnsembleModel;
import dev.funnel.rank.eval.RankEvaluation;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code rank-eval} preset kind: reads libFM train / validation / test files over a field map,
 * and for each model fits on train with early stopping on validation AUC, then reports test metrics
 * (auc, gauc by the group field, logloss, calibration) and validation AUC. Throughput is measured
 * apart, so early stopping does not blur it: {@code train_samples_per_s} is a fit of {@code
 * throughput_epochs} epochs without validation on each of {@code throughput_threads} thread counts (samples x
 * epochs / wall seconds; the row's figure is the last count's, all are in {@code
 * train_samples_per_s_by_threads}), {@code score_per_s} scores the test file single-threaded for about a second.
 *
 * <p>Preset fields: {@code data} (directory under the data root), {@code train}, {@code validation},
 * {@code test} (file names), {@code fields} (a {@link FieldMap} spec), {@code group_field}, {@code
 * threads} (of the quality fit; 1 is deterministic), {@code seed}, {@code throughput_epochs},
 * {@code throughput_threads}, and {@code models}: a list of {@code {model: NAME, params: {...}}}; a
 * nested map in params becomes dotted keys ({@code dcnv2: {dropout: 0.2}} is {@code dcnv2.dropout},
 * as an {@code ensemble}'s member settings are spelled). An {@code ensemble} row also lists each
 * member's validation AUC and test metrics under {@code members}.
 */
public final class RankBench {
  private RankBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Path dataRoot, Path preset) throws IOException {
    if (spec.containsKey("ensemble")) {
      throw new IllegalArgumentException(preset + ": field 'ensemble' is gone; list {model: ensemble, params: {members: ...}} instead; ensemble="
          + spec.get("ensemble"));
    }
    Path dir = dataRoot.resolve(BenchRunner.string(spec, "data", preset));
    FieldMap fields = FieldMap.parse(BenchRunner.string(spec, "fields", preset));
    String group = (String) spec.get("group_field");
    long t0 = System.nanoTime();
    SampleBatch train = LibsvmReader.read(dir.resolve(BenchRunner.string(spec, "train", preset)), fields, group);
    SampleBatch validation = LibsvmReader.read(dir.resolve(BenchRunner.string(spec, "validation", preset)), fields, group);
    SampleBatch test = LibsvmReader.read(dir.resolve(BenchRunner.string(spec, "test", preset)), fields, group);
    System.out.printf("read %,d train / %,d validation / %,d test samples (%.2f s)%n", train.size(), validation.size(), test.size(),
        (System.nanoTime() - t0) / 1e9);
    int threads = ((Number) spec.getOrDefault("threads", 1)).intValue();
    long seed = ((Number) spec.getOrDefault("seed", 42)).longValue();
    int throughputEpochs = ((Number) spec.getOrDefault("throughput_epochs", 5)).intValue();
    int[] throughputThreads = ((List<Number>) spec.getOrDefault("throughput_threads", List.of(1, 2))).stream()
        .mapToInt(Number::intValue).toArray();
    if (throughputThreads.length == 0) { // the row reports the last count's speed
      throw new IllegalArgumentException(preset + ": field 'throughput_threads': must list at least one thread count; throughput_threads=[]");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) spec.get("models")) {
      String name = BenchRunner.string(m, "model", preset);
      Map<String, String> params = new LinkedHashMap<>();
      flatten("", (Map<String, Object>) m.getOrDefault("params", Map.of()), params);
      rows.add(row(Registry.rank(name), params, train, validation, test, threads, seed, throughputEpochs, throughputThreads));
    }
    return rows;
  }

  /** {@code {a: 1, b: {c: 2}}} -> a=1, b.c=2. */
  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> in, Map<String, String> out) {
    in.forEach((k, v) -> {
      if (v instanceof Map<?, ?> nested) {
        flatten(prefix + k + ".", (Map<String, Object>) nested, out);
      } else {
        out.put(prefix + k, String.valueOf(v));
      }
    });
  }

  private static <C extends Record> Map<String, Object> row(RankAlgorithm<C> algorithm, Map<String, String> params, SampleBatch train,
      SampleBatch validation, SampleBatch test, int threads, long seed, int throughputEpochs, int[] throughputThreads) {
    C config = Params.bind(algorithm.defaultConfig(), params);
    long t0 = System.nanoTime();
    RankModel model = algorithm.fit(config, train, validation, new TrainContext(threads, seed, Progress.summaries(line -> System.out.println(algorithm.name() + " " + line))));
    double fitSeconds = (System.nanoTime() - t0) / 1e9;
    RankEvaluation onTest = RankEvaluation.of(model, test);
    RankEvaluation onValidation = RankEvaluation.of(model, validation);

    Map<String, String> speedParams = new LinkedHashMap<>(params);
    for (String prefix : config instanceof EnsembleConfig e ? e.memberNames().stream().map(n -> n + ".").toList() : List.of("")) {
      speedParams.put(prefix + "epochs", String.valueOf(throughputEpochs));
      speedParams.put(prefix + "patience", "0");
    }
    C speedConfig = Params.bind(algorithm.defaultConfig(), speedParams);
    Map<String, Object> speeds = new LinkedHashMap<>();
    long samplesPerSecond = 0;
    for (int t : throughputThreads) {
      long t1 = System.nanoTime();
      algorithm.fit(speedConfig, train, null, new TrainContext(t, seed, Progress.NONE));
      samplesPerSecond = Math.round((double) train.size() * throughputEpochs / ((System.nanoTime() - t1) / 1e9));
      speeds.put(String.valueOf(t), samplesPerSecond);
    }

    float[] out = new float[test.size()];
    model.score(test, out); // warm-up
    long scored = 0;
    long t2 = System.nanoTime();
    while (System.nanoTime() - t2 < 1_000_000_000L) {
      model.score(test, out);
      scored += test.size();
    }
    double scoreSeconds = (System.nanoTime() - t2) / 1e9;

    Map<String, Object> row = new LinkedHashMap<>();
    row.put("model", algorithm.name());
    row.put("params", Params.describe(config));
    row.put("metrics", onTest.toMap());
    row.put("validation_auc", onValidation.auc());
    row.put("fit_seconds", round(fitSeconds));
    row.put("fit_threads", threads);
    row.put("train_samples_per_s", samplesPerSecond);
    row.put("train_threads", throughputThreads[throughputThreads.length - 1]);
    row.put("train_samples_per_s_by_threads", speeds);
    row.put("score_per_s", Math.round(scored / scoreSeconds));
    if (model instanceof EnsembleModel e) {
      List<Map<String, Object>> members = new ArrayList<>();
      for (RankModel member : e.members()) {
        RankEvaluation memberTest = RankEvaluation.of(member, test);
        double memberValidation = RankEvaluation.of(member, validation).auc();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", member.algorithm());
        m.put("metrics", memberTest.toMap());
        m.put("validation_auc", memberValidation);
        members.add(m);
        System.out.printf("  member %s: validation auc %.6f, test %s%n", member.algorithm(), memberValidation, memberTest.toMap());
      }
      row.put("members", members);
    }
    System.out.printf("%s: test %s, fit %.2f s, train samples/s by threads %s, %,d scores/s%n", algorithm.name(), onTest.toMap(),
        fitSeconds, speeds, row.get("score_per_s"));
    return row;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}

package dev.funnel.bench.rank.multitask;

import dev.funnel.bench.BenchRunner;
import dev.funnel.config.Params;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.eval.RankEvaluation;
import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.rank.multitask.MultiTaskAlgorithm;
import dev.funnel.rank.multitask.MultiTaskBatch;
import dev.funnel.rank.multitask.MultiTaskEvaluation;
import dev.funnel.rank.multitask.MultiTaskModel;
import dev.funnel.rank.multitask.synthetic.ImpressionSimulator;
import dev.funnel.rank.multitask.synthetic.ImpressionSimulatorConfig;
import dev.funnel.rank.multitask.synthetic.SimulatedImpressions;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code esmm-synthetic} preset kind: ESMM's claim (Ma et al., SIGIR 2018) on simulated
 * impressions with known conversion propensities ({@link ImpressionSimulator}). For each seed a new
 * world (world seed = {@code world.seed} + seed) and new train / validation / test draws; every model
 * fits on train (early stopping on validation) and is scored on test:
 *
 * <ul>
 *   <li>{@code cvr_entire}: pCVR against each test impression's would-convert-if-clicked draw, over
 *       ALL impressions (auc, gauc by user, logloss, calibration), the entire-space CVR quality: the
 *       row's top-level {@code metrics};
 *   <li>{@code cvr_all_conversion_auc}: pCVR against the observed conversions on all impressions;
 *   <li>{@code tasks}: ctr (all impressions), cvr (clicked impressions), ctcvr (all), as {@link
 *       MultiTaskEvaluation}.
 * </ul>
 *
 * {@code shared_taste} (a list) runs the whole comparison once per value of the world's ρ (how much
 * clicks and conversions share their drivers), each row naming its {@code shared_taste}.
 *
 * <p>A model entry is {@code {name, model, params}} for a {@link MultiTaskAlgorithm}, or {@code {name,
 * model, params, baseline: clicked}} for a single-task ranker fitted twice: on all train impressions
 * with click labels (pCTR) and on the clicked ones with conversion labels (pCVR), the conventional
 * CVR model. {@code model: oracle} scores with the true probabilities (the ceiling). Rows give the
 * mean over seeds, the sample standard deviation ({@code metrics_std}) and every seed's figures.
 */
public final class EsmmSyntheticBench {
  private EsmmSyntheticBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Path preset) {
    Map<String, String> world = new LinkedHashMap<>();
    ((Map<String, Object>) spec.getOrDefault("world", Map.of())).forEach((k, v) -> world.put(k, String.valueOf(v)));
    ImpressionSimulatorConfig configured = Params.bind(ImpressionSimulatorConfig.defaults(), world);
    List<Number> rhos = (List<Number>) spec.getOrDefault("shared_taste", List.of(configured.sharedTaste()));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Number rho : rhos) {
      ImpressionSimulatorConfig base = new ImpressionSimulatorConfig(configured.users(), configured.items(), configured.categories(),
          configured.latentDim(), configured.userSkew(), configured.itemSkew(), configured.ctr(), configured.cvr(), rho.doubleValue(),
          configured.seed());
      System.out.println("== sharedTaste " + rho);
      for (Map<String, Object> row : runWorld(spec, base, preset)) {
        Map<String, Object> withRho = new LinkedHashMap<>();
        withRho.put("shared_taste", rho.doubleValue());
        withRho.putAll(row);
        rows.add(withRho);
      }
    }
    return rows;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> runWorld(Map<String, Object> spec, ImpressionSimulatorConfig base, Path preset) {
    int trainRows = ((Number) spec.getOrDefault("train", 400_000)).intValue();
    int validationRows = ((Number) spec.getOrDefault("validation", 100_000)).intValue();
    int testRows = ((Number) spec.getOrDefault("test", 200_000)).intValue();
    List<Number> seeds = (List<Number>) spec.getOrDefault("seeds", List.of(1));
    List<Map<String, Object>> models = (List<Map<String, Object>>) spec.get("models");
    if (models == null || models.isEmpty()) {
      throw new IllegalArgumentException(preset + ": field 'models' must list at least one model");
    }
    // results[model][seed] = flat metric name -> value
    List<List<Map<String, Double>>> results = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      results.add(new ArrayList<>());
    }
    List<Map<String, Object>> worlds = new ArrayList<>();
    for (Number seedNumber : seeds) {
      long seed = seedNumber.longValue();
      ImpressionSimulatorConfig c = new ImpressionSimulatorConfig(base.users(), base.items(), base.categories(), base.latentDim(),
          base.userSkew(), base.itemSkew(), base.ctr(), base.cvr(), base.sharedTaste(), base.seed() + seed);
      long t0 = System.nanoTime();
      ImpressionSimulator simulator = new ImpressionSimulator(c);
      SimulatedImpressions train = simulator.draw(trainRows, seed * 1_000_003L + 1);
      SimulatedImpressions validation = simulator.draw(validationRows, seed * 1_000_003L + 2);
      SimulatedImpressions test = simulator.draw(testRows, seed * 1_000_003L + 3);
      Map<String, Object> w = describe(seed, train, test);
      worlds.add(w);
      System.out.printf("seed %d: world %s (%.2f s)%n", seed, w, (System.nanoTime() - t0) / 1e9);
      for (int m = 0; m < models.size(); m++) {
        Map<String, Object> entry = models.get(m);
        long t1 = System.nanoTime();
        float[][] p = fitAndScore(entry, train, validation, test, seed, preset);
        double seconds = (System.nanoTime() - t1) / 1e9;
        Map<String, Double> flat = metrics(p[0], p[1], test);
        flat.put("fit_seconds", seconds);
        results.get(m).add(flat);
        System.out.printf("seed %d %s: cvr_entire auc %.4f gauc %.4f logloss %.4f | cvr(clicked) auc %.4f | ctr auc %.4f | ctcvr auc %.4f (%.1f s)%n",
            seed, entry.get("name"), flat.get("cvr_entire.auc"), flat.get("cvr_entire.gauc"), flat.get("cvr_entire.logloss"),
            flat.get("cvr.auc"), flat.get("ctr.auc"), flat.get("ctcvr.auc"), seconds);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      Map<String, Object> entry = models.get(m);
      List<Map<String, Double>> bySeed = results.get(m);
      Map<String, Double> mean = new LinkedHashMap<>();
      Map<String, Double> std = new LinkedHashMap<>();
      for (String key : bySeed.get(0).keySet()) {
        double sum = 0;
        for (Map<String, Double> s : bySeed) {
          sum += s.get(key);
        }
        double mu = sum / bySeed.size();
        double sq = 0;
        for (Map<String, Double> s : bySeed) {
          sq += (s.get(key) - mu) * (s.get(key) - mu);
        }
        mean.put(key, round(mu));
        std.put(key, bySeed.size() > 1 ? round(Math.sqrt(sq / (bySeed.size() - 1))) : null);
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("model", entry.get("name"));
      row.put("algorithm", entry.get("model"));
      row.put("params", entry.getOrDefault("params", Map.of()));
      if (entry.containsKey("baseline")) {
        row.put("baseline", entry.get("baseline"));
      }
      row.put("seeds", seeds);
      row.put("metrics", nest(mean, "cvr_entire"));
      row.put("tasks", tasks(mean));
      row.put("cvr_all_conversion_auc", mean.get("cvr_all_conversion.auc"));
      row.put("metrics_std", nest(std, "cvr_entire"));
      row.put("tasks_std", tasks(std));
      row.put("fit_seconds", mean.get("fit_seconds"));
      List<Map<String, Object>> per = new ArrayList<>();
      for (int s = 0; s < bySeed.size(); s++) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("seed", seeds.get(s));
        one.put("cvr_entire", nest(bySeed.get(s), "cvr_entire"));
        one.put("tasks", tasks(bySeed.get(s)));
        per.add(one);
      }
      row.put("per_seed", per);
      row.put("worlds", worlds);
      rows.add(row);
    }
    summary(models, results);
    return rows;
  }

  /** Test-set figures of the probabilities pCTR and pCVR, flat ("task.metric"). */
  static Map<String, Double> metrics(float[] pCtr, float[] pCvr, SimulatedImpressions test) {
    Map<String, Double> flat = new LinkedHashMap<>();
    put(flat, "cvr_entire", RankEvaluation.of(pCvr, test.conversionIfClickedBatch()));
    MultiTaskEvaluation e = MultiTaskEvaluation.of(pCtr, pCvr, test.batch());
    put(flat, MultiTaskModel.CTR, e.ctr());
    put(flat, MultiTaskModel.CVR, e.cvr());
    put(flat, MultiTaskModel.CTCVR, e.ctcvr());
    flat.put("cvr_all_conversion.auc", RankMetrics.auc(pCvr, test.batch().labels(MultiTaskBatch.CONVERSION)));
    return flat;
  }

  private static void put(Map<String, Double> flat, String task, RankEvaluation e) {
    flat.put(task + ".auc", e.auc());
    flat.put(task + ".gauc", e.gauc());
    flat.put(task + ".logloss", e.logloss());
    flat.put(task + ".calibration", e.calibration());
  }

  private static Map<String, Object> nest(Map<String, Double> flat, String task) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String metric : List.of("auc", "gauc", "logloss", "calibration")) {
      m.put(metric, flat.get(task + "." + metric));
    }
    return m;
  }

  private static Map<String, Object> tasks(Map<String, Double> flat) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String task : List.of(MultiTaskModel.CTR, MultiTaskModel.CVR, MultiTaskModel.CTCVR)) {
      m.put(task, nest(flat, task));
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static float[][] fitAndScore(Map<String, Object> entry, SimulatedImpressions train, SimulatedImpressions validation,
      SimulatedImpressions test, long seed, Path preset) {
    String name = BenchRunner.string(entry, "name", preset);
    String model = BenchRunner.string(entry, "model", preset);
    if (model.equals("oracle")) {
      return new float[][] {test.clickProbability(), test.conversionProbability()};
    }
    Map<String, String> params = new LinkedHashMap<>();
    ((Map<String, Object>) entry.getOrDefault("params", Map.of())).forEach((k, v) -> params.put(k, String.valueOf(v)));
    RankAlgorithm<?> algorithm = Registry.rank(model);
    TrainContext context = new TrainContext(1, seed, Progress.summaries(line -> System.out.println("  " + name + " " + line)));
    SampleBatch testSamples = test.batch().samples();
    if (algorithm instanceof MultiTaskAlgorithm<?> multi) {
      if (entry.containsKey("baseline")) {
        throw new IllegalArgumentException(preset + ": model '" + name + "': 'baseline' is for single-task rankers");
      }
      MultiTaskModel fitted = fitMulti(multi, params, train.batch(), validation.batch(), context);
      return new float[][] {fitted.score(testSamples, MultiTaskModel.CTR), fitted.score(testSamples, MultiTaskModel.CVR)};
    }
    if (!"clicked".equals(entry.get("baseline"))) {
      throw new IllegalArgumentException(preset + ": model '" + name + "' is single-task: set baseline: clicked");
    }
    MultiTaskBatch trainClicked = train.batch().select(train.batch().positiveRows(MultiTaskBatch.CLICK));
    MultiTaskBatch validationClicked = validation.batch().select(validation.batch().positiveRows(MultiTaskBatch.CLICK));
    RankModel ctr = fitSingle(algorithm, params, train.batch().asTask(MultiTaskBatch.CLICK),
        validation.batch().asTask(MultiTaskBatch.CLICK), context);
    RankModel cvr = fitSingle(algorithm, params, trainClicked.asTask(MultiTaskBatch.CONVERSION),
        validationClicked.asTask(MultiTaskBatch.CONVERSION), context);
    return new float[][] {ctr.score(testSamples), cvr.score(testSamples)};
  }

  private static <C extends Record> MultiTaskModel fitMulti(MultiTaskAlgorithm<C> algorithm, Map<String, String> params,
      MultiTaskBatch train, MultiTaskBatch validation, TrainContext context) {
    return algorithm.fit(Params.bind(algorithm.defaultConfig(), params), train, validation, context);
  }

  private static <C extends Record> RankModel fitSingle(RankAlgorithm<C> algorithm, Map<String, String> params, SampleBatch train,
      SampleBatch validation, TrainContext context) {
    return algorithm.fit(Params.bind(algorithm.defaultConfig(), params), train, validation, context);
  }

  private static Map<String, Object> describe(long seed, SimulatedImpressions train, SimulatedImpressions test) {
    float[] clicks = train.batch().labels(MultiTaskBatch.CLICK);
    float[] conversions = train.batch().labels(MultiTaskBatch.CONVERSION);
    double c = 0;
    double v = 0;
    for (int r = 0; r < clicks.length; r++) {
      c += clicks[r];
      v += conversions[r];
    }
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("seed", seed);
    w.put("train_impressions", clicks.length);
    w.put("train_clicks", (long) c);
    w.put("train_conversions", (long) v);
    w.put("ctr", round(c / clicks.length));
    w.put("cvr_given_click", round(v / c));
    w.put("test_impressions", test.batch().size());
    return w;
  }

  /** One line per model: mean ± sd of the headline (cvr_entire auc) and the per-task AUCs. */
  private static void summary(List<Map<String, Object>> models, List<List<Map<String, Double>>> results) {
    System.out.println("model                 cvr_entire auc     cvr_entire gauc    cvr(clicked) auc   ctr auc            ctcvr auc");
    for (int m = 0; m < models.size(); m++) {
      StringBuilder line = new StringBuilder(String.format("%-20s", models.get(m).get("name")));
      for (String key : List.of("cvr_entire.auc", "cvr_entire.gauc", "cvr.auc", "ctr.auc", "ctcvr.auc")) {
        double sum = 0;
        double sq = 0;
        List<Map<String, Double>> bySeed = results.get(m);
        for (Map<String, Double> s : bySeed) {
          sum += s.get(key);
        }
        double mu = sum / bySeed.size();
        for (Map<String, Double> s : bySeed) {
          sq += (s.get(key) - mu) * (s.get(key) - mu);
        }
        double sd = bySeed.size() > 1 ? Math.sqrt(sq / (bySeed.size() - 1)) : 0;
        line.append(String.format("  %.4f ± %.4f  ", mu, sd));
      }
      System.out.println(line);
    }
  }

  private static Double round(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 1e5) / 1e5;
  }
}

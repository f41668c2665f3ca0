package dev.funnel.pipeline.offline;

import dev.funnel.data.Dataset;
import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.Evaluator;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.experiment.ResultRow;
import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.Pipeline;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.SceneBuilder;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.Stages;
import dev.funnel.pipeline.stacking.StackingFeatures;
import dev.funnel.pipeline.stacking.StackingModel;
import dev.funnel.pipeline.stacking.StackingRanker;
import dev.funnel.pipeline.stacking.StackingSettings;
import dev.funnel.pipeline.stacking.StackingTraining;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.store.catalog.ItemRecord;
import dev.funnel.util.Parallel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whole-funnel evaluation ({@code funnel eval --scene FILE}): a dataset's test split replayed through
 * a scene exactly as served. Every model the scene names ({@code model:} keys, registry names) is
 * trained on the train split; the scene runs over {@link OfflineResources} (the training interactions
 * as each user's online activity, in time order) with channel timeouts lifted ({@link ReplayPipeline});
 * each test user asks for one page of {@code max(ks)} items. A {@code model-ranker} rank stage is first
 * trained by {@link StackingTraining} on a validation split carved from train.
 *
 * <p>Reported, in the {@code funnel eval --json} row contract ({@link ResultRow}, {@code model} =
 * {@code funnel:SCENE}), averaged over test users as the evaluator does:
 * <ul>
 *   <li>{@code recall@budget:CHANNEL}: |T(u) ∩ C_c(u)| / |T(u)|, C_c(u) the merged candidates (at the
 *       budget, after filters) that channel c proposed; {@code recall@budget:union}: the same over all
 *       candidates, the ceiling of any rank stage; {@code candidates}: mean candidates per request;
 *   <li>the foundation's top-K metrics of the final page, computed by {@link Evaluator#fullSort} itself
 *       over the pages ({@link RankedLists}; the user's training items excluded as for every model);
 *   <li>beyond accuracy at the largest K: {@code diversity@K} intra-list diversity, the mean over item
 *       pairs of 1 − Jaccard(categories) (Ziegler et al., WWW 2005); {@code category_coverage@K}, the share
 *       of catalogue categories in some page; {@code novelty@K}, the mean of −log2(max(deg(i), 1) / |U|)
 *       over page items, deg the training degree (Zhou et al., PNAS 2010). Without categories (gowalla)
 *       the first two are absent.
 * </ul>
 * With {@link Settings#singles()} each model of the scene also gets its usual row (same fitted model,
 * same protocol), so the funnel and its parts are compared side by side. The funnel row's
 * {@code fit_seconds} is the whole training (stacking included), {@code eval_seconds} the replay and scoring.
 */
public final class FunnelEvaluation {
  /**
   * @param ks cut-offs; the page asked for is max(ks)
   * @param modelParams model name -> parameters (as {@code --set model.key=value})
   * @param singles also evaluate each model of the scene on its own
   */
  public record Settings(int[] ks, int threads, long seed, Map<String, Map<String, String>> modelParams, boolean singles,
      java.nio.file.Path saveRanker) {
    /** Without saving the stacking ranker. */
    public Settings(int[] ks, int threads, long seed, Map<String, Map<String, String>> modelParams, boolean singles) {
      this(ks, threads, seed, modelParams, singles, null);
    }

    public Settings {
      if (ks.length == 0) {
        throw new IllegalArgumentException("at least one K is needed; ks=[]");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be positive; threads=" + threads);
      }
      modelParams = modelParams == null ? Map.of() : Map.copyOf(modelParams);
    }
  }

  private FunnelEvaluation() {}

  /** The models a scene names under any {@code model} key, in order of appearance. */
  public static List<String> models(Map<String, Object> scene) {
    Set<String> out = new LinkedHashSet<>();
    collect(scene, out);
    return new ArrayList<>(out);
  }

  private static void collect(Object node, Set<String> out) {
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if ("model".equals(String.valueOf(e.getKey())) && e.getValue() != null && !(e.getValue() instanceof Map<?, ?>)) {
          out.add(String.valueOf(e.getValue()));
        } else {
          collect(e.getValue(), out);
        }
      }
    } else if (node instanceof List<?> l) {
      l.forEach(x -> collect(x, out));
    }
  }

  /** Rows: each single model (with {@code singles}), then {@code funnel:SCENE}. */
  public static List<ResultRow> run(String file, Map<String, Object> scene, Dataset dataset, Settings settings, TrainContext context,
      PrintStream log) {
    if (dataset.test().nnz() == 0) {
      throw new IllegalArgumentException("dataset '" + dataset.name() + "' has no test interactions to evaluate on; choose a split");
    }
    List<String> names = models(scene);
    if (names.isEmpty()) {
      throw new IllegalArgumentException(file + ": the scene names no model (a 'model' key); an offline replay trains the models it names");
    }
    for (String m : names) {
      if (!Registry.recallAlgorithms().containsKey(m)) {
        throw new IllegalArgumentException(file + ": model '" + m + "' is not a registered algorithm; offline evaluation trains the scene's models "
            + "by registry name; models: " + String.join(", ", new TreeMap<>(Registry.recallAlgorithms()).keySet()));
      }
    }
    int k = java.util.Arrays.stream(settings.ks()).max().getAsInt();
    Map<String, ItemRecord> catalogue = OfflineResources.catalogue(dataset.itemFeatures(), dataset.items());
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "funnel-eval-channel");
      t.setDaemon(true);
      return t;
    });
    try {
      Object rank = scene.get("rank");
      Map<String, Object> rankMap = rank instanceof Map<?, ?> ? cast(rank) : null;
      boolean stacking = rankMap != null && "model-ranker".equals(String.valueOf(rankMap.get("type")));
      StackingModel stacked = null;
      String rankName = stacking ? String.valueOf(rankMap.getOrDefault("name", "model-ranker")) : null;
      long fitStart = System.nanoTime();
      if (stacking) {
        stacked = trainStacking(file, scene, rankMap, dataset, names, settings, context, catalogue, executor, k, log);
        if (settings.saveRanker() != null) {
          try {
            dev.funnel.pipeline.stacking.StackingModelFile.write(settings.saveRanker(), stacked);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(settings.saveRanker() + ": cannot write the stacking ranker: " + e.getMessage(), e);
          }
          log.printf("saved      stacking ranker to %s (load it with rank: {type: model-ranker, file: PATH})%n", settings.saveRanker());
        }
      }

      // A model-ranker pre-rank is trained the same way, on the same (fused, pre-rank-less) validation replay.
      Object pre = scene.get("prerank");
      Map<String, Object> preMap = pre instanceof Map<?, ?> ? cast(pre) : null;
      StackingModel preStacked = null;
      String preName = preMap == null ? null : String.valueOf(preMap.getOrDefault("name", "prerank"));
      if (preMap != null && "model-ranker".equals(String.valueOf(preMap.get("type")))) {
        preStacked = trainStacking(file, scene, preMap, dataset, names, settings, context, catalogue, executor, k, log);
      }

      Map<String, FittedModel> fitted = new LinkedHashMap<>();
      Map<String, SavedModel> saved = new LinkedHashMap<>();
      for (String m : names) {
        FittedModel f = Experiment.fit(m, settings.modelParams().getOrDefault(m, Map.of()), dataset.train(), context.withItemFeatures(dataset.itemFeatures()));
        log.printf("train      %s in %.2f s%n", m, f.fitSeconds());
        fitted.put(m, f);
        saved.put(m, SavedModel.of(f.model(), dataset.users(), dataset.items(), dataset.train()));
      }
      double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
      List<ResultRow> rows = new ArrayList<>();
      if (settings.singles()) {
        Experiment.Protocol protocol = new Experiment.Protocol(settings.ks(), 0, settings.threads(), settings.seed());
        for (String m : names) {
          rows.add(Experiment.evaluate(fitted.get(m), dataset, protocol, context));
        }
      }
      long start = System.nanoTime();
      OfflineResources resources = OfflineResources.of(saved, dataset.train(), dataset.users(), dataset.items(), catalogue);
      if (stacked != null) {
        resources.put(StackingRanker.key(rankName), stacked);
      }
      if (preStacked != null) {
        resources.put(StackingRanker.key(preName), preStacked);
      }
      Pipeline served = new SceneBuilder(Stages.installed(), resources, executor).build(file, scene);
      ReplayPipeline replay = new ReplayPipeline(served, resources, executor);
      rows.add(replayTest(replay, served, dataset, settings, context, catalogue, resources.now(), k, start, stacked, fitSeconds, log));
      return rows;
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * Trains the stacking ranker of {@code rankMap} leakage-free ({@link StackingTraining}): the scene's
   * models on the rest of a validation split of {@code dataset.train()}, the scene replayed with fusion
   * for validation users, the ranker fit on their candidates. Also used by the serve-funnel bench.
   */
  public static StackingModel trainStacking(String file, Map<String, Object> scene, Map<String, Object> rankMap, Dataset dataset,
      List<String> names, Settings settings, TrainContext context, Map<String, ItemRecord> catalogue, ExecutorService executor, int k,
      PrintStream log) {
    StackingSettings ss = StackingSettings.read(new StageConfig("rank", rankMap, null));
    long t0 = System.nanoTime();
    StackingTraining.Split split = StackingTraining.split(dataset.train(), ss.validation(), settings.seed());
    Map<String, SavedModel> restModels = new LinkedHashMap<>();
    for (String m : names) {
      FittedModel f = Experiment.fit(m, settings.modelParams().getOrDefault(m, Map.of()), split.rest(), context.withItemFeatures(dataset.itemFeatures()));
      restModels.put(m, SavedModel.of(f.model(), dataset.users(), dataset.items(), split.rest()));
    }
    OfflineResources rest = OfflineResources.of(restModels, split.rest(), dataset.users(), dataset.items(), catalogue);
    Map<String, Object> fused = new LinkedHashMap<>(scene);
    fused.put("rank", Map.of("type", "fusion", "method", "rrf"));
    fused.remove("prerank"); // the validation candidates are all merged candidates, the input of either stage
    fused.remove("ads"); // fusion gives no pCTR; ads mode's filter would also hide the non-ads a ranker learns from
    Pipeline validationScene = new SceneBuilder(Stages.installed(), rest, executor).build(file, fused);
    List<String> channels = new ArrayList<>();
    for (Pipeline.ChannelSlot s : validationScene.channels()) {
      channels.add(s.channel().name());
    }
    StackingFeatures features = new StackingFeatures(channels, "fields".equals(new StageConfig("rank", rankMap, null).choice("layout", "sparse",
        List.of("sparse", "fields"))));
    StackingTraining.Samples samples = StackingTraining.samples(new ReplayPipeline(validationScene, rest, executor), features, split,
        dataset.users(), dataset.items(), ss, k, rest.now(), settings.seed(), settings.threads());
    StackingModel model = StackingTraining.fit(features, samples, ss, context);
    log.printf("stacking   %s on %,d validation users: %,d rows, %,d positives (%.2f s, leakage-free: candidate models trained on %,d of %,d train interactions)%n",
        ss.algorithm(), samples.users(), samples.candidates(), samples.positives(), (System.nanoTime() - t0) / 1e9, split.rest().nnz(),
        dataset.train().nnz());
    return model;
  }

  private static ResultRow replayTest(ReplayPipeline replay, Pipeline served, Dataset dataset, Settings settings, TrainContext context,
      Map<String, ItemRecord> catalogue, long now, int k, long start, StackingModel stacked, double fitSeconds, PrintStream log) {
    Interactions train = dataset.train();
    Interactions test = dataset.test();
    IdMap users = dataset.users();
    IdMap items = dataset.items();
    int nu = test.numUsers();
    List<String> channels = new ArrayList<>();
    for (Pipeline.ChannelSlot s : served.channels()) {
      channels.add(s.channel().name());
    }
    int nc = channels.size();
    int[][] lists = new int[nu][];
    double[][] channelRecall = new double[nu][];
    double[] unionRecall = new double[nu];
    int[] candidates = new int[nu];
    AtomicInteger degraded = new AtomicInteger();
    Parallel.forRange(nu, settings.threads(), 32, (worker, from, to) -> {
      for (int u = from; u < to; u++) {
        int nt = test.userDegree(u);
        if (nt == 0) {
          continue;
        }
        Set<String> truth = new HashSet<>();
        for (int i : test.itemsOf(u)) {
          truth.add(items.external(i));
        }
        ReplayPipeline.Replay r = replay.run(PipelineRequest.forUser(users.external(u), k, now));
        if (r.result().isDegraded()) {
          degraded.incrementAndGet();
        }
        double[] per = new double[nc];
        int union = 0;
        for (Candidate c : r.candidates()) {
          if (!truth.contains(c.item())) {
            continue;
          }
          union++;
          for (int ci = 0; ci < nc; ci++) {
            if (c.channelScores().containsKey(channels.get(ci))) {
              per[ci]++;
            }
          }
        }
        for (int ci = 0; ci < nc; ci++) {
          per[ci] /= nt;
        }
        channelRecall[u] = per;
        unionRecall[u] = (double) union / nt;
        candidates[u] = r.candidates().size();
        int[] list = new int[r.result().items().size()];
        int n = 0;
        for (Candidate c : r.result().items()) {
          int id = items.get(c.item());
          if (id >= 0 && id < train.numItems()) {
            list[n++] = id;
          }
        }
        lists[u] = java.util.Arrays.copyOf(list, n);
      }
    });
    double replaySeconds = (System.nanoTime() - start) / 1e9;
    EvalResult top = Evaluator.fullSort(new RankedLists(lists, train.numItems()), train, test, settings.ks(), settings.threads(), context.progress());
    Map<String, Double> metrics = new LinkedHashMap<>(top.metrics());
    int evaluated = 0;
    double[] perSum = new double[nc];
    double unionSum = 0;
    double candSum = 0;
    for (int u = 0; u < nu; u++) {
      if (channelRecall[u] == null) {
        continue;
      }
      evaluated++;
      for (int ci = 0; ci < nc; ci++) {
        perSum[ci] += channelRecall[u][ci];
      }
      unionSum += unionRecall[u];
      candSum += candidates[u];
    }
    double e = Math.max(1, evaluated);
    for (int ci = 0; ci < nc; ci++) {
      metrics.put("recall@budget:" + channels.get(ci), perSum[ci] / e);
    }
    metrics.put("recall@budget:union", unionSum / e);
    metrics.put("candidates", candSum / e);
    BeyondAccuracy.add(metrics, lists, train, items, catalogue, k);
    metrics.put("degraded_requests", (double) degraded.get());
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("budget", served.budget());
    params.put("channels", channels);
    params.put("ranking", served.ranking());
    if (served.prerank() != null) {
      params.put("prerank", served.prerank().ranker().description());
      params.put("prerank_keep", served.prerank().keep());
    }
    if (served.ads() != null) {
      params.put("ads_bid", served.ads().attribute());
    }
    if (stacked != null) {
      params.put("stacking_rows", stacked.samples());
      params.put("stacking_positives", stacked.positives());
    }
    log.printf("funnel     %s: %,d users replayed in %.2f s, union recall@%d %.4f%n", served.name(), evaluated, replaySeconds, served.budget(),
        unionSum / e);
    return new ResultRow("funnel:" + served.name(), params, top.protocol(), metrics, fitSeconds, replaySeconds + top.seconds(), top.usersEvaluated(),
        top.usersSkipped());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    Map<String, Object> m = new LinkedHashMap<>();
    ((Map<Object, Object>) o).forEach((key, v) -> m.put(String.valueOf(key), v));
    return m;
  }
}

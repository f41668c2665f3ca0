package dev.funnel.experiment;

import dev.funnel.config.Params;
import dev.funnel.data.Dataset;
import dev.funnel.data.Interactions;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.Evaluator;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import java.util.Map;

/**
 * Train by registry name, then evaluate: the one code path behind {@code funnel eval}, {@code
 * funnel train}, the quickstart and the benchmark presets, so their numbers agree.
 */
public final class Experiment {
  /** Evaluation protocol: full ranking over all items, or a sampled one with N negatives. */
  public record Protocol(int[] ks, int sampledNegatives, int threads, long seed) {
    public Protocol {
      if (ks.length == 0) {
        throw new IllegalArgumentException("at least one K is needed");
      }
      for (int k : ks) {
        if (k < 1) {
          throw new IllegalArgumentException("K must be >= 1; k=" + k);
        }
      }
      if (sampledNegatives < 0) {
        throw new IllegalArgumentException("sampledNegatives must be >= 0 (0 = full ranking); sampledNegatives=" + sampledNegatives);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1; threads=" + threads);
      }
    }

    public boolean sampled() {
      return sampledNegatives > 0;
    }
  }

  private Experiment() {}

  /**
   * The resolved config of {@code algorithm} with {@code params}: fails at once on an unknown
   * model, key or value, so commands can check every model before loading data or training any.
   */
  public static Record configure(String algorithm, Map<String, String> params) {
    RecallAlgorithm<?> a = Registry.recall(algorithm);
    return Params.bind(a.defaultConfig(), params);
  }

  /** Binds {@code params} onto the algorithm's defaults and trains on {@code train}. */
  public static FittedModel fit(String algorithm, Map<String, String> params, Interactions train, TrainContext context) {
    return fitTyped(Registry.recall(algorithm), params, train, context);
  }

  private static <C extends Record> FittedModel fitTyped(RecallAlgorithm<C> algorithm, Map<String, String> params,
      Interactions train, TrainContext context) {
    C config = Params.bind(algorithm.defaultConfig(), params);
    long start = System.nanoTime();
    RecallModel model = algorithm.train(train, config, context);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new FittedModel(model, Params.describe(config), seconds);
  }

  /** Evaluates a fitted model on the dataset's test part. */
  public static ResultRow evaluate(FittedModel fitted, Dataset dataset, Protocol protocol, TrainContext context) {
    if (dataset.test().nnz() == 0) {
      throw new IllegalArgumentException("dataset '" + dataset.name() + "' has no test interactions to evaluate on; choose a split");
    }
    EvalResult r = protocol.sampled()
        ? Evaluator.sampled(fitted.model(), dataset.train(), dataset.test(), protocol.ks(), protocol.sampledNegatives(),
            protocol.seed(), protocol.threads(), context.progress())
        : Evaluator.fullSort(fitted.model(), dataset.train(), dataset.test(), protocol.ks(), protocol.threads(), context.progress());
    return new ResultRow(fitted.model().algorithm(), fitted.params(), r.protocol(), r.metrics(), fitted.fitSeconds(), r.seconds(),
        r.usersEvaluated(), r.usersSkipped());
  }
}

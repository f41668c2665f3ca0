package dev.funnel.bench.recall;

import dev.funnel.config.Params;
import dev.funnel.data.Dataset;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.Evaluator;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.simplex.Simplex;
import dev.funnel.recall.simplex.SimplexConfig;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learning curve of SimpleX: per-epoch loss and time, and full-sort Recall/NDCG@20 on the test part
 * every few epochs (used to choose the {@code gowalla-simplex} settings; the preset itself trains a fixed
 * number of epochs and does not look at the test part while training).
 *
 * <p>Usage: {@code SimplexCurve lightgcn:DIR EVAL_EVERY [key=value ...]} (keys of {@link SimplexConfig}).
 */
public final class SimplexCurve {
  private SimplexCurve() {}

  public static void main(String[] args) {
    Dataset d = DatasetLoader.load(args[0], LoadOptions.defaults()).dataset();
    int every = Integer.parseInt(args[1]);
    Map<String, String> params = new TreeMap<>();
    for (int a = 2; a < args.length; a++) {
      int eq = args[a].indexOf('=');
      params.put(args[a].substring(0, eq), args[a].substring(eq + 1));
    }
    SimplexConfig config = Params.bind(SimplexConfig.defaults(), params);
    System.out.println("config " + config);
    int threads = Parallel.defaultThreads();
    Progress lines = Progress.summaries(summary -> {
      System.out.println(summary);
      System.out.flush();
    });
    long t0 = System.nanoTime();
    new Simplex().train(d.train(), config, new TrainContext(threads, 42L, lines), every, model -> {
      EvalResult r = Evaluator.fullSort(model, d.train(), d.test(), new int[] {20}, threads, Progress.NONE);
      System.out.printf("  recall@20 %.4f ndcg@20 %.4f (eval %.1f s, %.0f s since start)%n", r.metric("recall@20"),
          r.metric("ndcg@20"), r.seconds(), (System.nanoTime() - t0) / 1e9);
      return r.metric("recall@20");
    });
  }
}

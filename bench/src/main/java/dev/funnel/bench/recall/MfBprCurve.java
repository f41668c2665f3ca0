package dev.funnel.bench.recall;

import dev.funnel.config.Params;
import dev.funnel.data.Dataset;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.Evaluator;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.mf.MfBpr;
import dev.funnel.recall.mf.MfBprConfig;
import dev.funnel.util.Progress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learning curves of MF-BPR for tuning: trains one configuration and prints Recall@20 / NDCG@20 on
 * the test split every {@code -Devery=N} epochs (from epoch {@code -Dfrom=F} on, default the first),
 * with each epoch's loss and speed. The curve reads
 * the test split, so it is for choosing epochs and settings by hand, never for a reported figure
 * (reported figures come from the fixed-epoch presets).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'bench/target/funnel-bench.jar:bench/target/lib/*' \
 *   -Devery=10 -Dthreads=2 dev.funnel.bench.recall.MfBprCurve lightgcn:../shared/data/gowalla epochs=60 learningRate=0.05
 * </pre>
 */
public final class MfBprCurve {
  private MfBprCurve() {}

  public static void main(String[] args) {
    Dataset d = DatasetLoader.load(args[0], LoadOptions.defaults()).dataset();
    Map<String, String> params = new TreeMap<>();
    for (String kv : Arrays.copyOfRange(args, 1, args.length)) {
      int eq = kv.indexOf('=');
      params.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    MfBprConfig config = Params.bind(MfBprConfig.defaults(), params);
    int threads = Integer.getInteger("threads", 2);
    int every = Integer.getInteger("every", 10);
    int from = Integer.getInteger("from", 1);
    int[] validated = {0};
    System.out.println(config);
    Progress lines = Progress.summaries(System.out::println);
    long t0 = System.nanoTime();
    new MfBpr().train(d.train(), config, new TrainContext(threads, 42L, lines), model -> {
      int epoch = ++validated[0] * every;
      if (epoch < from && epoch < config.epochs()) {
        return 0; // patience is 0, so a skipped epoch never stops training
      }
      EvalResult r = Evaluator.fullSort(model, d.train(), d.test(), new int[] {20}, threads, Progress.NONE);
      System.out.printf(Locale.ROOT, "  epoch %d recall@20 %.4f ndcg@20 %.4f (%.0f s)%n", epoch, r.metric("recall@20"),
          r.metric("ndcg@20"), (System.nanoTime() - t0) / 1e9);
      return r.metric("recall@20");
    }, every, 0);
  }
}

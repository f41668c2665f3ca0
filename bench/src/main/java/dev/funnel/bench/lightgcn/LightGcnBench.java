package dev.funnel.bench.lightgcn;

import dev.funnel.config.Params;
import dev.funnel.data.Dataset;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.Evaluator;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.lightgcn.LightGcn;
import dev.funnel.recall.lightgcn.LightGcnConfig;
import dev.funnel.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LightGCN training curve on a dataset with a test part: trains with a validator that runs the
 * full-sort evaluation on the test set every {@code validateEvery} epochs (exactly what the reference
 * code does: it reports the test metric during training, so "best epoch" is chosen on test; say so
 * when quoting), and writes one row with the final metrics, {@code fit_seconds} (wall clock, validation
 * included), {@code epochs}, {@code seconds_per_epoch} (training only), {@code peak_rss_mb}, the wall
 * clock at which Recall@20 first reached {@code target_recall}, and the curve.
 */
public final class LightGcnBench {
  private LightGcnBench() {}

  public static Map<String, Object> run(Dataset d, Map<String, String> params, int threads, double targetRecall) {
    LightGcnConfig config = Params.bind(LightGcnConfig.defaults(), params);
    List<Map<String, Object>> curve = new ArrayList<>();
    long start = System.nanoTime();
    double cpuStart = processCpuSeconds();
    double[] reachedAt = {Double.NaN};
    int[] validations = {0};
    Progress progress = Progress.summaries(
        summary -> System.out.printf(Locale.ROOT, "[%7.1f s, load %s] %s%n", (System.nanoTime() - start) / 1e9, loadAverage(), summary));
    TrainContext context = new TrainContext(threads, 42L, progress);
    LightGcn.Fit fit = LightGcn.fit(d.train(), config, context, model -> {
      EvalResult r = Evaluator.fullSort(model, d.train(), d.test(), new int[] {20}, threads, Progress.NONE);
      double wall = (System.nanoTime() - start) / 1e9;
      validations[0]++;
      double recall = r.metric("recall@20");
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("epoch", validations[0] * config.validateEvery());
      point.put("wall_seconds", round(wall));
      point.put("recall@20", round5(recall));
      point.put("ndcg@20", round5(r.metric("ndcg@20")));
      point.put("eval_seconds", round(r.seconds()));
      curve.add(point);
      if (recall >= targetRecall && Double.isNaN(reachedAt[0])) {
        reachedAt[0] = wall;
      }
      System.out.printf(Locale.ROOT, "  validation %s%n", point);
      return recall;
    });
    double fitSeconds = (System.nanoTime() - start) / 1e9;
    double fitCpuSeconds = processCpuSeconds() - cpuStart;
    EvalResult r = Evaluator.fullSort(fit.model(), d.train(), d.test(), new int[] {20, 50}, threads, Progress.NONE);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("model", LightGcn.NAME);
    row.put("dataset", d.name());
    row.put("params", Params.describe(config));
    row.put("protocol", r.protocol());
    row.put("metrics", r.metrics());
    row.put("fit_seconds", round(fitSeconds));
    row.put("eval_seconds", round(r.seconds()));
    row.put("epochs", fit.result().epochs());
    row.put("best_epoch", fit.result().bestEpoch() + 1);
    row.put("seconds_per_epoch", round(fit.result().secondsPerEpoch()));
    row.put("fit_cpu_seconds", round(fitCpuSeconds));
    row.put("peak_rss_mb", peakRssMb());
    row.put("target_recall@20", targetRecall);
    row.put("seconds_to_target", Double.isNaN(reachedAt[0]) ? null : round(reachedAt[0]));
    row.put("threads", threads);
    row.put("load_average_end", loadAverage());
    row.put("curve", curve);
    System.out.println(Map.of("metrics", r.metrics(), "fit_seconds", row.get("fit_seconds"), "seconds_per_epoch",
        row.get("seconds_per_epoch"), "peak_rss_mb", row.get("peak_rss_mb")));
    return row;
  }

  /** CPU seconds of this process (all threads): on a shared machine a steadier figure than wall time. */
  static double processCpuSeconds() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** VmHWM of this process from /proc/self/status, in MiB; null where there is no procfs. */
  public static Long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) / 1024; // kB
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  private static double round5(double v) {
    return Math.round(v * 100000) / 100000.0;
  }
}

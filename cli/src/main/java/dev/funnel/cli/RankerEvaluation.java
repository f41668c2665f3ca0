package dev.funnel.cli;

import dev.funnel.config.Params;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.eval.RankEvaluation;
import dev.funnel.rank.pipeline.RankPipeline;
import dev.funnel.rank.pipeline.RankPipelineFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code funnel eval --rank-model FILE --samples FILE}: scores labelled samples with a saved ranking
 * model (or pipeline, whose down-sampling correction is applied) and reports auc, gauc, logloss and
 * calibration in the recall evaluation's JSON contract: {@code {"dataset", "protocol": "rank",
 * "results": [{"model", "params", "protocol", "metrics", "fit_seconds", "eval_seconds",
 * "users_evaluated", "users_skipped", "samples", "negative_rate"}]}}, users being the GAUC groups
 * with both classes (evaluated) or one (skipped).
 */
final class RankerEvaluation {
  static final String PROTOCOL = "rank";

  private RankerEvaluation() {}

  static int run(Path modelFile, Path samples, String groupField, boolean skipBadLines, Path json, PrintStream out) throws IOException {
    RankPipeline pipeline = RankPipelineFile.read(modelFile);
    SampleBatch batch;
    if (pipeline.encoder() != null) {
      if (groupField != null) {
        throw new IllegalArgumentException("--group-field is for libsvm samples; a CSV schema names its group column ('group COLUMN')");
      }
      batch = RankSamples.csv(samples, pipeline.encoder(), skipBadLines, out);
    } else {
      batch = RankSamples.libsvm(samples, pipeline.model().fields(), groupField);
    }
    long t0 = System.nanoTime();
    float[] p = pipeline.score(batch);
    RankEvaluation e = RankEvaluation.of(p, batch);
    double seconds = (System.nanoTime() - t0) / 1e9;
    int[] users = groupsWithBothClasses(batch);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("model", pipeline.model().algorithm());
    row.put("params", Params.describe(pipeline.model().config()));
    row.put("protocol", PROTOCOL);
    row.put("metrics", e.toMap());
    row.put("fit_seconds", 0.0);
    row.put("eval_seconds", Math.round(seconds * 1000) / 1000.0);
    row.put("users_evaluated", users[0]);
    row.put("users_skipped", users[1]);
    row.put("samples", batch.size());
    row.put("negative_rate", pipeline.negativeRate());
    out.printf("model      %s (%s) on %,d samples of %s%s%n", pipeline.model().algorithm(), modelFile.getFileName(), batch.size(),
        samples.getFileName(), batch.weights() == null ? "" : ", sample weights honoured");
    if (pipeline.negativeRate() < 1) {
      out.printf("calibrated scores corrected for negatives kept at rate %s (q = p / (p + (1 - p) / w))%n", pipeline.negativeRate());
    }
    out.printf("%-10s %8s %8s %8s %11s%n", "model", "auc", "gauc", "logloss", "calibration");
    out.printf("%-10s %8.4f %8s %8.4f %11.4f%n", pipeline.model().algorithm(), e.auc(),
        Double.isNaN(e.gauc()) ? "-" : String.format("%.4f", e.gauc()), e.logloss(), e.calibration());
    if (json != null) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("dataset", samples.getFileName().toString());
      report.put("protocol", PROTOCOL);
      report.put("results", List.of(row));
      Json.write(json, report);
      out.println("wrote " + json);
    }
    return 0;
  }

  /** {groups with both classes, groups with one}; {0, 0} without groups. */
  static int[] groupsWithBothClasses(SampleBatch batch) {
    if (batch.groups() == null) {
      return new int[2];
    }
    Map<Integer, int[]> classes = new HashMap<>();
    for (int r = 0; r < batch.size(); r++) {
      classes.computeIfAbsent(batch.groups()[r], g -> new int[2])[batch.labels()[r] > 0 ? 1 : 0]++;
    }
    int both = 0;
    for (int[] c : classes.values()) {
      both += c[0] > 0 && c[1] > 0 ? 1 : 0;
    }
    return new int[] {both, classes.size() - both};
  }
}

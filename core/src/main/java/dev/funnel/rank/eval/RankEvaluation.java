package dev.funnel.rank.eval;

import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ranker's metrics on one batch ({@link RankMetrics}, weighted by the batch's sample weights when it has
 * them): gauc is NaN when the batch has no groups.
 *
 * @param samples rows evaluated
 */
public record RankEvaluation(int samples, double auc, double gauc, double logloss, double calibration) {

  /** Metrics of {@code probabilities} against the batch's labels (and groups, if any). */
  public static RankEvaluation of(float[] probabilities, SampleBatch batch) {
    float[] y = batch.labels();
    float[] w = batch.weights(); // null: unweighted; else the weighted metrics (sample weights honoured)
    double gauc = batch.groups() == null ? Double.NaN : RankMetrics.gauc(probabilities, y, batch.groups(), w);
    return new RankEvaluation(y.length, RankMetrics.auc(probabilities, y, w), gauc, RankMetrics.logloss(probabilities, y, w),
        RankMetrics.calibration(probabilities, y, w));
  }

  /** Scores the batch with the model, then {@link #of(float[], SampleBatch)}. */
  public static RankEvaluation of(RankModel model, SampleBatch batch) {
    return of(model.score(batch), batch);
  }

  /** {@code auc, gauc, logloss, calibration} for JSON rows (gauc left out when NaN). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("auc", auc);
    if (!Double.isNaN(gauc)) {
      m.put("gauc", gauc);
    }
    m.put("logloss", logloss);
    m.put("calibration", calibration);
    return m;
  }
}

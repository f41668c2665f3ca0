package dev.funnel.rank.multitask;

import dev.funnel.rank.eval.RankEvaluation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-task metrics ({@link RankEvaluation}: auc, gauc, logloss, calibration) of a click-conversion
 * ranker, each task on the rows where its label is defined, as in ESMM (Ma et al., SIGIR 2018, §3):
 *
 * <ul>
 *   <li>ctr: pCTR against click, every impression;
 *   <li>cvr: pCVR against conversion, clicked impressions only (the only ones with a conversion label);
 *   <li>ctcvr: pCTR x pCVR against click-and-conversion, every impression.
 * </ul>
 */
public record MultiTaskEvaluation(RankEvaluation ctr, RankEvaluation cvr, RankEvaluation ctcvr) {

  /** The metrics of the probabilities {@code pCtr} and {@code pCvr} of every row of {@code batch}. */
  public static MultiTaskEvaluation of(float[] pCtr, float[] pCvr, MultiTaskBatch batch) {
    int n = batch.size();
    if (pCtr.length < n || pCvr.length < n) {
      throw new IllegalArgumentException("probabilities must cover the " + n + " rows; pCtr has " + pCtr.length + ", pCvr " + pCvr.length);
    }
    float[] ctcvr = new float[n];
    for (int r = 0; r < n; r++) {
      ctcvr[r] = pCtr[r] * pCvr[r];
    }
    int[] clicked = batch.positiveRows(MultiTaskBatch.CLICK);
    float[] clickedCvr = new float[clicked.length];
    for (int i = 0; i < clicked.length; i++) {
      clickedCvr[i] = pCvr[clicked[i]];
    }
    return new MultiTaskEvaluation(RankEvaluation.of(pCtr, batch.asTask(MultiTaskBatch.CLICK)),
        RankEvaluation.of(clickedCvr, batch.select(clicked).asTask(MultiTaskBatch.CONVERSION)),
        RankEvaluation.of(ctcvr, batch.asTask(MultiTaskBatch.CONVERSION)));
  }

  /** Scores every row with the model's ctr and cvr tasks, then {@link #of(float[], float[], MultiTaskBatch)}. */
  public static MultiTaskEvaluation of(MultiTaskModel model, MultiTaskBatch batch) {
    return of(model.score(batch.samples(), MultiTaskModel.CTR), model.score(batch.samples(), MultiTaskModel.CVR), batch);
  }

  /** {@code {ctr: {...}, cvr: {...}, ctcvr: {...}}} for JSON rows. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(MultiTaskModel.CTR, ctr.toMap());
    m.put(MultiTaskModel.CVR, cvr.toMap());
    m.put(MultiTaskModel.CTCVR, ctcvr.toMap());
    return m;
  }
}

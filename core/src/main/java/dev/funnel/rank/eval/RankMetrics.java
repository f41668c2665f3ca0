package dev.funnel.rank.eval;

import java.util.Arrays;

/**
 * Binary-classification metrics of a ranker's probabilities p against 0/1 labels y, unweighted.
 *
 * <ul>
 *   <li>AUC, rank-based (Mann-Whitney U): sort by score, give tied scores their average rank R (1-based),
 *       then AUC = (Σ_{positives} R - P(P+1)/2) / (P·N) with P positives and N negatives: the chance a
 *       random positive outscores a random negative, ties counting one half. NaN with one class.
 *   <li>GAUC (Zhou et al., DIN, KDD 2018, eq. 1): Σ_g n_g · AUC_g / Σ_g n_g over the groups (users) g with
 *       both classes, n_g the group's number of samples (impressions); groups with one class are skipped.
 *   <li>Logloss: -(1/n) Σ [y log p + (1-y) log(1-p)] with p clipped to [eps, 1-eps].
 *   <li>Calibration ratio: mean(p) / mean(y); 1 is calibrated, above 1 over-predicts.
 * </ul>
 *
 * <p>Each also takes per-row sample weights (e.g. 1/w for negatives kept at rate w by down-sampling):
 * every sum above becomes a weight-sum, so integer weights act as repeated rows. One implementation
 * serves both; the unweighted form is the weighted one with weights null (all 1).
 */
public final class RankMetrics {
  /** The clip of {@link #logloss(float[], float[])}, as scikit-learn's historical default. */
  public static final double LOGLOSS_EPS = 1e-15;

  private RankMetrics() {}

  public static double auc(float[] scores, float[] labels) {
    return auc(scores, labels, null);
  }

  /** Per-group AUC weighted by group size, one-class groups skipped; NaN when no group has both classes. */
  public static double gauc(float[] scores, float[] labels, int[] groups) {
    return gauc(scores, labels, groups, null);
  }

  public static double logloss(float[] probabilities, float[] labels) {
    return logloss(probabilities, labels, null);
  }

  /** mean(p) / mean(y); NaN without positives. */
  public static double calibration(float[] probabilities, float[] labels) {
    return calibration(probabilities, labels, null);
  }

  // ---- weighted forms, which the unweighted ones call with weights null (every weight 1) ----
  // With unit weights every sum below is of integers and halves, exact in a double, so the results
  // are the unweighted formulas' to the bit (the rank-sum AUC is the same U statistic over P·N).

  /**
   * Weighted AUC: Σ_{i pos, j neg} w_i w_j ([s_i > s_j] + ½[s_i = s_j]) / (Σ_pos w · Σ_neg w), the chance
   * a weight-drawn positive outscores a weight-drawn negative. With integer weights it equals the AUC of
   * the data with each row repeated w times. NaN when either class has zero total weight. Weights null
   * means all 1.
   */
  public static double auc(float[] scores, float[] labels, float[] weights) {
    check(scores, labels, weights);
    int n = labels.length;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ((long) sortable(scores[i]) << 32) | i;
    }
    return auc(keys, 0, n, scores, labels, weights);
  }

  /**
   * AUC of the rows {@code keys[from..to)}, sorted by score in place (each key is a sortable score in the
   * high 32 bits and the row in the low 32), sweeping ascending scores a tie group at a time.
   */
  private static double auc(long[] keys, int from, int to, float[] scores, float[] labels, float[] weights) {
    Arrays.sort(keys, from, to);
    double negativesBelow = 0;
    double pairs = 0;
    double positives = 0;
    int i = from;
    while (i < to) {
      float s = scores[(int) keys[i]];
      double tiePositive = 0;
      double tieNegative = 0;
      int j = i;
      while (j < to && scores[(int) keys[j]] == s) {
        int row = (int) keys[j];
        if (labels[row] > 0) {
          tiePositive += weight(weights, row);
        } else {
          tieNegative += weight(weights, row);
        }
        j++;
      }
      pairs += tiePositive * (negativesBelow + 0.5 * tieNegative);
      positives += tiePositive;
      negativesBelow += tieNegative;
      i = j;
    }
    return positives == 0 || negativesBelow == 0 ? Double.NaN : pairs / (positives * negativesBelow);
  }

  /**
   * Weighted GAUC: Σ_g W_g · wAUC_g / Σ_g W_g over the groups with both classes (positive weight in
   * each), W_g the group's total sample weight (its weighted impressions), wAUC_g its weighted AUC.
   * Weights null means all 1 (W_g the group's size).
   */
  public static double gauc(float[] scores, float[] labels, int[] groups, float[] weights) {
    check(scores, labels, weights);
    if (groups.length != labels.length) {
      throw new IllegalArgumentException("groups must have one entry per label (" + labels.length + "); has " + groups.length);
    }
    int n = labels.length;
    long[] byGroup = new long[n];
    for (int i = 0; i < n; i++) {
      byGroup[i] = ((long) groups[i] << 32) | i;
    }
    Arrays.sort(byGroup);
    long[] keys = new long[n];
    double weighted = 0;
    double total = 0;
    int i = 0;
    while (i < n) {
      int g = (int) (byGroup[i] >> 32);
      int j = i;
      double groupWeight = 0;
      while (j < n && (int) (byGroup[j] >> 32) == g) {
        int row = (int) byGroup[j];
        keys[j] = ((long) sortable(scores[row]) << 32) | row;
        groupWeight += weight(weights, row);
        j++;
      }
      double a = auc(keys, i, j, scores, labels, weights);
      if (!Double.isNaN(a)) {
        weighted += groupWeight * a;
        total += groupWeight;
      }
      i = j;
    }
    return total == 0 ? Double.NaN : weighted / total;
  }

  /** Weighted logloss: -Σ w [y log p + (1-y) log(1-p)] / Σ w, p clipped to [eps, 1-eps]; weights null means all 1. */
  public static double logloss(float[] probabilities, float[] labels, float[] weights) {
    check(probabilities, labels, weights);
    double sum = 0;
    double total = 0;
    for (int i = 0; i < labels.length; i++) {
      double p = Math.min(1 - LOGLOSS_EPS, Math.max(LOGLOSS_EPS, probabilities[i]));
      double w = weight(weights, i);
      sum -= w * (labels[i] > 0 ? Math.log(p) : Math.log1p(-p));
      total += w;
    }
    return total == 0 ? Double.NaN : sum / total;
  }

  /** Weighted calibration ratio Σ w p / Σ w y; NaN without weighted positives; weights null means all 1. */
  public static double calibration(float[] probabilities, float[] labels, float[] weights) {
    check(probabilities, labels, weights);
    double p = 0;
    double y = 0;
    for (int i = 0; i < labels.length; i++) {
      double w = weight(weights, i);
      p += w * probabilities[i];
      y += w * labels[i];
    }
    return y == 0 ? Double.NaN : p / y;
  }

  private static double weight(float[] weights, int row) {
    return weights == null ? 1 : weights[row];
  }

  private static void check(float[] scores, float[] labels, float[] weights) {
    if (scores.length < labels.length) {
      throw new IllegalArgumentException("scores (" + scores.length + ") must cover the labels (" + labels.length + ")");
    }
    if (labels.length == 0) {
      throw new IllegalArgumentException("no samples to evaluate");
    }
    if (weights == null) {
      return;
    }
    if (weights.length != labels.length) {
      throw new IllegalArgumentException("weights must have one entry per label (" + labels.length + "); has " + weights.length);
    }
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || Float.isInfinite(weights[i])) {
        throw new IllegalArgumentException("weights must be finite and >= 0; weights[" + i + "]=" + weights[i]);
      }
    }
  }

  /** An int whose signed order is the float's numeric order (NaN sorts last). */
  private static int sortable(float f) {
    int bits = Float.floatToIntBits(f);
    return bits < 0 ? bits ^ 0x7FFFFFFF : bits;
  }
}

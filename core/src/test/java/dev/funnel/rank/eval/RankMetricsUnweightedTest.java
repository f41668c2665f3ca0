package dev.funnel.rank.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The unweighted metrics are the weighted ones with weights null; this pins them, to the bit, to the
 * textbook rank-sum forms they replaced (Mann-Whitney U with average ranks for ties, size-weighted
 * GAUC, mean logloss, mean(p)/mean(y)), on random data with many ties.
 */
class RankMetricsUnweightedTest {
  @Test
  void equalTheRankSumFormsToTheBit() {
    long seed = 20261124L;
    System.out.println("RankMetricsUnweightedTest seed=" + seed);
    Random random = new Random(seed);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(trial < 100 ? 40 : 3000);
      int levels = 1 + random.nextInt(trial % 2 == 0 ? 5 : 100000);
      float[] scores = new float[n];
      float[] labels = new float[n];
      int[] groups = new int[n];
      for (int i = 0; i < n; i++) {
        scores[i] = random.nextInt(levels) / (float) levels;
        labels[i] = random.nextDouble() < 0.3 ? 1 : 0;
        groups[i] = random.nextInt(1 + n / 8);
      }
      float[] ones = new float[n];
      Arrays.fill(ones, 1);
      String where = "trial " + trial + " n=" + n;
      assertThat(bits(RankMetrics.auc(scores, labels))).as(where).isEqualTo(bits(rankSumAuc(scores, labels)));
      assertThat(bits(RankMetrics.auc(scores, labels, ones))).as(where).isEqualTo(bits(rankSumAuc(scores, labels)));
      assertThat(bits(RankMetrics.gauc(scores, labels, groups))).as(where).isEqualTo(bits(sizeWeightedGauc(scores, labels, groups)));
      assertThat(bits(RankMetrics.logloss(scores, labels))).as(where).isEqualTo(bits(meanLogloss(scores, labels)));
      assertThat(bits(RankMetrics.calibration(scores, labels))).as(where).isEqualTo(bits(meanRatio(scores, labels)));
    }
  }

  private static long bits(double x) {
    return Double.doubleToLongBits(x);
  }

  /** (Σ_{positives} R - P(P+1)/2) / (P·N), tied scores sharing their mean 1-based rank R. */
  private static double rankSumAuc(float[] scores, float[] labels) {
    Integer[] order = new Integer[labels.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    double positiveRanks = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      int tiePositives = 0;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        tiePositives += labels[order[j]] > 0 ? 1 : 0;
        j++;
      }
      positiveRanks += tiePositives * ((i + 1 + j) / 2.0);
      positives += tiePositives;
      i = j;
    }
    long negatives = order.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Σ_g n_g AUC_g / Σ_g n_g over groups with both classes, in ascending group order. */
  private static double sizeWeightedGauc(float[] scores, float[] labels, int[] groups) {
    int[] ids = Arrays.stream(groups).distinct().sorted().toArray();
    double weighted = 0;
    double total = 0;
    for (int g : ids) {
      int size = (int) Arrays.stream(groups).filter(x -> x == g).count();
      float[] s = new float[size];
      float[] y = new float[size];
      int k = 0;
      for (int i = 0; i < groups.length; i++) {
        if (groups[i] == g) {
          s[k] = scores[i];
          y[k++] = labels[i];
        }
      }
      double a = rankSumAuc(s, y);
      if (!Double.isNaN(a)) {
        weighted += size * a;
        total += size;
      }
    }
    return total == 0 ? Double.NaN : weighted / total;
  }

  private static double meanLogloss(float[] probabilities, float[] labels) {
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double p = Math.min(1 - RankMetrics.LOGLOSS_EPS, Math.max(RankMetrics.LOGLOSS_EPS, probabilities[i]));
      sum -= labels[i] > 0 ? Math.log(p) : Math.log1p(-p);
    }
    return sum / labels.length;
  }

  private static double meanRatio(float[] probabilities, float[] labels) {
    double p = 0;
    double y = 0;
    for (int i = 0; i < labels.length; i++) {
      p += probabilities[i];
      y += labels[i];
    }
    return y == 0 ? Double.NaN : p / y;
  }
}

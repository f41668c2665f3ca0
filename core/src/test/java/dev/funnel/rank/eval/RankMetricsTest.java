package dev.funnel.rank.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RankMetricsTest {
  @Test
  void aucCountsOrderedPairs() {
    // positives 0.35, 0.8; negatives 0.1, 0.4. Pairs: 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4
    assertThat(RankMetrics.auc(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new float[] {0, 0, 1, 1})).isEqualTo(0.75);
  }

  @Test
  void aucAveragesTiedRanks() {
    // sorted: 0.5 0.5 0.5 share ranks 1,2,3 -> 2 each; 0.9 has rank 4. Positives: one 0.5 (rank 2) and 0.9 (rank 4).
    // (2 + 4 - 2*3/2) / (2*2) = 3/4; pairwise: the tied positive beats no negative but ties two (2 x 1/2), 0.9 beats both.
    assertThat(RankMetrics.auc(new float[] {0.5f, 0.5f, 0.5f, 0.9f}, new float[] {1, 0, 0, 1})).isEqualTo(0.75);
    // all tied: 1/2
    assertThat(RankMetrics.auc(new float[] {0.3f, 0.3f, 0.3f}, new float[] {1, 0, 1})).isEqualTo(0.5);
  }

  @Test
  void aucOfOneClassIsNaN() {
    assertThat(RankMetrics.auc(new float[] {0.1f, 0.2f}, new float[] {1, 1})).isNaN();
  }

  @Test
  void aucMatchesPairCountOnRandomData() {
    long seed = System.nanoTime();
    System.out.println("RankMetricsTest seed=" + seed);
    Random rnd = new Random(seed);
    int n = 300;
    float[] s = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = rnd.nextInt(40) / 40f - 0.5f; // many ties, negative scores too
      y[i] = rnd.nextInt(3) == 0 ? 1 : 0;
    }
    double pairs = 0;
    long count = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (y[i] == 1 && y[j] == 0) {
          pairs += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
          count++;
        }
      }
    }
    assertThat(RankMetrics.auc(s, y)).isCloseTo(pairs / count, within(1e-12));
  }

  @Test
  void gaucWeightsGroupsBySizeAndSkipsOneClassGroups() {
    // group 7: the 3/4 example above (4 samples); group 3: the positive scores lowest -> AUC 0 (3 samples);
    // group 5: only positives, skipped. GAUC = (4 * 0.75 + 3 * 0) / (4 + 3) = 3/7.
    float[] s = {0.1f, 0.4f, 0.35f, 0.8f, 0.2f, 0.6f, 0.7f, 0.3f, 0.3f};
    float[] y = {0, 0, 1, 1, 1, 0, 0, 1, 1};
    int[] g = {7, 7, 7, 7, 3, 3, 3, 5, 5};
    assertThat(RankMetrics.gauc(s, y, g)).isCloseTo(3.0 / 7, within(1e-12));
    assertThat(RankMetrics.gauc(new float[] {0.1f, 0.2f}, new float[] {1, 1}, new int[] {1, 2})).isNaN();
  }

  @Test
  void loglossIsTheMeanNegativeLogLikelihoodClipped() {
    // -(ln 0.8 + ln(1 - 0.4)) / 2 = (0.2231435513 + 0.5108256238) / 2 = 0.3669845876
    assertThat(RankMetrics.logloss(new float[] {0.8f, 0.4f}, new float[] {1, 0})).isCloseTo(0.3669845876, within(1e-7));
    // p = 0 for a positive is clipped to 1e-15: -ln(1e-15) = 34.5387763949
    assertThat(RankMetrics.logloss(new float[] {0f}, new float[] {1})).isCloseTo(34.5387763949, within(1e-6));
  }

  @Test
  void calibrationIsMeanPredictionOverObservedRate() {
    // mean p = 1.2 / 3 = 0.4, observed rate 1/3 -> 1.2
    assertThat(RankMetrics.calibration(new float[] {0.2f, 0.4f, 0.6f}, new float[] {0, 1, 0})).isCloseTo(1.2, within(1e-6));
  }
}

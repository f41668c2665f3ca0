package dev.funnel.rank.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The weighted twins of {@link RankMetrics}, on fixtures computed by hand in the comments. */
class WeightedRankMetricsTest {
  @Test
  void weightedAucWeighsEachPairByBothWeights() {
    // positives 0.35 (w 2), 0.8 (w 1); negatives 0.1 (w 1), 0.4 (w 3).
    // pairs: (0.35,0.1) 2*1 won, (0.35,0.4) 2*3 lost, (0.8,0.1) 1*1 won, (0.8,0.4) 1*3 won -> (2 + 1 + 3) / (3 * 4) = 6/12 = 0.5
    float[] s = {0.1f, 0.4f, 0.35f, 0.8f};
    float[] y = {0, 0, 1, 1};
    assertThat(RankMetrics.auc(s, y, new float[] {1, 3, 2, 1})).isCloseTo(0.5, within(1e-12));
    // all weights 1: the unweighted 3/4
    assertThat(RankMetrics.auc(s, y, new float[] {1, 1, 1, 1})).isCloseTo(0.75, within(1e-12));
    assertThat(RankMetrics.auc(s, y, null)).isEqualTo(0.75);
  }

  @Test
  void weightedAucCountsTiesAsHalfOfTheirWeight() {
    // positive 0.5 (w 2) ties negatives 0.5 (w 1) and 0.5 (w 3); positive 0.9 (w 1) beats both.
    // (2 * 4 * 1/2 + 1 * 4) / (3 * 4) = (4 + 4) / 12 = 2/3
    float[] s = {0.5f, 0.5f, 0.5f, 0.9f};
    float[] y = {1, 0, 0, 1};
    assertThat(RankMetrics.auc(s, y, new float[] {2, 1, 3, 1})).isCloseTo(2.0 / 3, within(1e-12));
    // a zero-weight negative class: NaN
    assertThat(RankMetrics.auc(s, y, new float[] {2, 0, 0, 1})).isNaN();
  }

  @Test
  void integerWeightsEqualRepeatedRows() {
    long seed = System.nanoTime();
    System.out.println("WeightedRankMetricsTest seed=" + seed);
    Random rnd = new Random(seed);
    int n = 200;
    float[] s = new float[n];
    float[] y = new float[n];
    float[] w = new float[n];
    int[] g = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      s[i] = rnd.nextInt(30) / 30f;
      y[i] = rnd.nextInt(3) == 0 ? 1 : 0;
      w[i] = rnd.nextInt(4); // 0..3, zero weights included
      g[i] = rnd.nextInt(7);
      total += (int) w[i];
    }
    float[] rs = new float[total];
    float[] ry = new float[total];
    int[] rg = new int[total];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < w[i]; c++) {
        rs[k] = s[i];
        ry[k] = y[i];
        rg[k] = g[i];
        k++;
      }
    }
    assertThat(RankMetrics.auc(s, y, w)).isCloseTo(RankMetrics.auc(rs, ry), within(1e-12));
    assertThat(RankMetrics.gauc(s, y, g, w)).isCloseTo(RankMetrics.gauc(rs, ry, rg), within(1e-12));
    assertThat(RankMetrics.logloss(s, y, w)).isCloseTo(RankMetrics.logloss(rs, ry), within(1e-12));
    assertThat(RankMetrics.calibration(s, y, w)).isCloseTo(RankMetrics.calibration(rs, ry), within(1e-12));
  }

  @Test
  void weightedGaucWeighsGroupsByTheirTotalWeight() {
    // group 1: positive 0.8 (w 1), negative 0.2 (w 3) -> AUC 1, weight 4.
    // group 2: positive 0.1 (w 2), negative 0.6 (w 4) -> AUC 0, weight 6.
    // group 3: one class only (two positives, w 5), skipped.  GAUC = (4*1 + 6*0) / (4 + 6) = 0.4
    float[] s = {0.8f, 0.2f, 0.1f, 0.6f, 0.3f, 0.4f};
    float[] y = {1, 0, 1, 0, 1, 1};
    int[] g = {1, 1, 2, 2, 3, 3};
    float[] w = {1, 3, 2, 4, 5, 5};
    assertThat(RankMetrics.gauc(s, y, g, w)).isCloseTo(0.4, within(1e-12));
    // unweighted it is (2*1 + 2*0) / 4 = 0.5
    assertThat(RankMetrics.gauc(s, y, g)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void weightedLoglossAndCalibration() {
    // p = 0.5 (y 1, w 3), 0.25 (y 0, w 1).
    // logloss = (3 * -ln 0.5 + 1 * -ln 0.75) / 4 = (3 * 0.693147 + 0.287682) / 4 = 0.591781
    // calibration = (3*0.5 + 1*0.25) / (3*1) = 1.75 / 3 = 0.583333
    float[] p = {0.5f, 0.25f};
    float[] y = {1, 0};
    float[] w = {3, 1};
    assertThat(RankMetrics.logloss(p, y, w)).isCloseTo((3 * Math.log(2) - Math.log(0.75)) / 4, within(1e-12));
    assertThat(RankMetrics.logloss(p, y, w)).isCloseTo(0.591781, within(1e-6));
    assertThat(RankMetrics.calibration(p, y, w)).isCloseTo(1.75 / 3, within(1e-12));
  }

  @Test
  void badWeightsAreNamed() {
    assertThatThrownBy(() -> RankMetrics.auc(new float[] {0.1f, 0.2f}, new float[] {0, 1}, new float[] {1, -2}))
        .hasMessageContaining("weights[1]=-2.0");
    assertThatThrownBy(() -> RankMetrics.logloss(new float[] {0.1f, 0.2f}, new float[] {0, 1}, new float[] {1}))
        .hasMessageContaining("weights must have one entry per label");
  }

  @Test
  void evaluationUsesTheBatchWeights() {
    float[] s = {0.1f, 0.4f, 0.35f, 0.8f};
    SampleBatch batch = new SampleBatch(FieldMap.single(1), new int[] {0, 0, 0, 0, 0}, new int[0], null, new float[] {0, 0, 1, 1},
        new float[] {1, 3, 2, 1}, null);
    RankEvaluation e = RankEvaluation.of(s, batch);
    assertThat(e.auc()).isCloseTo(0.5, within(1e-12));
    assertThat(e.calibration()).isCloseTo((0.1 + 1.2 + 0.7 + 0.8) / 3, within(1e-6));
  }
}

package dev.funnel.rank.downsample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.config.Params;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NegativeDownsamplingTest {
  /** Known click rates of five categories; the data's overall rate is their mean, 0.078. */
  private static final double[] CTR = {0.01, 0.03, 0.05, 0.1, 0.2};

  /** n rows, a uniform category each (one-hot field "cat"), label drawn with the category's rate. */
  static SampleBatch data(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] rowPtr = new int[n + 1];
    int[] features = new int[n];
    float[] labels = new float[n];
    for (int r = 0; r < n; r++) {
      int c = random.nextInt(CTR.length);
      features[r] = c;
      rowPtr[r + 1] = r + 1;
      labels[r] = random.nextDouble() < CTR[c] ? 1 : 0;
    }
    return new SampleBatch(FieldMap.parse("cat:0-4"), rowPtr, features, null, labels, null, null);
  }

  @Test
  void calibrationFormulaByHand() {
    // p = 0.5 with w = 0.1: 0.5 / (0.5 + 0.5 / 0.1) = 0.5 / 5.5 = 0.090909
    assertThat(NegativeDownsampling.calibrate(0.5, 0.1)).isCloseTo(1 / 11.0, within(1e-12));
    // the inverse of down-sampling: true q = 0.01 -> sampled odds q / (w (1 - q)) -> p = 0.0917431 -> back to 0.01
    double p = 0.01 / (0.01 + 0.1 * 0.99);
    assertThat(NegativeDownsampling.calibrate(p, 0.1)).isCloseTo(0.01, within(1e-12));
    assertThat(NegativeDownsampling.calibrate(0.3, 1)).isEqualTo(0.3);
  }

  @Test
  void keepsEveryPositiveAndAboutRateOfNegativesDeterministically() {
    long seed = 11;
    SampleBatch all = data(50_000, seed);
    NegativeDownsampling ds = new NegativeDownsampling(0.2, false, 5);
    SampleBatch kept = ds.apply(all);
    int positives = count(all.labels());
    int negatives = all.size() - positives;
    assertThat(count(kept.labels())).isEqualTo(positives);
    assertThat((double) (kept.size() - positives) / negatives).isCloseTo(0.2, within(0.01));
    assertThat(kept.weights()).isNull();
    assertThat(ds.apply(all).features()).isEqualTo(kept.features());
    assertThat(ds.scoringRate()).isEqualTo(0.2);
    SampleBatch weighted = new NegativeDownsampling(0.2, true, 5).apply(all);
    assertThat(weighted.size()).isEqualTo(kept.size());
    for (int r = 0; r < weighted.size(); r++) {
      assertThat(weighted.weight(r)).isEqualTo(weighted.labels()[r] > 0 ? 1f : 5f);
    }
    assertThatThrownBy(() -> new NegativeDownsampling(0, false, 1)).hasMessageContaining("rate must be in (0, 1]; rate=0.0");
  }

  @Test
  void correctionOrReweightingBringsCalibrationBackToOne() {
    long seed = System.nanoTime();
    System.out.println("NegativeDownsamplingTest seed=" + seed);
    SampleBatch train = data(200_000, seed);
    SampleBatch test = data(100_000, seed + 1);
    double w = 0.1;
    RankModel full = fitLr(train);
    RankModel sampled = fitLr(new NegativeDownsampling(w, false, seed).apply(train));
    RankModel reweighted = fitLr(new NegativeDownsampling(w, true, seed).apply(train));

    double fullRatio = RankMetrics.calibration(full.score(test), test.labels());
    float[] p = sampled.score(test);
    double rawRatio = RankMetrics.calibration(p, test.labels());
    NegativeDownsampling.calibrate(p, w);
    double corrected = RankMetrics.calibration(p, test.labels());
    double reweightedRatio = RankMetrics.calibration(reweighted.score(test), test.labels());
    System.out.printf("calibration: full data %.3f, sampled raw %.3f, corrected %.3f, reweighted %.3f%n", fullRatio, rawRatio, corrected,
        reweightedRatio);
    assertThat(fullRatio).isCloseTo(1, within(0.06));
    // uncorrected, the sampled model predicts several times the true rate (~0.34 mean vs 0.078)
    assertThat(rawRatio).isGreaterThan(3);
    assertThat(corrected).isCloseTo(1, within(0.06));
    assertThat(reweightedRatio).isCloseTo(1, within(0.1));
    // the correction is monotone: AUC is unchanged by it
    assertThat(RankMetrics.auc(p, test.labels())).isCloseTo(RankMetrics.auc(sampled.score(test), test.labels()), within(1e-9));
  }

  private static RankModel fitLr(SampleBatch train) {
    RankAlgorithm<?> lr = Registry.rank("lr");
    return fit(lr, train);
  }

  private static <C extends Record> RankModel fit(RankAlgorithm<C> algorithm, SampleBatch train) {
    C config = Params.bind(algorithm.defaultConfig(), Map.of("epochs", "3", "patience", "0"));
    return algorithm.fit(config, train, null, new TrainContext(1, 7, Progress.NONE));
  }

  private static int count(float[] labels) {
    int n = 0;
    for (float y : labels) {
      n += y > 0 ? 1 : 0;
    }
    return n;
  }
}

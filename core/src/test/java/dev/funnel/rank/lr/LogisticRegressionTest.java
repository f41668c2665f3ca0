package dev.funnel.rank.lr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.Synthetic;
import dev.funnel.rank.eval.RankEvaluation;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.loss.Logistic;
import dev.funnel.util.Progress;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {
  private static final TrainContext ONE_THREAD = new TrainContext(1, 11, Progress.NONE);

  @Test
  void lossGradientMatchesFiniteDifferences() {
    // loss(m) = softplus(m) - y m; its central difference must match sigmoid(m) - y
    double h = 1e-5;
    for (float y : new float[] {0, 1}) {
      for (double m : new double[] {-6, -1.3, 0, 0.7, 4}) {
        double numeric = ((Logistic.softplus(m + h) - y * (m + h)) - (Logistic.softplus(m - h) - y * (m - h))) / (2 * h);
        assertThat(LogisticRegression.lossGradient(m, y)).as("y=%s m=%s", y, m).isCloseTo(numeric, within(1e-8));
      }
    }
  }

  @Test
  void ftrlWeightFollowsTheClosedForm() {
    LrConfig c = new LrConfig(0.5, 1.0, 0.2, 0.1, 1, 0);
    float[] z = {0.1f, -2f, 3f, 0.4f};
    float[] n = {4f, 9f, 0f, 1f};
    LogisticRegression.Ftrl ftrl = new LogisticRegression.Ftrl(c, z, n);
    // |z| <= l1: exactly zero
    assertThat(ftrl.weight(0)).isZero();
    // -(z - sgn(z) l1) / ((beta + sqrt(n)) / alpha + l2) = -(-2 + 0.2) / ((1 + 3) / 0.5 + 0.1) = 1.8 / 8.1
    assertThat(ftrl.weight(1)).isCloseTo(1.8f / 8.1f, within(1e-6f));
    // -(3 - 0.2) / ((1 + 0) / 0.5 + 0.1) = -2.8 / 2.1
    assertThat(ftrl.weight(2)).isCloseTo(-2.8f / 2.1f, within(1e-6f));
    // the bias (last) has no L1 or L2: -0.4 / ((1 + 1) / 0.5) = -0.1
    assertThat(ftrl.weight(3)).isCloseTo(-0.1f, within(1e-7f));
  }

  @Test
  void learnsALinearRuleAndL1ZeroesNoise() {
    SampleBatch train = Synthetic.batch(5000, false, 1);
    SampleBatch valid = Synthetic.batch(1000, false, 2);
    LogisticRegression lr = new LogisticRegression();
    LrModel model = lr.fit(new LrConfig(0.1, 1, 20.0, 1.0, 10, 2), train, valid, ONE_THREAD);
    RankEvaluation e = RankEvaluation.of(model, Synthetic.batch(1000, false, 3));
    // the Bayes-optimal AUC of the rule with 10% label noise is 0.9; a broken trainer sits near 0.5
    assertThat(e.auc()).isGreaterThan(0.85);
    assertThat(e.calibration()).isCloseTo(1.0, within(0.1));
    int zeros = 0;
    for (int i = 20; i < 30; i++) {
      zeros += model.weight(i) == 0f ? 1 : 0;
    }
    assertThat(zeros).as("noise field c weights that L1 zeroed").isGreaterThanOrEqualTo(5);
    assertThat(model.weight(0)).isPositive();
    assertThat(model.weight(9)).isNegative();
  }

  @Test
  void oneThreadIsDeterministic() {
    SampleBatch train = Synthetic.batch(3000, false, 4);
    SampleBatch valid = Synthetic.batch(500, false, 5);
    LogisticRegression lr = new LogisticRegression();
    LrConfig c = new LrConfig(0.1, 1, 0, 1, 4, 0);
    assertThat(lr.fit(c, train, valid, ONE_THREAD).score(valid)).containsExactly(lr.fit(c, train, valid, ONE_THREAD).score(valid));
  }

  @Test
  void configNamesTheBadField() {
    assertThatThrownBy(() -> new LrConfig(0, 1, 0, 0, 1, 0)).hasMessage("alpha must be positive and finite; alpha=0.0");
    assertThatThrownBy(() -> new LrConfig(0.1, 1, -1, 0, 1, 0)).hasMessage("l1 must be >= 0 and finite; l1=-1.0");
  }
}

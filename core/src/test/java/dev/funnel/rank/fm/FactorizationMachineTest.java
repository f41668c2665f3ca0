package dev.funnel.rank.fm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.FiniteDifferences;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.Synthetic;
import dev.funnel.rank.eval.RankEvaluation;
import dev.funnel.rank.lr.LogisticRegression;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.loss.Logistic;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.OptimizerKind;
import dev.funnel.util.Progress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FactorizationMachineTest {
  private static final TrainContext ONE_THREAD = new TrainContext(1, 13, Progress.NONE);

  @Test
  void pairwiseTermEqualsTheExplicitDoubleSum() {
    Random rnd = FiniteDifferences.seeded("FactorizationMachineTest pairwise");
    int dim = 4;
    int n = 6;
    float[] linear = FiniteDifferences.gaussian(rnd, n + 1);
    float[] factors = FiniteDifferences.gaussian(rnd, n * dim);
    SampleBatch row = new SampleBatch(FieldMap.single(n), new int[] {0, 3}, new int[] {0, 2, 5}, new float[] {1f, 0.5f, -2f},
        new float[] {1}, null, null);
    // y = w0 + Σ w_i x_i + Σ_{i<j} <v_i, v_j> x_i x_j
    int[] idx = {0, 2, 5};
    float[] x = {1f, 0.5f, -2f};
    double expected = linear[n];
    for (int a = 0; a < 3; a++) {
      expected += linear[idx[a]] * x[a];
      for (int b = a + 1; b < 3; b++) {
        double dot = 0;
        for (int f = 0; f < dim; f++) {
          dot += factors[idx[a] * dim + f] * factors[idx[b] * dim + f];
        }
        expected += dot * x[a] * x[b];
      }
    }
    assertThat(FmModel.margin(linear, factors, dim, row, 0, new float[dim])).isCloseTo(expected, within(1e-5));
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Random rnd = FiniteDifferences.seeded("FactorizationMachineTest gradient");
    int dim = 3;
    int n = 5;
    float[] linear = FiniteDifferences.gaussian(rnd, n + 1);
    float[] factors = FiniteDifferences.gaussian(rnd, n * dim);
    SampleBatch row = new SampleBatch(FieldMap.single(n), new int[] {0, 3}, new int[] {1, 3, 4}, new float[] {1f, 0.7f, -1.5f},
        new float[] {rnd.nextBoolean() ? 1 : 0}, new float[] {1.5f}, null);
    FactorizationMachine.Gradients grads = new FactorizationMachine.Gradients(dim);
    grads.compute(linear, factors, dim, row, 0);
    // the training step itself on a copy, through SGD with rate 1 and no L2: the change is -gradient
    float[] stepped = factors.clone();
    grads.apply(row, 0, OptimizerConfig.sgd(1).create(new EmbeddingTable(n, dim, stepped)));
    double h = 1e-3;
    for (int k = 0; k < 3; k++) {
      int i = row.features()[k];
      float x = row.values()[k];
      // linear weight: dL/dw_i = g x_i (LinearTerm's step)
      double numeric = FiniteDifferences.central(linear, i, h, () -> loss(linear, factors, dim, row));
      assertThat((double) grads.g * x).as("dL/dw_%d", i).isCloseTo(numeric, within(2e-3));
      for (int f = 0; f < dim; f++) {
        double nf = FiniteDifferences.central(factors, i * dim + f, h, () -> loss(linear, factors, dim, row));
        assertThat((double) factors[i * dim + f] - stepped[i * dim + f]).as("dL/dv_%d,%d", i, f).isCloseTo(nf, within(2e-3));
      }
    }
    assertThat((double) grads.g).as("dL/dw0").isCloseTo(FiniteDifferences.central(linear, n, h, () -> loss(linear, factors, dim, row)), within(2e-3));
    // rows the sample does not touch are left alone
    assertThat(java.util.Arrays.copyOfRange(stepped, 0, dim)).containsExactly(java.util.Arrays.copyOfRange(factors, 0, dim));
  }

  private static double loss(float[] linear, float[] factors, int dim, SampleBatch row) {
    double y = FmModel.margin(linear, factors, dim, row, 0, new float[dim]);
    return row.weight(0) * (Logistic.softplus(y) - row.labels()[0] * y);
  }

  @Test
  void learnsAnInteractionLogisticRegressionCannot() {
    SampleBatch train = Synthetic.batch(20000, true, 1);
    SampleBatch valid = Synthetic.batch(2000, true, 2);
    SampleBatch test = Synthetic.batch(2000, true, 3);
    FmConfig config = new FmConfig(4, OptimizerKind.ADAGRAD, 0.1, 1e-5, 0, 0.1, 20, 2);
    double fm = RankEvaluation.of(new FactorizationMachine().fit(config, train, valid, ONE_THREAD), test).auc();
    LogisticRegression lr = new LogisticRegression();
    double linear = RankEvaluation.of(lr.fit(lr.defaultConfig(), train, valid, ONE_THREAD), test).auc();
    // parity of a equal to parity of b: the optimum (0.9 AUC with 10% noise) needs the a x b interaction
    assertThat(fm).isGreaterThan(0.85);
    assertThat(linear).isLessThan(0.6);
  }

  @Test
  void adamTrainsAndOneThreadIsDeterministic() {
    SampleBatch train = Synthetic.batch(4000, true, 4);
    SampleBatch valid = Synthetic.batch(500, true, 5);
    FmConfig config = new FmConfig(4, OptimizerKind.ADAM, 0.01, 1e-5, 0, 0.1, 3, 0);
    FactorizationMachine fm = new FactorizationMachine();
    assertThat(fm.fit(config, train, valid, ONE_THREAD).score(valid)).containsExactly(fm.fit(config, train, valid, ONE_THREAD).score(valid));
  }
}

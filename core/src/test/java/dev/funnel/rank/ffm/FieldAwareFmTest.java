package dev.funnel.rank.ffm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.FiniteDifferences;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.Synthetic;
import dev.funnel.rank.eval.RankEvaluation;
import dev.funnel.rank.fm.FactorizationMachine;
import dev.funnel.rank.fm.FmConfig;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.loss.Logistic;
import dev.funnel.train.optim.OptimizerKind;
import dev.funnel.util.Progress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FieldAwareFmTest {
  private static final TrainContext ONE_THREAD = new TrainContext(1, 13, Progress.NONE);
  /** Three fields; a row below puts two features in field b, so same-field pairs are covered too. */
  private static final FieldMap FIELDS = FieldMap.parse("a:0-2,b:3-5,c:6-7");

  @Test
  void pairwiseTermEqualsTheExplicitDoubleSum() {
    Random rnd = FiniteDifferences.seeded("FieldAwareFmTest pairwise");
    int dim = 3;
    FieldFactors factors = randomFactors(rnd, dim);
    int[] idx = {1, 3, 5, 7};
    float[] x = {1f, 0.5f, -2f, 1.5f};
    SampleBatch row = new SampleBatch(FIELDS, new int[] {0, 4}, idx, x, new float[] {1}, null, null);
    // Σ_{i<j} <v_{i,f_j}, v_{j,f_i}> x_i x_j, the field of each feature read off the field map
    double expected = 0;
    for (int a = 0; a < idx.length; a++) {
      for (int b = a + 1; b < idx.length; b++) {
        int fa = FIELDS.fieldOf(idx[a]);
        int fb = FIELDS.fieldOf(idx[b]);
        double dot = 0;
        for (int f = 0; f < dim; f++) {
          dot += latent(factors, idx[a], fb, f) * latent(factors, idx[b], fa, f);
        }
        expected += dot * x[a] * x[b];
      }
    }
    assertThat(factors.pairwise(row, 0)).isCloseTo(expected, within(1e-5));
    float[] linear = FiniteDifferences.gaussian(rnd, FIELDS.numFeatures() + 1);
    double linearPart = linear[FIELDS.numFeatures()];
    for (int a = 0; a < idx.length; a++) {
      linearPart += linear[idx[a]] * x[a];
    }
    assertThat(FfmModel.margin(linear, factors, row, 0)).isCloseTo(linearPart + expected, within(1e-5));
  }

  private static double latent(FieldFactors factors, int feature, int field, int f) {
    return factors.v[(feature * FIELDS.numFields() + field) * factors.dim + f];
  }

  @Test
  void everyGradientMatchesFiniteDifferences() {
    Random rnd = FiniteDifferences.seeded("FieldAwareFmTest gradient");
    int dim = 3;
    FieldFactors factors = randomFactors(rnd, dim);
    float[] linear = FiniteDifferences.gaussian(rnd, FIELDS.numFeatures() + 1);
    int[] idx = {0, 3, 4, 6};
    float[] x = {1f, 0.7f, -1.5f, 1.2f};
    SampleBatch row = new SampleBatch(FIELDS, new int[] {0, 4}, idx, x, new float[] {rnd.nextBoolean() ? 1 : 0},
        new float[] {1.5f}, null);
    FieldAwareFm.Step step = new FieldAwareFm.Step(factors);
    step.compute(row, 0, linear);
    double h = 1e-3;
    java.util.function.DoubleSupplier loss = () -> {
      double y = FfmModel.margin(linear, factors, row, 0);
      return row.weight(0) * (Logistic.softplus(y) - row.labels()[0] * y);
    };
    // linear weights and bias: dL/dw_i = g x_i for active i, 0 otherwise; dL/dw0 = g
    for (int i = 0; i <= FIELDS.numFeatures(); i++) {
      int entry = java.util.Arrays.binarySearch(idx, i);
      double analytic = i == FIELDS.numFeatures() ? step.g : entry >= 0 ? step.g * x[entry] : 0;
      assertThat(analytic).as("dL/dw_%d", i).isCloseTo(FiniteDifferences.central(linear, i, h, loss), within(2e-3));
    }
    // every latent coordinate of the table: active (feature, field) blocks from the step's scratch, the rest 0
    int fields = FIELDS.numFields();
    for (int i = 0; i < FIELDS.numFeatures(); i++) {
      int entry = java.util.Arrays.binarySearch(idx, i);
      for (int field = 0; field < fields; field++) {
        for (int f = 0; f < dim; f++) {
          double analytic = entry >= 0 ? step.grad[(entry * fields + field) * dim + f] : 0;
          assertThat(analytic).as("dL/dv_{%d,%d},%d", i, field, f)
              .isCloseTo(FiniteDifferences.central(factors.v, (i * fields + field) * dim + f, h, loss), within(2e-3));
        }
      }
    }
  }

  @Test
  void fieldAwarenessFitsWhatAPlainFmOfTheSameDimCannot() {
    // y = s(a) t(b) + u(a) w(c) with independent signs s, u of field a: FFM with k = 1 represents it
    // exactly (v_{a,B} = s, v_{a,C} = u); an FM with k = 1 has one v_a for both and cannot.
    SampleBatch train = Synthetic.twoInteractions(20000, 1);
    SampleBatch valid = Synthetic.twoInteractions(2000, 2);
    SampleBatch test = Synthetic.twoInteractions(4000, 3);
    FfmConfig ffmConfig = new FfmConfig(1, OptimizerKind.ADAGRAD, 0.1, 1e-5, 0, 0.1, 20, 2);
    double ffm = RankEvaluation.of(new FieldAwareFm().fit(ffmConfig, train, valid, ONE_THREAD), test).auc();
    FmConfig fmConfig = new FmConfig(1, OptimizerKind.ADAGRAD, 0.1, 1e-5, 0, 0.1, 20, 2);
    double fm = RankEvaluation.of(new FactorizationMachine().fit(fmConfig, train, valid, ONE_THREAD), test).auc();
    System.out.printf("two interactions, k=1: FFM test AUC %.4f, FM %.4f%n", ffm, fm);
    assertThat(ffm).isGreaterThan(0.82);
    assertThat(ffm - fm).isGreaterThan(0.05);
  }

  @Test
  void oneThreadIsDeterministic() {
    SampleBatch train = Synthetic.twoInteractions(4000, 4);
    SampleBatch valid = Synthetic.twoInteractions(500, 5);
    FfmConfig config = new FfmConfig(4, OptimizerKind.ADAGRAD, 0.1, 1e-5, 1e-6, 0.1, 3, 0);
    FieldAwareFm ffm = new FieldAwareFm();
    assertThat(ffm.fit(config, train, valid, ONE_THREAD).score(valid)).containsExactly(ffm.fit(config, train, valid, ONE_THREAD).score(valid));
  }

  @Test
  void badConfigNamesFieldAndValue() {
    assertThatThrownBy(() -> new FfmConfig(0, OptimizerKind.ADAGRAD, 0.1, 0, 0, 0.1, 1, 0)).hasMessage("dim must be positive; dim=0");
    assertThatThrownBy(() -> new FfmConfig(4, OptimizerKind.ADAGRAD, -1, 0, 0, 0.1, 1, 0))
        .hasMessage("learningRate must be positive and finite; learningRate=-1.0");
    assertThatThrownBy(() -> new FfmConfig(4, OptimizerKind.ADAGRAD, 0.1, -1e-5, 0, 0.1, 1, 0)).hasMessage("l2 must be >= 0 and finite; l2=-1.0E-5");
  }

  private static FieldFactors randomFactors(Random rnd, int dim) {
    return new FieldFactors(FIELDS, dim, FiniteDifferences.gaussian(rnd, FIELDS.numFeatures() * FIELDS.numFields() * dim));
  }
}

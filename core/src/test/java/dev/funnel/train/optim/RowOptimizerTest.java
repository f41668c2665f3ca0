package dev.funnel.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.train.WorkerRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RowOptimizerTest {
  private static EmbeddingTable table() {
    // 3 rows x 2: row 1 = (1.0, -2.0); rows 0 and 2 are sentinels that must not change.
    return new EmbeddingTable(3, 2, new float[] {7f, 8f, 1.0f, -2.0f, 9f, 10f});
  }

  private static void assertOtherRowsUntouched(EmbeddingTable t) {
    assertThat(t.data()[0]).isEqualTo(7f);
    assertThat(t.data()[1]).isEqualTo(8f);
    assertThat(t.data()[4]).isEqualTo(9f);
    assertThat(t.data()[5]).isEqualTo(10f);
  }

  @Test
  void sgdOneStepByHand() {
    EmbeddingTable t = table();
    RowOptimizer sgd = OptimizerConfig.sgd(0.1).withWeightDecay(0.5).create(t);
    // gradient read at offset 1: g = (0.4, 1.0); with L2: g' = (0.4 + 0.5*1, 1.0 + 0.5*-2) = (0.9, 0)
    sgd.update(1, new float[] {99f, 0.4f, 1.0f}, 1);
    assertThat(t.get(1, 0)).isCloseTo(1.0f - 0.09f, Offset.offset(1e-6f));
    assertThat(t.get(1, 1)).isCloseTo(-2.0f, Offset.offset(1e-6f));
    assertOtherRowsUntouched(t);
  }

  @Test
  void adagradOneStepAndAccumulatorByHand() {
    EmbeddingTable t = table();
    OptimizerConfig config = new OptimizerConfig(OptimizerKind.ADAGRAD, 0.5, 0, 0.9, 0.999, 1e-10, 0.1);
    AdagradOptimizer adagrad = (AdagradOptimizer) config.create(t);
    adagrad.update(1, new float[] {0.3f, -4f}, 0);
    // G = 0.1 + g^2 = (0.19, 16.1); w -= 0.5 * g / sqrt(G)
    assertThat(adagrad.accumulator(1, 0)).isCloseTo(0.19f, Offset.offset(1e-6f));
    assertThat(adagrad.accumulator(1, 1)).isCloseTo(16.1f, Offset.offset(1e-5f));
    assertThat(t.get(1, 0)).isCloseTo((float) (1.0 - 0.5 * 0.3 / Math.sqrt(0.19)), Offset.offset(1e-6f));
    assertThat(t.get(1, 1)).isCloseTo((float) (-2.0 + 0.5 * 4 / Math.sqrt(16.1)), Offset.offset(1e-6f));
    // Second step accumulates: G = 0.19 + 0.2^2 = 0.23 on column 0.
    float w0 = t.get(1, 0);
    adagrad.update(1, new float[] {0.2f, 0f}, 0);
    assertThat(adagrad.accumulator(1, 0)).isCloseTo(0.23f, Offset.offset(1e-6f));
    assertThat(adagrad.accumulator(1, 1)).isCloseTo(16.1f, Offset.offset(1e-5f));
    assertThat(t.get(1, 0)).isCloseTo((float) (w0 - 0.5 * 0.2 / Math.sqrt(0.23)), Offset.offset(1e-6f));
    assertThat(adagrad.accumulator(0, 0)).isEqualTo(0.1f);
    assertOtherRowsUntouched(t);
  }

  /** One of three steps (0, 1, 2) on row 1 of {@code table} through {@code optimizer}, with x = {5, 0.25, -1.5}. */
  @FunctionalInterface
  private interface Steps {
    void step(RowOptimizer optimizer, EmbeddingTable table, int step, float[] x);
  }

  /** For every kind, three {@code reference} steps and three {@code candidate} steps leave row 1 the same. */
  private static void assertSameAs(Steps reference, Steps candidate) {
    for (OptimizerConfig config : new OptimizerConfig[] {OptimizerConfig.sgd(0.1).withWeightDecay(0.3),
        OptimizerConfig.adagrad(0.1).withWeightDecay(0.3), OptimizerConfig.adam(0.1).withWeightDecay(0.3)}) {
      EmbeddingTable a = table();
      EmbeddingTable b = table();
      RowOptimizer viaReference = config.create(a);
      RowOptimizer viaCandidate = config.create(b);
      float[] x = {5f, 0.25f, -1.5f};
      for (int step = 0; step < 3; step++) {
        reference.step(viaReference, a, step, x);
        candidate.step(viaCandidate, b, step, x);
      }
      for (int c = 0; c < 2; c++) {
        assertThat(b.get(1, c)).as(config.kind() + " col " + c).isCloseTo(a.get(1, c), Offset.offset(1e-6f));
      }
      assertThat(b.get(1, 0)).as(config.kind() + " moved").isNotEqualTo(1.0f);
      assertOtherRowsUntouched(b);
    }
  }

  private static float alpha(int step) {
    return step == 1 ? -0.7f : 1.3f;
  }

  @Test
  void updateScaledEqualsUpdateOnTheScaledCopyForEveryKind() {
    assertSameAs((o, t, step, x) -> o.update(1, new float[] {alpha(step) * x[1], alpha(step) * x[2]}, 0),
        (o, t, step, x) -> o.updateScaled(1, alpha(step), x, 1));
  }

  @Test
  void updateAffineEqualsUpdateOnTheMaterialisedGradientForEveryKind() {
    float[] beta = {-0.9f, -0.9f, 0.4f};
    assertSameAs((o, t, step, x) -> o.update(1, new float[] {alpha(step) * x[1] + beta[step] * t.get(1, 0),
        alpha(step) * x[2] + beta[step] * t.get(1, 1)}, 0), (o, t, step, x) -> o.updateAffine(1, alpha(step), x, 1, beta[step]));
  }

  @Test
  void updateScalarEqualsUpdateScaledOnADimOneTableForEveryKind() {
    for (OptimizerConfig config : new OptimizerConfig[] {OptimizerConfig.sgd(0.1).withWeightDecay(0.3),
        OptimizerConfig.adagrad(0.1).withWeightDecay(0.3), OptimizerConfig.adam(0.1).withWeightDecay(0.3)}) {
      EmbeddingTable a = new EmbeddingTable(3, 1, new float[] {0.5f, -1f, 2f});
      EmbeddingTable b = new EmbeddingTable(3, 1, new float[] {0.5f, -1f, 2f});
      RowOptimizer viaScaled = config.create(a);
      RowOptimizer viaScalar = config.create(b);
      for (int step = 0; step < 4; step++) {
        float grad = step % 2 == 0 ? 0.8f : -1.7f;
        viaScaled.updateScaled(step % 3, grad, new float[] {1f}, 0);
        viaScalar.updateScalar(step % 3, grad);
      }
      assertThat(b.data()).as(config.kind().toString()).containsExactly(a.data());
      assertThat(b.get(0, 0)).as(config.kind() + " moved").isNotEqualTo(0.5f);
    }
    assertThatThrownBy(() -> OptimizerConfig.adagrad(0.1).create(table()).updateScalar(0, 1f))
        .hasMessage("updateScalar needs a table of dim 1; dim=2");
  }

  @Test
  void adamOneStepByHand() {
    EmbeddingTable t = table();
    AdamOptimizer adam = (AdamOptimizer) OptimizerConfig.adam(0.01).create(t);
    adam.update(1, new float[] {0.5f, -3f}, 0);
    // First step: m^ = g, v^ = g^2, so w -= lr * g / (|g| + eps) = lr * sign(g) up to eps.
    assertThat(t.get(1, 0)).isCloseTo((float) (1.0 - 0.01 * 0.5 / (0.5 + 1e-8)), Offset.offset(1e-7f));
    assertThat(t.get(1, 1)).isCloseTo((float) (-2.0 + 0.01 * 3 / (3 + 1e-8)), Offset.offset(1e-7f));
    assertThat(adam.steps(1)).isEqualTo(1);
    assertThat(adam.steps(0)).isZero();
    assertOtherRowsUntouched(t);
  }

  /** Dense Adam in double on one vector (Kingma and Ba 2015, Algorithm 1) with coupled L2. */
  private static final class DenseAdam {
    final double[] w;
    final double[] m;
    final double[] v;
    int t;
    final double lr = 0.05;
    final double b1 = 0.8;
    final double b2 = 0.99;
    final double eps = 1e-6;
    final double lambda = 0.01;

    DenseAdam(double[] w) {
      this.w = w.clone();
      m = new double[w.length];
      v = new double[w.length];
    }

    void step(float[] grad) {
      t++;
      for (int k = 0; k < w.length; k++) {
        double g = grad[k] + lambda * w[k];
        m[k] = b1 * m[k] + (1 - b1) * g;
        v[k] = b2 * v[k] + (1 - b2) * g * g;
        double mh = m[k] / (1 - Math.pow(b1, t));
        double vh = v[k] / (1 - Math.pow(b2, t));
        w[k] -= lr * mh / (Math.sqrt(vh) + eps);
      }
    }
  }

  @Test
  void lazyAdamRowMatchesDenseAdamOverManySteps() {
    long seed = 31;
    System.out.println("RowOptimizerTest seed=" + seed);
    WorkerRandom random = new WorkerRandom(seed);
    int dim = 8;
    EmbeddingTable t = new EmbeddingTable(5, dim);
    t.initNormal(0.5, random);
    OptimizerConfig config = new OptimizerConfig(OptimizerKind.ADAM, 0.05, 0.01, 0.8, 0.99, 1e-6, 0);
    AdamOptimizer adam = (AdamOptimizer) config.create(t);
    double[] start = new double[dim];
    for (int k = 0; k < dim; k++) {
      start[k] = t.get(3, k);
    }
    DenseAdam reference = new DenseAdam(start);
    float[] grad = new float[dim];
    for (int step = 0; step < 200; step++) {
      for (int k = 0; k < dim; k++) {
        grad[k] = (float) (random.nextGaussian() + 0.3 * Math.sin(step + k));
      }
      adam.update(3, grad, 0);
      reference.step(grad);
      // Other rows update in between: per-row counters keep row 3's bias correction its own.
      if (step % 3 == 0) {
        adam.update(0, grad, 0);
        adam.update(0, grad, 0);
      }
    }
    assertThat(adam.steps(3)).isEqualTo(200);
    for (int k = 0; k < dim; k++) {
      assertThat((double) t.get(3, k)).as("column %d", k).isCloseTo(reference.w[k], Offset.offset(2e-4));
    }
  }

  @Test
  void adamBiasCorrectionBeyondTheTable() {
    EmbeddingTable t = new EmbeddingTable(1, 1);
    OptimizerConfig config = new OptimizerConfig(OptimizerKind.ADAM, 1e-3, 0, 0.9, 0.99999, 1e-8, 0);
    AdamOptimizer adam = (AdamOptimizer) config.create(t);
    DenseAdamScalar ref = new DenseAdamScalar();
    float[] g = {0.7f};
    for (int s = 0; s < 20_000; s++) {
      adam.update(0, g, 0);
      ref.step(0.7);
    }
    assertThat((double) t.get(0, 0)).isCloseTo(ref.w, Offset.offset(Math.abs(ref.w) * 1e-3));
  }

  private static final class DenseAdamScalar {
    double w;
    double m;
    double v;
    int t;

    void step(double g) {
      t++;
      m = 0.9 * m + 0.1 * g;
      v = 0.99999 * v + 0.00001 * g * g;
      w -= 1e-3 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.99999, t))) + 1e-8);
    }
  }

  @Test
  void learningRateChangesAndValidation() {
    EmbeddingTable t = table();
    RowOptimizer sgd = OptimizerConfig.sgd(1).create(t);
    sgd.setLearningRate(0.5f);
    assertThat(sgd.learningRate()).isEqualTo(0.5f);
    sgd.update(1, new float[] {1f, 1f}, 0);
    assertThat(t.get(1, 0)).isEqualTo(0.5f);
    assertThatThrownBy(() -> sgd.setLearningRate(0f)).hasMessageContaining("learningRate=0.0");
    assertThatThrownBy(() -> OptimizerConfig.adam(-1)).hasMessageContaining("learningRate=-1.0");
    assertThatThrownBy(() -> new OptimizerConfig(OptimizerKind.ADAM, 1, 0, 1.0, 0.9, 1e-8, 0))
        .hasMessageContaining("beta1=1.0");
    assertThatThrownBy(() -> OptimizerConfig.sgd(1).withWeightDecay(-0.1)).hasMessageContaining("weightDecay=-0.1");
    assertThatThrownBy(() -> new EmbeddingTable(2, 2, new float[3])).hasMessageContaining("rows*dim=4");
    assertThatThrownBy(() -> new EmbeddingTable(2, 0)).hasMessageContaining("dim=0");
  }

  @Test
  void concurrentHogwildUpdatesOnDisjointRowsEqualSequentialOnes() throws Exception {
    int rows = 64;
    int dim = 16;
    EmbeddingTable shared = new EmbeddingTable(rows, dim);
    EmbeddingTable sequential = new EmbeddingTable(rows, dim);
    RowOptimizer a = OptimizerConfig.adam(0.01).create(shared);
    RowOptimizer b = OptimizerConfig.adam(0.01).create(sequential);
    float[] grad = new float[dim];
    for (int k = 0; k < dim; k++) {
      grad[k] = k - 7.5f;
    }
    Thread[] threads = new Thread[2];
    for (int w = 0; w < 2; w++) {
      int worker = w;
      threads[w] = new Thread(() -> {
        for (int step = 0; step < 500; step++) {
          for (int r = worker; r < rows; r += 2) {
            a.update(r, grad, 0);
          }
        }
      });
      threads[w].start();
    }
    for (Thread th : threads) {
      th.join();
    }
    for (int step = 0; step < 500; step++) {
      for (int r = 0; r < rows; r++) {
        b.update(r, grad, 0);
      }
    }
    assertThat(shared.data()).containsExactly(sequential.data());
  }
}

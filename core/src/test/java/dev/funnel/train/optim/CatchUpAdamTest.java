package dev.funnel.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link CatchUpAdam} against dense Adam computed here in double precision (every row steps at every
 * batch, zero gradient where the batch does not touch it; Kingma and Ba, Algorithm 1, global step):
 * rows touched sparsely and at random, compared after {@link CatchUpAdam#flush()}; and against
 * {@link AdamOptimizer} where every row is touched every batch (no gaps: plain Adam).
 */
class CatchUpAdamTest {
  @Test
  void sparseTouchesMatchDenseAdam() {
    long seed = 4242L;
    System.out.println("CatchUpAdamTest seed=" + seed);
    Random rnd = new Random(seed);
    int rows = 4;
    int dim = 8;
    int steps = 400;
    double lr = 0.01;
    float[] w = new float[rows * dim];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextFloat() - 0.5f;
    }
    double[] ew = new double[w.length];
    double[] em = new double[w.length];
    double[] ev = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      ew[i] = w[i];
    }
    CatchUpAdam adam = new CatchUpAdam(new EmbeddingTable(rows, dim, w), OptimizerConfig.adam(lr));
    double[] touchRate = {1.0, 0.3, 0.05, 0.0};
    int gaps = 0;
    for (int t = 1; t <= steps; t++) {
      adam.tick();
      double[] g = new double[w.length];
      for (int r = 0; r < rows; r++) {
        if (rnd.nextDouble() < touchRate[r] || (r == 2 && t == 1)) {
          float[] grad = new float[dim];
          for (int j = 0; j < dim; j++) {
            grad[j] = rnd.nextFloat() * 2f - 1f;
            g[r * dim + j] = grad[j];
          }
          adam.update(r, grad, 0);
        } else {
          gaps++;
        }
      }
      referenceAdamStep(ew, em, ev, g, 0, lr, t);
    }
    adam.flush();
    assertThat(gaps).as("some rows skipped batches").isGreaterThan(steps);
    for (int i = 0; i < w.length; i++) {
      // dense Adam moves the sparse rows several lr-steps after each touch: a lazy Adam misses ~1e-2
      assertThat((double) w[i]).as("w[%d] (row %d)", i, i / dim).isCloseTo(ew[i], Offset.offset(2e-4));
    }
    for (int j = 0; j < dim; j++) {
      assertThat(w[3 * dim + j]).as("a never-touched row does not move").isEqualTo((float) ew[3 * dim + j]);
    }
  }

  /**
   * decayEveryStep: the L2 acts on every row at every step through Adam's moments (a lambda/2 |W|² of
   * the whole table in the loss under dense Adam). Against dense Adam in double precision, and against
   * {@link AdamOptimizer} stepping every row at every batch (zero loss gradient where a row is not
   * touched; its per-row t is then the global step), which is the same algorithm in float.
   */
  @Test
  void decayEveryStepMatchesDenseAdamWithL2() {
    long seed = Long.getLong("funnel.test.seed", System.nanoTime());
    System.out.println("CatchUpAdamTest.decayEveryStep seed=" + seed + " (rerun with -Dfunnel.test.seed=" + seed + ")");
    Random rnd = new Random(seed);
    int rows = 5;
    int dim = 19; // a SIMD block and a tail
    int steps = 300;
    double lr = 0.01;
    double lambda = 0.05;
    float[] w = new float[rows * dim];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextFloat() - 0.5f;
    }
    float[] wd = w.clone();
    double[] ew = new double[w.length];
    double[] em = new double[w.length];
    double[] ev = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      ew[i] = w[i];
    }
    OptimizerConfig config = OptimizerConfig.adam(lr).withWeightDecay(lambda);
    CatchUpAdam adam = new CatchUpAdam(new EmbeddingTable(rows, dim, w), config).decayEveryStep(true);
    RowOptimizer dense = config.create(new EmbeddingTable(rows, dim, wd));
    double[] touchRate = {1.0, 0.3, 0.05, 0.01, 0.0};
    float[] zero = new float[dim];
    int gaps = 0;
    for (int t = 1; t <= steps; t++) {
      adam.tick();
      double[] g = new double[w.length];
      for (int r = 0; r < rows; r++) {
        if (rnd.nextDouble() < touchRate[r] || (r == 2 && t == 1)) {
          float[] grad = new float[dim];
          for (int j = 0; j < dim; j++) {
            grad[j] = rnd.nextFloat() * 2f - 1f;
            g[r * dim + j] = grad[j];
          }
          adam.update(r, grad, 0);
          dense.update(r, grad, 0);
        } else {
          gaps++;
          dense.update(r, zero, 0);
        }
      }
      referenceAdamStep(ew, em, ev, g, lambda, lr, t);
      if (t == steps / 2) {
        adam.flush(); // a mid-run flush (validation) must not change the trajectory
      }
    }
    adam.flush();
    assertThat(gaps).as("some rows skipped batches").isGreaterThan(steps);
    for (int i = 0; i < w.length; i++) {
      assertThat(w[i]).as("w[%d] (row %d) against dense float Adam", i, i / dim).isCloseTo(wd[i], Offset.offset(2e-5f));
      assertThat((double) w[i]).as("w[%d] (row %d) against dense double Adam", i, i / dim).isCloseTo(ew[i],
          Offset.offset(2e-4));
    }
    int r4 = 4 * dim;
    float before = 0f;
    float after = 0f;
    Random again = new Random(seed);
    for (int i = 0; i < r4 + dim; i++) {
      float w0 = again.nextFloat() - 0.5f;
      if (i >= r4) {
        before += Math.abs(w0);
        after += Math.abs(w[i]);
      }
    }
    assertThat(after).as("the untouched row decayed toward 0").isLessThan(before);
  }

  @Test
  void decayEveryStepOffLeavesUntouchedRowsStillWithoutMomentum() {
    float[] w = {0.5f, -0.25f};
    CatchUpAdam adam = new CatchUpAdam(new EmbeddingTable(1, 2, w), OptimizerConfig.adam(0.01).withWeightDecay(0.1));
    for (int t = 0; t < 10; t++) {
      adam.tick();
    }
    adam.flush();
    assertThat(w).as("no gradient, no momentum, decay off for missed steps: w stays").containsExactly(0.5f, -0.25f);
    adam.decayEveryStep(true);
    for (int t = 0; t < 10; t++) {
      adam.tick();
    }
    adam.flush();
    assertThat(w[0]).as("decay on: the row shrinks").isLessThan(0.5f).isGreaterThan(0f);
    assertThat(w[1]).isGreaterThan(-0.25f).isLessThan(0f);
  }

  /** One dense Adam step in double precision (betas 0.9 / 0.999, eps 1e-8), the L2 term {@code lambda * w} added to the gradient. */
  private static void referenceAdamStep(double[] w, double[] m, double[] v, double[] g, double lambda, double lr, int t) {
    for (int i = 0; i < w.length; i++) {
      double gi = g[i] + lambda * w[i];
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      w[i] -= lr * (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
    }
  }
}

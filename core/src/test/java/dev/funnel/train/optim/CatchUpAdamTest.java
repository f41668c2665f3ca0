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
      for (int i = 0; i < w.length; i++) {
        em[i] = 0.9 * em[i] + 0.1 * g[i];
        ev[i] = 0.999 * ev[i] + 0.001 * g[i] * g[i];
        ew[i] -= lr * (em[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(ev[i] / (1 - Math.pow(0.999, t))) + 1e-8);
      }
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
}

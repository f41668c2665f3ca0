package dev.funnel.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * A row long enough to take the kernels' Adam step (a dense layer held as one row) follows Algorithm 1
 * of Kingma and Ba with coupled L2, computed here in double precision, over several steps.
 */
class DenseAdamTest {
  @Test
  void denseRowFollowsTheAdamFormulas() {
    long seed = Long.getLong("funnel.test.seed", System.nanoTime());
    System.out.println("DenseAdamTest seed=" + seed);
    Random rnd = new Random(seed);
    int dim = 1500;
    float[] w = new float[dim];
    for (int i = 0; i < dim; i++) {
      w[i] = rnd.nextFloat() - 0.5f;
    }
    double[] ew = new double[dim];
    double[] em = new double[dim];
    double[] ev = new double[dim];
    for (int i = 0; i < dim; i++) {
      ew[i] = w[i];
    }
    double lr = 0.01;
    double lambda = 0.1;
    RowOptimizer adam = OptimizerConfig.adam(lr).withWeightDecay(lambda).create(new EmbeddingTable(1, dim, w));
    for (int t = 1; t <= 4; t++) {
      float[] grad = new float[dim];
      for (int i = 0; i < dim; i++) {
        grad[i] = rnd.nextFloat() * 2f - 1f;
      }
      adam.update(0, grad, 0);
      for (int i = 0; i < dim; i++) {
        double g = grad[i] + lambda * ew[i];
        em[i] = 0.9 * em[i] + 0.1 * g;
        ev[i] = 0.999 * ev[i] + 0.001 * g * g;
        ew[i] -= lr * (em[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(ev[i] / (1 - Math.pow(0.999, t))) + 1e-8);
      }
      for (int i = 0; i < dim; i++) {
        assertThat((double) w[i]).as("w[%d] after step %d, seed %d", i, t, seed).isCloseTo(ew[i], Offset.offset(1e-5));
      }
    }
  }
}

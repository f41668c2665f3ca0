package dev.funnel.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link AdamOptimizer#kernelRows}: 64-float embedding rows (and a 3-float row, all tail) stepped on
 * the kernels follow the same Adam steps as the default scalar loop, over several steps of several rows.
 */
class KernelRowAdamTest {
  @Test
  void kernelRowsMatchTheScalarLoop() {
    long seed = 64L;
    System.out.println("KernelRowAdamTest seed=" + seed);
    for (int dim : new int[] {64, 3}) {
      Random rnd = new Random(seed);
      int rows = 5;
      float[] a = new float[rows * dim];
      for (int i = 0; i < a.length; i++) {
        a[i] = rnd.nextFloat() - 0.5f;
      }
      float[] b = a.clone();
      OptimizerConfig config = OptimizerConfig.adam(0.01).withWeightDecay(0.1);
      RowOptimizer scalar = config.create(new EmbeddingTable(rows, dim, a));
      AdamOptimizer kernel = ((AdamOptimizer) config.create(new EmbeddingTable(rows, dim, b))).kernelRows(true);
      for (int t = 0; t < 6; t++) {
        int row = rnd.nextInt(rows);
        float[] grad = new float[dim + 2];
        for (int i = 0; i < grad.length; i++) {
          grad[i] = rnd.nextFloat() * 2f - 1f;
        }
        float alpha = 0.5f + t;
        scalar.updateScaled(row, alpha, grad, 2);
        kernel.updateScaled(row, alpha, grad, 2);
        for (int i = 0; i < a.length; i++) {
          assertThat(b[i]).as("dim %d, w[%d] after step %d", dim, i, t).isCloseTo(a[i], Offset.offset(1e-6f));
        }
      }
    }
  }
}

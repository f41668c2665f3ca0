package dev.funnel.rank.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FiniteDifferences;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MlpTest {

  /** L = Σ c_ij out_ij: dL/dout = c, so every parameter's and input's gradient is checkable. */
  private static double loss(Mlp mlp, VectorKernels k, float[] x, int m, float[] c, float dropout, long maskSeed) {
    float[] out = mlp.forward(k, x, m, mlp.workspace(), dropout, new WorkerRandom(maskSeed));
    double l = 0;
    for (int i = 0; i < c.length; i++) {
      l += (double) c[i] * out[i];
    }
    return l;
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    return a;
  }

  private static void checkGradients(Activation activation, float dropout, long seed) {
    System.out.println("MlpTest finite differences: activation=" + activation + " dropout=" + dropout + " seed=" + seed);
    Random rnd = new Random(seed);
    VectorKernels k = Kernels.get();
    int m = 5;
    Mlp mlp = new Mlp(7, new int[] {6, 5}, 2, activation);
    mlp.initGlorot(new WorkerRandom(seed));
    for (int i = 0; i < mlp.depth(); i++) { // non-zero biases, so their gradients matter
      float[] p = mlp.layer(i).params();
      for (int j = mlp.layer(i).biasOffset(); j < p.length; j++) {
        p[j] = (float) (0.1 * rnd.nextGaussian());
      }
    }
    float[] x = gaussian(rnd, m * 7);
    float[] c = gaussian(rnd, m * 2);
    Mlp.Workspace w = mlp.workspace();
    mlp.forward(k, x, m, w, dropout, new WorkerRandom(seed)); // the same mask as every loss() below
    float[] dx = new float[m * 7];
    mlp.backward(k, x, c.clone(), m, dx, w);
    java.util.function.DoubleSupplier lossNow = () -> loss(mlp, k, x, m, c, dropout, seed);
    for (int i = 0; i < mlp.depth(); i++) {
      float[] p = mlp.layer(i).params();
      for (int j = 0; j < p.length; j++) {
        check(w.grad(i)[j], FiniteDifferences.central(p, j, 1e-3, lossNow), "layer " + i + " param " + j, seed);
      }
    }
    for (int j = 0; j < x.length; j++) {
      check(dx[j], FiniteDifferences.central(x, j, 1e-3, lossNow), "dx " + j, seed);
    }
  }

  private static void check(float analytic, double numeric, String what, long seed) {
    assertThat((double) analytic).as("%s (seed %d)", what, seed)
        .isCloseTo(numeric, org.assertj.core.data.Offset.offset(2e-3 + 1e-2 * Math.abs(numeric)));
  }

  @Test
  void reluGradientsMatchFiniteDifferences() {
    checkGradients(Activation.RELU, 0f, 20261124L);
  }

  @Test
  void swishGradientsMatchFiniteDifferences() {
    checkGradients(Activation.SWISH, 0f, 7L);
  }

  @Test
  void dropoutGradientsMatchFiniteDifferencesUnderAFixedMask() {
    checkGradients(Activation.SWISH, 0.4f, 13L);
    checkGradients(Activation.RELU, 0.4f, 14L);
  }

  @Test
  void dropoutZeroesUnitsAndScalesSurvivors() {
    Mlp mlp = new Mlp(1, new int[] {2000}, 1, Activation.RELU);
    float[] p = mlp.layer(0).params();
    java.util.Arrays.fill(p, 0, 2000, 1f); // hidden unit j = relu(x) = 1 for x = 1
    java.util.Arrays.fill(mlp.layer(1).params(), 0, 2000, 1f / 2000); // output = mean of the hidden units
    Mlp.Workspace w = mlp.workspace();
    float plain = mlp.forward(Kernels.get(), new float[] {1f}, 1, w)[0];
    assertThat(plain).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
    float dropped = mlp.forward(Kernels.get(), new float[] {1f}, 1, w, 0.5f, new WorkerRandom(1))[0];
    // about half the units survive, each scaled by 2: the mean stays near 1 but is not exactly 1
    assertThat(dropped).isCloseTo(1f, org.assertj.core.data.Offset.offset(0.1f)).isNotEqualTo(plain);
    assertThatThrownBy(() -> mlp.forward(Kernels.get(), new float[] {1f}, 1, w, 1f, new WorkerRandom(1)))
        .hasMessage("dropout must be in [0, 1); dropout=1.0");
  }

  @Test
  void linearForwardIsXWTransposedPlusBias() {
    // W = [[1, 2], [3, 4], [5, 6]] (3 outputs, 2 inputs), b = [0.5, -1, 2]; x = [[1, -1], [2, 0]]
    Linear l = new Linear(2, 3, new float[] {1, 2, 3, 4, 5, 6, 0.5f, -1, 2});
    float[] y = new float[6];
    l.forward(Kernels.get(), new float[] {1, -1, 2, 0}, 2, y);
    assertThat(y).containsExactly(-0.5f, -2f, 1f, 2.5f, 5f, 12f);
  }

  @Test
  void simdAndScalarAgree() {
    long seed = 99L;
    System.out.println("MlpTest simd vs scalar seed=" + seed);
    VectorKernels simd = Kernels.simd().orElseThrow();
    Random rnd = new Random(seed);
    int m = 37;
    Mlp mlp = new Mlp(30, new int[] {64, 33}, 1, Activation.RELU);
    mlp.initGlorot(new WorkerRandom(seed));
    float[] x = gaussian(rnd, m * 30);
    float[] dOut = gaussian(rnd, m);
    float[][] outs = new float[2][];
    float[][] dxs = new float[2][];
    float[][] grads = new float[2][];
    VectorKernels[] ks = {Kernels.scalar(), simd};
    for (int v = 0; v < 2; v++) {
      Mlp.Workspace w = mlp.workspace();
      outs[v] = java.util.Arrays.copyOf(mlp.forward(ks[v], x, m, w), m);
      dxs[v] = new float[m * 30];
      mlp.backward(ks[v], x, dOut.clone(), m, dxs[v], w);
      grads[v] = w.grad(0).clone();
    }
    for (int i = 0; i < m; i++) {
      assertThat(outs[1][i]).isCloseTo(outs[0][i], org.assertj.core.data.Offset.offset(1e-4f));
    }
    for (int i = 0; i < dxs[0].length; i++) {
      assertThat(dxs[1][i]).isCloseTo(dxs[0][i], org.assertj.core.data.Offset.offset(1e-4f));
    }
    for (int i = 0; i < grads[0].length; i++) {
      assertThat(grads[1][i]).isCloseTo(grads[0][i], org.assertj.core.data.Offset.offset(1e-3f));
    }
  }

  @Test
  void adamFitsALinearTarget() {
    // y = 2 x0 - x1 + 0.5 learned by a 2->1 layer with dense Adam on squared error
    long seed = 5L;
    System.out.println("MlpTest adam seed=" + seed);
    Random rnd = new Random(seed);
    Mlp mlp = new Mlp(2, new int[0], 1, Activation.RELU);
    RowOptimizer[] adam = mlp.optimizers(OptimizerConfig.adam(0.05));
    Mlp.Workspace w = mlp.workspace();
    int m = 64;
    for (int step = 0; step < 600; step++) {
      float[] x = gaussian(rnd, 2 * m);
      float[] out = mlp.forward(Kernels.get(), x, m, w);
      float[] d = new float[m];
      for (int r = 0; r < m; r++) {
        d[r] = (out[r] - (2 * x[2 * r] - x[2 * r + 1] + 0.5f)) / m;
      }
      mlp.backward(Kernels.get(), x, d, m, null, w);
      mlp.step(adam, w);
    }
    assertThat(mlp.layer(0).params()).containsExactly(new float[] {2f, -1f, 0.5f}, org.assertj.core.data.Offset.offset(0.02f));
  }

  @Test
  void mismatchedLayersAreRefused() {
    assertThatThrownBy(() -> new Mlp(new Linear[] {new Linear(3, 4), new Linear(5, 1)}, Activation.RELU))
        .hasMessageContaining("layer 1 takes 5 inputs but layer 0 gives 4");
    assertThatThrownBy(() -> new Linear(0, 3)).hasMessageContaining("in=0");
  }
}

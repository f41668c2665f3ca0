package dev.funnel.rank.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FiniteDifferences;
import dev.funnel.train.WorkerRandom;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class BatchNormTest {

  @Test
  void trainingNormalisesEachColumnWithTheBatchStatistics() {
    // column 0: 1, 3 -> mean 2, var 1 -> x̂ = -1, 1 (up to ε); column 1: 5, 5 -> var 0 -> x̂ = 0
    BatchNorm bn = new BatchNorm(2, new float[] {2f, 1f, 0.5f, -1f}, new float[] {0, 0, 1, 1});
    float[] z = {1f, 5f, 3f, 5f};
    BatchNorm.State s = new BatchNorm.State();
    bn.forwardTraining(z, 2, s);
    float x = (float) (1 / Math.sqrt(1 + BatchNorm.EPSILON));
    assertThat(z).containsExactly(new float[] {2f * -x + 0.5f, -1f, 2f * x + 0.5f, -1f}, Offset.offset(1e-5f));
    // running = 0.9 (0, 0, 1, 1) + 0.1 (mean 2, 5; unbiased var 2, 0)
    bn.track(s);
    assertThat(bn.running()).containsExactly(new float[] {0.2f, 0.5f, 1.1f, 0.9f}, Offset.offset(1e-6f));
  }

  @Test
  void inferenceUsesTheRunningStatistics() {
    BatchNorm bn = new BatchNorm(1, new float[] {3f, 1f}, new float[] {2f, 4f});
    float[] z = {6f, 2f};
    bn.forwardInference(z, 2);
    double sd = Math.sqrt(4 + BatchNorm.EPSILON);
    assertThat(z).containsExactly(new float[] {(float) (3 * 4 / sd + 1), 1f}, Offset.offset(1e-5f));
  }

  @Test
  void partsAreAveragedByRowsWhenTracking() {
    BatchNorm bn = new BatchNorm(1);
    BatchNorm.State a = new BatchNorm.State();
    BatchNorm.State b = new BatchNorm.State();
    bn.forwardTraining(new float[] {0f, 2f, 4f}, 3, a); // mean 2, var 8/3
    bn.forwardTraining(new float[] {10f}, 1, b); // mean 10, var 0
    bn.track(a, b);
    // mean (3*2 + 10)/4 = 4; var (3*8/3 + 0)/4 = 2, unbiased 2*4/3
    assertThat(bn.running()[0]).isCloseTo(0.4f, Offset.offset(1e-6f));
    assertThat(bn.running()[1]).isCloseTo(0.9f + 0.1f * 8f / 3f, Offset.offset(1e-6f));
  }

  @Test
  void sizesAreChecked() {
    assertThatThrownBy(() -> new BatchNorm(0)).hasMessage("width must be positive; width=0");
    assertThatThrownBy(() -> new Mlp(new Linear[] {new Linear(2, 3), new Linear(3, 1)}, new BatchNorm[] {new BatchNorm(4)},
        Activation.RELU)).hasMessage("batch norm 0 has width 4 but layer 0 gives 3");
  }

  private static double loss(Mlp mlp, VectorKernels k, float[] x, int m, float[] c, float dropout, long maskSeed) {
    float[] out = mlp.forward(k, x, m, mlp.workspace(), dropout, new WorkerRandom(maskSeed));
    double l = 0;
    for (int i = 0; i < c.length; i++) {
      l += (double) c[i] * out[i];
    }
    return l;
  }

  private static void checkGradients(Activation activation, float dropout, long seed) {
    System.out.println("BatchNormTest finite differences: activation=" + activation + " dropout=" + dropout + " seed=" + seed);
    Random rnd = new Random(seed);
    VectorKernels k = Kernels.get();
    int m = 6;
    Mlp mlp = new Mlp(7, new int[] {6, 5}, 2, activation, true);
    mlp.initGlorot(new WorkerRandom(seed));
    for (int i = 0; i < 2; i++) { // γ away from 1, β away from 0, so their gradients matter
      float[] p = mlp.norm(i).params();
      for (int j = 0; j < p.length; j++) {
        p[j] += (float) (0.3 * rnd.nextGaussian());
      }
    }
    float[] x = new float[m * 7];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    float[] c = new float[m * 2];
    for (int i = 0; i < c.length; i++) {
      c[i] = (float) rnd.nextGaussian();
    }
    Mlp.Workspace w = mlp.workspace();
    mlp.forward(k, x, m, w, dropout, new WorkerRandom(seed));
    float[] dx = new float[m * 7];
    mlp.backward(k, x, c.clone(), m, dx, w);
    java.util.function.DoubleSupplier lossNow = () -> loss(mlp, k, x, m, c, dropout, seed);
    for (int i = 0; i < mlp.depth(); i++) {
      float[] p = mlp.layer(i).params();
      for (int j = 0; j < p.length; j++) {
        check(w.grad(i)[j], FiniteDifferences.central(p, j, 1e-3, lossNow), "layer " + i + " param " + j, seed);
      }
    }
    for (int i = 0; i < 2; i++) {
      float[] p = mlp.norm(i).params();
      for (int j = 0; j < p.length; j++) {
        check(w.normGrad(i)[j], FiniteDifferences.central(p, j, 1e-3, lossNow), "norm " + i + " param " + j, seed);
      }
    }
    for (int j = 0; j < x.length; j++) {
      check(dx[j], FiniteDifferences.central(x, j, 1e-3, lossNow), "dx " + j, seed);
    }
  }

  private static void check(float analytic, double numeric, String what, long seed) {
    assertThat((double) analytic).as("%s (seed %d)", what, seed).isCloseTo(numeric, Offset.offset(3e-3 + 1e-2 * Math.abs(numeric)));
  }

  @Test
  void gradientsThroughBatchStatisticsMatchFiniteDifferences() {
    checkGradients(Activation.SWISH, 0f, 20261124L);
    checkGradients(Activation.RELU, 0f, 3L);
    checkGradients(Activation.SWISH, 0.3f, 11L);
  }

  @Test
  void inferenceForwardDiffersFromTrainingUntilStatisticsAreTracked() {
    Mlp mlp = new Mlp(3, new int[] {4}, 1, Activation.RELU, true);
    mlp.initGlorot(new WorkerRandom(1));
    float[] x = {1, 2, 3, -1, 0, 2, 0.5f, 0.5f, -2, 3, 1, 1};
    Mlp.Workspace w = mlp.workspace();
    float[] train = mlp.forward(Kernels.get(), x, 4, w, 0f, new WorkerRandom(2)).clone();
    for (int i = 0; i < 200; i++) { // the running statistics converge to this batch's
      mlp.forward(Kernels.get(), x, 4, w, 0f, new WorkerRandom(2));
      mlp.trackStatistics(w);
    }
    float[] infer = mlp.forward(Kernels.get(), x, 4, mlp.workspace());
    // the running variance is the unbiased one (x 4/3), so outputs agree only approximately
    for (int b = 0; b < 4; b++) {
      assertThat(infer[b]).isCloseTo(train[b], Offset.offset(0.2f * Math.abs(train[b]) + 0.05f));
    }
  }
}

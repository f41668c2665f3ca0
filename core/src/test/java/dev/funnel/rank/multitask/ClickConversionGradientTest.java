package dev.funnel.rank.multitask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.FiniteDifferences;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.multitask.ClickConversionLoss.Space;
import dev.funnel.rank.multitask.esmm.EsmmNet;
import dev.funnel.rank.multitask.experts.ExpertNet;
import dev.funnel.rank.multitask.synthetic.ImpressionSimulator;
import dev.funnel.rank.multitask.synthetic.ImpressionSimulatorConfig;
import dev.funnel.rank.nn.Activation;
import dev.funnel.rank.nn.Mlp;
import dev.funnel.train.WorkerRandom;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the hand-written backward passes of ESMM, MMoE and PLE, in both loss spaces. */
class ClickConversionGradientTest {
  static final ImpressionSimulator TINY = new ImpressionSimulator(new ImpressionSimulatorConfig(12, 15, 3, 2, 0, 0, 0.3, 0.3, 0.5, 5L));

  /** n rows of the tiny world with values in [0.5, 1.5), weights in [0.5, 2) and labels mixing every (click, conversion) case. */
  static MultiTaskBatch batch(int n, long seed) {
    SampleBatch base = TINY.draw(n, seed).batch().samples();
    Random rnd = new Random(seed);
    float[] values = new float[base.nnz()];
    for (int i = 0; i < values.length; i++) {
      values[i] = 0.5f + rnd.nextFloat();
    }
    float[] weights = new float[n];
    float[] clicks = new float[n];
    float[] conversions = new float[n];
    for (int r = 0; r < n; r++) {
      weights[r] = 0.5f + 1.5f * rnd.nextFloat();
      clicks[r] = r % 3 == 0 ? 0 : 1;
      conversions[r] = r % 3 == 2 ? 1 : 0;
    }
    return MultiTaskBatch.clickConversion(new SampleBatch(base.fields(), base.rowPtr(), base.features(), values, clicks, weights, null),
        conversions);
  }

  private static double meanLoss(ClickConversionNet net, VectorKernels k, FieldSlots slots, MultiTaskBatch batch, Space space) {
    ClickConversionNet.Pass pass = net.pass();
    net.forward(k, slots, null, 0, batch.size(), pass);
    float[] ignored = new float[2];
    double loss = 0;
    for (int r = 0; r < batch.size(); r++) {
      loss += ClickConversionLoss.row(space, pass.logits[2 * r], pass.logits[2 * r + 1], batch.labels()[0][r], batch.labels()[1][r],
          batch.samples().weight(r), 1f, ignored, 0);
    }
    return loss / batch.size();
  }

  private static void checkAll(String name, ClickConversionNet net, Space space, long seed) {
    System.out.println("ClickConversionGradientTest " + name + " " + space + " seed=" + seed);
    VectorKernels k = Kernels.get();
    MultiTaskBatch batch = batch(9, seed);
    net.init(0.5, new WorkerRandom(seed));
    // non-zero biases, so every bias gradient is exercised away from the symmetric start
    Random rnd = new Random(seed);
    for (Mlp mlp : net.mlps()) {
      for (int l = 0; l < mlp.depth(); l++) {
        float[] p = mlp.layer(l).params();
        for (int j = mlp.layer(l).biasOffset(); j < p.length; j++) {
          p[j] = (float) (0.3 * rnd.nextGaussian());
        }
      }
    }
    FieldSlots slots = FieldSlots.of(batch.samples());
    DoubleSupplier lossNow = () -> meanLoss(net, k, slots, batch, space);
    ClickConversionGradients grads = new ClickConversionGradients(net);
    double loss = grads.compute(k, slots, batch, space, null, 0, batch.size(), batch.size());
    assertThat(loss / batch.size()).isCloseTo(lossNow.getAsDouble(), within(1e-6));
    assertThat(grads.touchedCount).isGreaterThan(10);
    int checked = 0;
    for (int t = 0; t < grads.touchedCount; t++) {
      int i = grads.touched[t];
      for (int d = 0; d < net.dim; d++) {
        check(name + " v" + i + "," + d, grads.embeddingGrad[i * net.dim + d], FiniteDifferences.central(net.embeddings, i * net.dim + d, 1e-2, lossNow), seed);
        checked++;
      }
    }
    Mlp[] mlps = net.mlps();
    for (int b = 0; b < mlps.length; b++) {
      for (int l = 0; l < mlps[b].depth(); l++) {
        float[] p = mlps[b].layer(l).params();
        float[] g = grads.pass.dense.workspaces[b].grad(l);
        for (int j = 0; j < p.length; j++) {
          check(name + " block " + b + " layer " + l + " param " + j, g[j], FiniteDifferences.central(p, j, 1e-2, lossNow), seed);
          checked++;
        }
      }
    }
    System.out.println("  checked " + checked + " gradients");
  }

  private static void check(String what, double analytic, double numeric, long seed) {
    assertThat(analytic).as("%s (seed %d)", what, seed).isCloseTo(numeric, within(3e-4 + 2e-2 * Math.abs(numeric)));
  }

  @Test
  void esmmGradientsMatchFiniteDifferences() {
    for (Space space : Space.values()) {
      checkAll("esmm", new EsmmNet(TINY.fields(), 3, new int[] {5, 4}, Activation.SWISH, true), space, 17L);
      checkAll("esmm-ns", new EsmmNet(TINY.fields(), 2, new int[] {4}, Activation.SWISH, false), space, 19L);
    }
  }

  @Test
  void mmoeGradientsMatchFiniteDifferences() {
    for (Space space : Space.values()) {
      checkAll("mmoe", new ExpertNet(TINY.fields(), 3, 1, 3, 0, new int[] {4}, 4, new int[] {3}, Activation.SWISH), space, 23L);
    }
  }

  @Test
  void pleGradientsMatchFiniteDifferences() {
    for (Space space : Space.values()) {
      // two levels: the first has a shared gate feeding the second level's shared experts
      checkAll("ple", new ExpertNet(TINY.fields(), 3, 2, 2, 1, new int[0], 4, new int[] {3}, Activation.SWISH), space, 29L);
    }
  }

  @Test
  void lossGradientsMatchFiniteDifferencesOfTheLogits() {
    float[] g = new float[2];
    float[] ignored = new float[2];
    double[][] cases = {{0.3, -1.2, 1, 1}, {0.3, -1.2, 1, 0}, {-2, 0.5, 0, 0}, {4, 3, 0, 0}, {-0.7, 2.5, 1, 1}};
    for (Space space : Space.values()) {
      for (double[] c : cases) {
        double a = c[0];
        double v = c[1];
        float y = (float) c[2];
        float z = (float) c[3];
        ClickConversionLoss.row(space, a, v, y, z, 1.5f, 1f, g, 0);
        double h = 1e-5;
        double da = (ClickConversionLoss.row(space, a + h, v, y, z, 1.5f, 1f, ignored, 0)
            - ClickConversionLoss.row(space, a - h, v, y, z, 1.5f, 1f, ignored, 0)) / (2 * h);
        double dc = (ClickConversionLoss.row(space, a, v + h, y, z, 1.5f, 1f, ignored, 0)
            - ClickConversionLoss.row(space, a, v - h, y, z, 1.5f, 1f, ignored, 0)) / (2 * h);
        assertThat((double) g[0]).as("%s dL/da at %s", space, java.util.Arrays.toString(c)).isCloseTo(da, within(1e-5));
        assertThat((double) g[1]).as("%s dL/dc at %s", space, java.util.Arrays.toString(c)).isCloseTo(dc, within(1e-5));
      }
    }
  }

  @Test
  void lossValuesMatchTheirDefinitions() {
    float[] g = new float[2];
    double p = 1 / (1 + Math.exp(-0.5));
    double q = 1 / (1 + Math.exp(1.0));
    // ENTIRE, clicked and converted: -log p - log(pq)
    assertThat(ClickConversionLoss.row(Space.ENTIRE, 0.5, -1, 1, 1, 1, 1, g, 0)).isCloseTo(-Math.log(p) - Math.log(p * q), within(1e-12));
    // ENTIRE, not clicked: -log(1-p) - log(1-pq)
    assertThat(ClickConversionLoss.row(Space.ENTIRE, 0.5, -1, 0, 0, 1, 1, g, 0)).isCloseTo(-Math.log(1 - p) - Math.log(1 - p * q), within(1e-12));
    // CLICKED, not clicked: the CVR head sees nothing
    assertThat(ClickConversionLoss.row(Space.CLICKED, 0.5, -1, 0, 0, 2, 1, g, 0)).isCloseTo(-2 * Math.log(1 - p), within(1e-12));
    assertThat(g[1]).isZero();
    // CLICKED, clicked, not converted: -log p - log(1-q)
    assertThat(ClickConversionLoss.row(Space.CLICKED, 0.5, -1, 1, 0, 1, 1, g, 0)).isCloseTo(-Math.log(p) - Math.log(1 - q), within(1e-12));
    assertThat((double) g[1]).isCloseTo(q, within(1e-7));
  }
}

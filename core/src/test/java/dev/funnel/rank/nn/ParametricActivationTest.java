package dev.funnel.rank.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.rank.FiniteDifferences;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ParametricActivationTest {

  /** L = Σ c_i f(z)_i, so dL/da = c. */
  private static double loss(ParametricActivation f, float[] z, int m, float[] c, boolean training) {
    float[] a = new float[z.length];
    f.forward(z, a, m, new float[f.cacheSize(m)], training);
    double l = 0;
    for (int i = 0; i < a.length; i++) {
      l += (double) c[i] * a[i];
    }
    return l;
  }

  private static void check(ParametricActivation f, boolean training, String name) {
    Random rnd = FiniteDifferences.seeded("ParametricActivationTest " + name + " training=" + training);
    int m = 6;
    int w = f.width();
    float[] params = f.params();
    for (int j = 0; j < params.length; j++) {
      params[j] = (float) (0.3 * rnd.nextGaussian());
    }
    float[] state = f.state();
    for (int j = 0; j < state.length; j++) { // means, then variances for Dice
      state[j] = j < state.length / 2 ? (float) (0.2 * rnd.nextGaussian()) : 0.5f + rnd.nextFloat();
    }
    float[] saved = state.clone();
    float[] z = FiniteDifferences.gaussian(rnd, m * w);
    for (int i = 0; i < z.length; i++) { // keep away from PReLU's kink
      if (Math.abs(z[i]) < 0.01f) {
        z[i] = 0.05f;
      }
    }
    float[] c = FiniteDifferences.gaussian(rnd, m * w);
    float[] cache = new float[f.cacheSize(m)];
    f.forward(z, new float[m * w], m, cache, training);
    float[] grad = new float[params.length];
    float[] dz = c.clone();
    f.backward(z, dz, dz, m, cache, grad); // dz aliases da
    java.util.function.DoubleSupplier lossNow = () -> {
      System.arraycopy(saved, 0, state, 0, state.length);
      return loss(f, z, m, c, training);
    };
    for (int i = 0; i < z.length; i++) {
      double numeric = FiniteDifferences.central(z, i, 1e-3, lossNow);
      assertThat((double) dz[i]).as("%s dz[%d]", name, i).isCloseTo(numeric, Offset.offset(2e-3 + 1e-2 * Math.abs(numeric)));
    }
    for (int j = 0; j < params.length; j++) {
      double numeric = FiniteDifferences.central(params, j, 1e-3, lossNow);
      assertThat((double) grad[j]).as("%s dparam[%d]", name, j).isCloseTo(numeric, Offset.offset(2e-3 + 1e-2 * Math.abs(numeric)));
    }
  }

  @Test
  void preluGradientsMatchFiniteDifferences() {
    check(new PRelu(4), true, "prelu");
  }

  @Test
  void diceGradientsThroughBatchStatisticsMatchFiniteDifferences() {
    check(new Dice(4), true, "dice");
  }

  @Test
  void diceInferenceGradientsMatchFiniteDifferences() {
    check(new Dice(3), false, "dice-inference");
  }

  @Test
  void preluValuesByHand() {
    PRelu f = new PRelu(2);
    float[] a = new float[4];
    f.forward(new float[] {2f, -2f, -1f, 0.5f}, a, 2, new float[0], false);
    assertThat(a).containsExactly(2f, -0.5f, -0.25f, 0.5f);
  }

  @Test
  void diceIsTheIdentityTimesTheGateAndTracksRunningStatistics() {
    Dice f = new Dice(1);
    // batch {1, 3}: mean 2, variance 1, so x̂ = -1, +1 and p = sigmoid(-1), sigmoid(1); alpha = 0: a = s p
    float[] a = new float[2];
    f.forward(new float[] {1f, 3f}, a, 2, new float[f.cacheSize(2)], true);
    double s1 = 1 / (1 + Math.exp(1));
    assertThat((double) a[0]).isCloseTo(s1, Offset.offset(1e-6));
    assertThat((double) a[1]).isCloseTo(3 * (1 - s1), Offset.offset(1e-6));
    assertThat(f.state()[0]).isCloseTo(0.02f, Offset.offset(1e-6f)); // 0.99*0 + 0.01*2
    assertThat(f.state()[1]).isCloseTo(1f, Offset.offset(1e-6f)); // 0.99*1 + 0.01*1
    // inference uses the running statistics: x̂ = (2 - 0.02) / sqrt(1)
    f.forward(new float[] {2f}, a, 1, new float[f.cacheSize(1)], false);
    assertThat((double) a[0]).isCloseTo(2 / (1 + Math.exp(-1.98)), Offset.offset(1e-5));
  }

  @Test
  void badShapesAreNamed() {
    assertThatThrownBy(() -> new PRelu(0)).hasMessageContaining("width=0");
    assertThatThrownBy(() -> new Dice(new float[2], new float[3])).hasMessageContaining("2*width=4");
  }
}

package dev.funnel.rank.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.rank.FiniteDifferences;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class LayerNormTest {
  @Test
  void normalizesEachRowByHand() {
    // Row (1, 2, 3): mean 2, variance 2/3, so x̂ = (-1, 0, 1) / sqrt(2/3 + 1e-5) = ±1.224736...
    // With γ = (1, 2, 0.5), β = (0, 1, -1): y = (-1.224736, 1, -0.387632).
    LayerNorm ln = new LayerNorm(3, new float[] {1f, 2f, 0.5f, 0f, 1f, -1f});
    float[] y = new float[6];
    ln.forward(new float[] {1, 2, 3, 5, 5, 5}, 2, y, ln.cache());
    double h = 1 / Math.sqrt(2.0 / 3 + 1e-5);
    assertThat(y[0]).isCloseTo((float) -h, within(1e-5f));
    assertThat(y[1]).isCloseTo(1f, within(1e-6f));
    assertThat(y[2]).isCloseTo((float) (0.5 * h - 1), within(1e-5f));
    // A constant row normalizes to 0: y = β.
    assertThat(y[3]).isCloseTo(0f, within(1e-6f));
    assertThat(y[4]).isCloseTo(1f, within(1e-6f));
    assertThat(y[5]).isCloseTo(-1f, within(1e-6f));
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Random rnd = FiniteDifferences.seeded("LayerNormTest");
    int m = 4;
    int n = 6;
    float[] params = FiniteDifferences.gaussian(rnd, 2 * n);
    LayerNorm ln = new LayerNorm(n, params);
    float[] x = FiniteDifferences.gaussian(rnd, m * n);
    float[] c = FiniteDifferences.gaussian(rnd, m * n);
    DoubleSupplier loss = () -> {
      float[] y = new float[m * n];
      ln.forward(x, m, y, ln.cache());
      double l = 0;
      for (int i = 0; i < y.length; i++) {
        l += (double) c[i] * y[i];
      }
      return l;
    };
    LayerNorm.Cache cache = ln.cache();
    ln.forward(x, m, new float[m * n], cache);
    float[] grad = new float[2 * n];
    float[] dx = new float[m * n];
    ln.backward(c, m, dx, grad, cache);
    for (int j = 0; j < params.length; j++) {
      check(grad[j], FiniteDifferences.central(params, j, 1e-3, loss), "param " + j);
    }
    for (int j = 0; j < x.length; j++) {
      check(dx[j], FiniteDifferences.central(x, j, 1e-3, loss), "dx " + j);
    }
  }

  @Test
  void backwardMayOverwriteItsInputGradient() {
    Random rnd = new Random(11);
    LayerNorm ln = new LayerNorm(5, FiniteDifferences.gaussian(rnd, 10));
    float[] x = FiniteDifferences.gaussian(rnd, 15);
    float[] dy = FiniteDifferences.gaussian(rnd, 15);
    LayerNorm.Cache cache = ln.cache();
    ln.forward(x, 3, new float[15], cache);
    float[] apart = new float[15];
    ln.backward(dy, 3, apart, new float[10], cache);
    float[] inPlace = dy.clone();
    ln.backward(inPlace, 3, inPlace, new float[10], cache);
    assertThat(inPlace).containsExactly(apart, within(1e-6f));
  }

  @Test
  void refusesBadShapes() {
    assertThatThrownBy(() -> new LayerNorm(0)).hasMessage("n must be positive; n=0");
    assertThatThrownBy(() -> new LayerNorm(3, new float[5])).hasMessage("a layer norm over 3 features has 6 parameters; got 5");
  }

  private static void check(float analytic, double numeric, String what) {
    assertThat((double) analytic).as(what).isCloseTo(numeric, org.assertj.core.data.Offset.offset(2e-3 + 1e-2 * Math.abs(numeric)));
  }
}

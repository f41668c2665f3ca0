package dev.funnel.pipeline.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RidgeModelTest {
  @Test
  void shermanMorrisonMatchesTheDirectInverse() {
    long seed = 20101;
    System.out.println("RidgeModelTest seed=" + seed);
    Random r = new Random(seed);
    int d = 7;
    RidgeModel m = new RidgeModel(d, 0.5);
    for (int t = 0; t < 500; t++) {
      double[] x = new double[d];
      for (int i = 0; i < d; i++) {
        x[i] = r.nextInt(3) == 0 ? 0 : r.nextGaussian();
      }
      m.update(x, r.nextDouble() < 0.3 ? 1 : 0);
      if (t % 50 == 49) {
        double[] direct = RidgeModel.invertSpd(m.matrix(), d);
        double[] kept = m.inverse();
        for (int i = 0; i < d * d; i++) {
          assertThat(kept[i]).as("A^-1[%d] after %d updates", i, t + 1).isCloseTo(direct[i], within(1e-9));
        }
        // A A^-1 = I
        double[] a = m.matrix();
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
              s += a[i * d + k] * kept[k * d + j];
            }
            assertThat(s).isCloseTo(i == j ? 1 : 0, within(1e-9));
          }
        }
      }
    }
  }

  @Test
  void handCheckedTwoDimensionalUpdate() {
    // A = I + x x^T with x = (1, 2): A = [[2, 2], [2, 5]], det 6, A^-1 = [[5/6, -1/3], [-1/3, 1/3]].
    RidgeModel m = new RidgeModel(2, 1.0);
    double[] x = {1, 2};
    m.update(x, 1);
    double[] inv = m.inverse();
    assertThat(inv[0]).isCloseTo(5.0 / 6, within(1e-12));
    assertThat(inv[1]).isCloseTo(-1.0 / 3, within(1e-12));
    assertThat(inv[3]).isCloseTo(1.0 / 3, within(1e-12));
    // theta = A^-1 b, b = (1, 2): (5/6 - 2/3, -1/3 + 2/3) = (1/6, 1/3); mean(x) = 1/6 + 2/3 = 5/6
    assertThat(m.mean(x)).isCloseTo(5.0 / 6, within(1e-12));
    // width(x)^2 = x^T A^-1 x = 5/6 - 4/3 + 4/3 = 5/6
    assertThat(m.width(x)).isCloseTo(Math.sqrt(5.0 / 6), within(1e-12));
    assertThat(m.upperBound(x, 2)).isCloseTo(5.0 / 6 + 2 * Math.sqrt(5.0 / 6), within(1e-12));
  }

  @Test
  void observeAndRewardInEitherOrderEqualTheUpdate() {
    RidgeModel one = new RidgeModel(3, 1);
    RidgeModel two = new RidgeModel(3, 1);
    double[] x = {1, 0.5, -1};
    double[] y = {0, 1, 2};
    one.update(x, 1);
    one.update(y, 0);
    two.reward(x, 1); // the click arrives before the impression
    two.observe(y);
    two.observe(x);
    assertThat(two.theta()).containsExactly(one.theta(), within(1e-12));
  }

  @Test
  void exactRefreshKeepsTheInverseAfterManyUpdates() {
    Random r = new Random(7);
    RidgeModel m = new RidgeModel(4, 1);
    for (int t = 0; t < RidgeModel.REFRESH + 10; t++) {
      m.observe(new double[] {1, r.nextInt(2), r.nextDouble(), 0});
    }
    double[] direct = RidgeModel.invertSpd(m.matrix(), 4);
    assertThat(m.inverse()).containsExactly(direct, within(1e-9));
  }

  @Test
  void thompsonDrawsCentreOnTheEstimate() {
    RidgeModel m = new RidgeModel(2, 1);
    m.update(new double[] {1, 0}, 1);
    Random r = new Random(3);
    double sum = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      sum += m.sampleTheta(r, 1)[0];
    }
    // theta_0 = 1/2; variance of a draw: A^-1[0][0] = 1/2, so the mean of 4000 is within ~0.011 (1 sd)
    assertThat(sum / n).isCloseTo(0.5, within(0.05));
  }

  @Test
  void concurrentUpdatesLoseNothing() throws Exception {
    long seed = 99;
    System.out.println("RidgeModelTest concurrent seed=" + seed);
    RidgeModel m = new RidgeModel(5, 1);
    int threads = 4;
    int each = 2000;
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      Random r = new Random(seed + t);
      ts[t] = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          double[] x = {1, r.nextInt(2), r.nextInt(2), r.nextDouble(), 0};
          m.observe(x);
          m.reward(x, 1);
          m.upperBound(x, 1);
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertThat(m.observations()).isEqualTo((long) threads * each);
    assertThat(m.rewards()).isEqualTo(threads * each);
    assertThat(m.matrix()[0]).isEqualTo(1.0 + threads * each); // A[0][0] = lambda + sum of x0^2
    assertThat(m.inverse()).containsExactly(RidgeModel.invertSpd(m.matrix(), 5), within(1e-9));
  }

  @Test
  void badArgumentsNameTheField() {
    assertThatThrownBy(() -> new RidgeModel(0, 1)).hasMessageContaining("dim=0");
    assertThatThrownBy(() -> new RidgeModel(2, 0)).hasMessageContaining("ridge=0.0");
    assertThatThrownBy(() -> new RidgeModel(2, 1).observe(new double[3])).hasMessageContaining("length=3");
  }
}

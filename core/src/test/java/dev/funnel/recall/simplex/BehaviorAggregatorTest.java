package dev.funnel.recall.simplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Finite-difference check of the user tower's backward pass. */
class BehaviorAggregatorTest {
  private static final int DIM = 5;
  private static final float GAMMA = 0.3f;
  /** The user's history is [2, 6): items 2, 4, 2, 6 (item 2 twice); the 9s around it must be ignored. */
  private static final int[] HISTORY = {9, 9, 2, 4, 2, 6, 9};

  private float[] user;
  private float[] items;
  private float[] v;
  private float[] probe;

  /** L = probe · t, so dL/dt = probe. User row 1 (offset DIM) is the one used. */
  private double loss() {
    float[] mean = new float[DIM];
    float[] out = new float[DIM];
    BehaviorAggregator.forward(user, DIM, items, HISTORY, 2, 6, v, GAMMA, DIM, mean, 0, out, 0);
    double s = 0;
    for (int k = 0; k < DIM; k++) {
      s += (double) probe[k] * out[k];
    }
    return s;
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int k = 0; k < n; k++) {
      a[k] = (float) r.nextGaussian();
    }
    return a;
  }

  @Test
  void backwardMatchesCentralDifferences() {
    long seed = 20211101L;
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    user = random(r, 2 * DIM);
    items = random(r, 10 * DIM);
    v = random(r, DIM * DIM);
    probe = random(r, DIM);

    float[] mean = new float[DIM];
    float[] out = new float[DIM];
    BehaviorAggregator.forward(user, DIM, items, HISTORY, 2, 6, v, GAMMA, DIM, mean, 0, out, 0);
    float[] gradUser = new float[2 * DIM];
    float[] gradV = new float[DIM * DIM];
    float[] gradItems = new float[items.length];
    BehaviorAggregator.backward(probe, 0, mean, 0, HISTORY, 2, 6, v, GAMMA, DIM, gradUser, DIM, gradV, gradItems,
        new float[DIM]);

    check("user", user, gradUser);
    check("V", v, gradV);
    check("items", items, gradItems);
    assertThat(gradUser[0]).as("user row 0 is not this user").isZero();
    assertThat(gradItems[9 * DIM]).as("item 9 is outside the history").isZero();
    assertThat(gradItems[2 * DIM + 1]).as("item 2 is listed twice").isCloseTo(2 * gradItems[4 * DIM + 1], within(1e-5f));
  }

  @Test
  void emptyHistoryIsTheScaledUserEmbedding() {
    user = new float[] {1, 2, 3, 4, 5};
    float[] mean = new float[DIM];
    float[] out = new float[DIM];
    BehaviorAggregator.forward(user, 0, new float[0], new int[0], 0, 0, new float[DIM * DIM], GAMMA, DIM, mean, 0, out,
        0);
    for (int k = 0; k < DIM; k++) {
      assertThat(out[k]).isCloseTo(GAMMA * (k + 1), within(1e-6f));
    }
    assertThat(mean).containsOnly(0f);
  }

  /** Central differences on every entry of {@code param}, against the analytic {@code grad}. */
  private void check(String name, float[] param, float[] grad) {
    float h = 1e-2f;
    for (int p = 0; p < param.length; p++) {
      float old = param[p];
      param[p] = old + h;
      double up = loss();
      param[p] = old - h;
      double down = loss();
      param[p] = old;
      double numeric = (up - down) / (2 * h);
      assertThat((double) grad[p]).as("%s[%d]", name, p).isCloseTo(numeric, within(2e-3 + 2e-3 * Math.abs(numeric)));
    }
  }
}

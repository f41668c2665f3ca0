package dev.funnel.recall.lightgcn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Checks the trainer's loss and its gradient through the propagation against an independent dense
 * double-precision implementation of the reference's definition (Â built from the adjacency by hand,
 * {@code E = (1/(K+1)) Σ Â^k E⁰}, mean softplus BPR plus the ego L2 term), differentiated by central
 * finite differences.
 */
class LightGcnGradientTest {
  /** 4 users x 6 items; item 5 has no user (isolated node), user 3 a single item. */
  private static final int[][] ROWS = {{0, 1, 2}, {1, 3}, {0, 2, 3, 4}, {4}};
  private static final int USERS = 4;
  private static final int ITEMS = 6;
  private static final int DIM = 3;

  static Interactions fixture() {
    int[] ptr = new int[USERS + 1];
    for (int u = 0; u < USERS; u++) {
      ptr[u + 1] = ptr[u] + ROWS[u].length;
    }
    int[] items = new int[ptr[USERS]];
    for (int u = 0; u < USERS; u++) {
      System.arraycopy(ROWS[u], 0, items, ptr[u], ROWS[u].length);
    }
    return new Interactions(USERS, ITEMS, ptr, items, new float[items.length], new long[items.length]);
  }

  /** Dense Â with entries 1/sqrt(d_r d_c) on edges, written from the definition. */
  static double[][] denseNormalized() {
    int n = USERS + ITEMS;
    double[][] a = new double[n][n];
    for (int u = 0; u < USERS; u++) {
      for (int i : ROWS[u]) {
        a[u][USERS + i] = 1;
        a[USERS + i][u] = 1;
      }
    }
    double[] deg = new double[n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        deg[r] += a[r][c];
      }
    }
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        if (a[r][c] != 0) {
          a[r][c] /= Math.sqrt(deg[r] * deg[c]);
        }
      }
    }
    return a;
  }

  static double[] denseReadout(double[][] a, double[] ego, int layers) {
    int n = a.length;
    double[] out = ego.clone();
    double[] cur = ego.clone();
    for (int k = 1; k <= layers; k++) {
      double[] next = new double[cur.length];
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < n; c++) {
          if (a[r][c] != 0) {
            for (int d = 0; d < DIM; d++) {
              next[r * DIM + d] += a[r][c] * cur[c * DIM + d];
            }
          }
        }
      }
      for (int x = 0; x < out.length; x++) {
        out[x] += next[x];
      }
      cur = next;
    }
    for (int x = 0; x < out.length; x++) {
      out[x] /= layers + 1;
    }
    return out;
  }

  static double referenceLoss(double[][] a, double[] ego, int layers, double l2, int[] us, int[] is, int[] js) {
    double[] e = denseReadout(a, ego, layers);
    double bpr = 0;
    double reg = 0;
    for (int n = 0; n < us.length; n++) {
      int u = us[n];
      int i = USERS + is[n];
      int j = USERS + js[n];
      double pos = 0;
      double neg = 0;
      for (int d = 0; d < DIM; d++) {
        pos += e[u * DIM + d] * e[i * DIM + d];
        neg += e[u * DIM + d] * e[j * DIM + d];
        reg += ego[u * DIM + d] * ego[u * DIM + d] + ego[i * DIM + d] * ego[i * DIM + d] + ego[j * DIM + d] * ego[j * DIM + d];
      }
      double x = neg - pos;
      bpr += Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
    return bpr / us.length + l2 * 0.5 * reg / us.length;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void gradientMatchesFiniteDifferencesOfTheDenseDefinition(int layers) {
    long seedValue = 20240L + layers;
    System.out.println("LightGcnGradientTest seed " + seedValue);
    Random rnd = new Random(seedValue);
    Interactions train = fixture();
    NormalizedGraph graph = new NormalizedGraph(train);
    float[] ego = new float[(USERS + ITEMS) * DIM];
    for (int x = 0; x < ego.length; x++) {
      ego[x] = (float) (rnd.nextGaussian() * 0.7);
    }
    // A batch with a repeated user and a repeated item (its L2 term counts twice), negatives never positives.
    int[] us = {0, 2, 0, 1, 3};
    int[] is = {1, 3, 2, 3, 4};
    int[] js = {3, 5, 4, 0, 1};
    double l2 = 0.1;
    VectorKernels k = Kernels.get();
    try (RowPool pool = new RowPool(2)) {
      LightGcnTrainer trainer = new LightGcnTrainer(graph, DIM, layers, l2, 0.01, ego, pool, k);
      // Another batch first, so stale rows of the trainer's buffers would show up in this one's gradient.
      trainer.lossAndGradient(new int[] {3, 1}, new int[] {4, 1}, new int[] {0, 2}, 0, 2);
      double loss = trainer.lossAndGradient(us, is, js, 0, us.length);
      float[] grad = trainer.gradient().clone();
      double[][] a = denseNormalized();
      double[] x = new double[ego.length];
      for (int p = 0; p < x.length; p++) {
        x[p] = ego[p];
      }
      assertThat(loss).isCloseTo(referenceLoss(a, x, layers, l2, us, is, js), within(1e-5));
      for (int p = 0; p < x.length; p++) {
        double h = 1e-6;
        double keep = x[p];
        x[p] = keep + h;
        double up = referenceLoss(a, x, layers, l2, us, is, js);
        x[p] = keep - h;
        double down = referenceLoss(a, x, layers, l2, us, is, js);
        x[p] = keep;
        double numeric = (up - down) / (2 * h);
        assertThat((double) grad[p]).as("layers %d, coordinate %d (node %d)", layers, p, p / DIM)
            .isCloseTo(numeric, within(1e-3 * Math.abs(numeric) + 1e-5));
      }
      // The gradient is left clean for the next batch: same batch again, same gradient.
      trainer.lossAndGradient(us, is, js, 0, us.length);
      assertThat(trainer.gradient()).containsExactly(grad);
    }
  }

  @Test
  void readoutEqualsTheDenseLayerMean() {
    Interactions train = fixture();
    NormalizedGraph graph = new NormalizedGraph(train);
    Random rnd = new Random(5);
    float[] ego = new float[(USERS + ITEMS) * DIM];
    double[] x = new double[ego.length];
    for (int p = 0; p < ego.length; p++) {
      ego[p] = (float) rnd.nextGaussian();
      x[p] = ego[p];
    }
    try (RowPool pool = new RowPool(2)) {
      float[] out = new LightGcnTrainer(graph, DIM, 3, 0, 0.01, ego, pool, Kernels.get()).readout();
      double[] expected = denseReadout(denseNormalized(), x, 3);
      for (int p = 0; p < out.length; p++) {
        assertThat((double) out[p]).as("coordinate %d", p).isCloseTo(expected[p], within(1e-5));
      }
      // The isolated item keeps E⁰ / (K+1).
      int iso = (USERS + 5) * DIM;
      assertThat(out[iso]).isCloseTo(ego[iso] / 4, within(1e-7f));
    }
  }

  @Test
  void firstAdamStepMovesEachWeightByAboutTheLearningRateAgainstItsGradient() {
    Interactions train = fixture();
    float[] ego = new float[(USERS + ITEMS) * DIM];
    Random rnd = new Random(9);
    for (int p = 0; p < ego.length; p++) {
      ego[p] = (float) rnd.nextGaussian();
    }
    float[] before = ego.clone();
    int[] us = {0, 2};
    int[] is = {1, 3};
    int[] js = {3, 5};
    try (RowPool pool = new RowPool(1)) {
      LightGcnTrainer trainer = new LightGcnTrainer(new NormalizedGraph(train), DIM, 2, 0.1, 0.01, ego, pool, Kernels.get());
      trainer.lossAndGradient(us, is, js, 0, 2);
      float[] g = trainer.gradient().clone();
      ego = before.clone();
      System.arraycopy(before, 0, trainer.ego, 0, before.length);
      trainer.parametersChanged();
      trainer.step(us, is, js, 0, 2);
      for (int p = 0; p < g.length; p++) {
        // Adam's first step is lr * g / (|g| + eps): lr * sign(g) where g is not tiny, 0 where g is 0.
        double expected = g[p] == 0 ? 0 : -0.01 * g[p] / (Math.abs(g[p]) + 1e-8);
        assertThat((double) (trainer.ego[p] - before[p])).as("coordinate %d, g=%s", p, g[p]).isCloseTo(expected, within(1e-6));
      }
    }
  }
}

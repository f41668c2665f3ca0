package dev.funnel.train.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the SimpleX cosine contrastive loss through the cosine. */
class CosineContrastiveLossTest {
  /** Loss in double over x = [u (dim) | p (dim) | negatives (n*dim)]. */
  static double reference(double[] x, int dim, int n, double margin, double w) {
    double loss = 1 - cos(x, 0, dim, dim);
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += Math.max(0, cos(x, 0, (2 + j) * dim, dim) - margin);
    }
    return loss + (n == 0 ? 0 : w / n * sum);
  }

  static double cos(double[] x, int a, int b, int dim) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int k = 0; k < dim; k++) {
      ab += x[a + k] * x[b + k];
      aa += x[a + k] * x[a + k];
      bb += x[b + k] * x[b + k];
    }
    return ab / Math.sqrt(aa * bb);
  }

  /** Case data laid out as the loss reads it from tables: user table, item table with row offsets. */
  private record Case(float[] users, int userOff, float[] items, int posOff, int[] negOffsets, int negFrom,
      int n, int dim) {
    double[] flat() {
      double[] x = new double[(2 + n) * dim];
      for (int k = 0; k < dim; k++) {
        x[k] = users[userOff + k];
        x[dim + k] = items[posOff + k];
        for (int j = 0; j < n; j++) {
          x[(2 + j) * dim + k] = items[negOffsets[negFrom + j] + k];
        }
      }
      return x;
    }
  }

  private static Case randomCase(Random rnd, int dim, int n, double scale) {
    int rows = n + 3;
    float[] users = new float[2 * dim];
    float[] items = new float[rows * dim];
    for (int k = 0; k < users.length; k++) {
      users[k] = (float) (rnd.nextGaussian() * scale);
    }
    for (int k = 0; k < items.length; k++) {
      items[k] = (float) (rnd.nextGaussian() * scale);
    }
    int[] negOffsets = new int[n + 1];
    for (int j = 0; j < n; j++) {
      negOffsets[1 + j] = (2 + rnd.nextInt(rows - 2)) * dim; // repeats allowed, like sampled negatives
    }
    return new Case(users, dim, items, dim, negOffsets, 1, n, dim);
  }

  @Test
  void gradientsMatchFiniteDifferencesAcrossMarginsWeightsAndScales() {
    long seed = 2021;
    System.out.println("CosineContrastiveLossTest seed=" + seed);
    Random rnd = new Random(seed);
    double[] margins = {-2, -0.5, 0, 0.3, 0.8, 2};
    double[] weights = {0, 1, 150};
    double[] scales = {1e-3, 1, 50};
    int checked = 0;
    for (int trial = 0; trial < 300; trial++) {
      int dim = 1 + rnd.nextInt(16);
      int n = rnd.nextInt(12);
      double margin = margins[trial % margins.length];
      double w = weights[(trial / margins.length) % weights.length];
      double scale = scales[trial % scales.length];
      Case c = randomCase(rnd, dim, n, scale);
      double[] x = c.flat();
      boolean nearKink = false;
      for (int j = 0; j < n; j++) {
        nearKink |= Math.abs(cos(x, 0, (2 + j) * dim, dim) - margin) < 1e-3;
      }
      if (nearKink) {
        continue; // central differences straddling the hinge measure its average slope
      }
      CosineContrastiveLoss loss = new CosineContrastiveLoss(margin, w);
      float[] gu = new float[dim + 1];
      float[] gp = new float[dim + 2];
      float[] gn = new float[n * dim + 3];
      Arrays.fill(gu, Float.NaN); // outputs are overwritten, never accumulated
      Arrays.fill(gp, Float.NaN);
      Arrays.fill(gn, Float.NaN);
      double value = loss.loss(c.users(), c.userOff(), c.items(), c.posOff(), c.items(), c.negOffsets(), c.negFrom(),
          n, dim, gu, 1, gp, 2, gn, 3);
      double ref = reference(x, dim, n, margin, w);
      assertThat(value).as("trial %d", trial).isCloseTo(ref, Offset.offset(1e-5 * Math.max(1, Math.abs(ref))));
      double[] numeric = GradientCheck.numeric(y -> reference(y, dim, n, margin, w), x);
      // Gradients scale as 1/|v|: compare relative to the vector scale.
      double atol = 1e-4 * Math.max(1, w) / scale;
      String what = "trial " + trial + " dim " + dim + " n " + n + " margin " + margin + " w " + w + " scale " + scale;
      GradientCheck.assertClose(what + " user", gu, 1, Arrays.copyOfRange(numeric, 0, dim), 1e-3, atol);
      GradientCheck.assertClose(what + " positive", gp, 2, Arrays.copyOfRange(numeric, dim, 2 * dim), 1e-3, atol);
      // A negative drawn twice gets the sum of both slots' gradients from finite differences of the
      // flat layout, which treats each slot as its own copy: compare slot by slot.
      GradientCheck.assertClose(what + " negatives", gn, 3, Arrays.copyOfRange(numeric, 2 * dim, (2 + n) * dim), 1e-3, atol);
      checked++;
    }
    System.out.println("CosineContrastiveLossTest checked " + checked + " cases");
    assertThat(checked).isGreaterThan(250);
  }

  @Test
  void largeMarginSilencesNegativesAndNegativeMarginActivatesAll() {
    Random rnd = new Random(5);
    Case c = randomCase(rnd, 8, 6, 1);
    double[] x = c.flat();
    float[] gu = new float[8];
    float[] gp = new float[8];
    float[] gn = new float[48];
    double silent = new CosineContrastiveLoss(1.5, 1000).loss(c.users(), c.userOff(), c.items(), c.posOff(), c.items(),
        c.negOffsets(), c.negFrom(), 6, 8, gu, 0, gp, 0, gn, 0);
    assertThat(silent).isCloseTo(1 - cos(x, 0, 8, 8), Offset.offset(1e-6));
    for (float g : gn) {
      assertThat(g).isZero();
    }
    double all = new CosineContrastiveLoss(-1.5, 2).loss(c.users(), c.userOff(), c.items(), c.posOff(), c.items(),
        c.negOffsets(), c.negFrom(), 6, 8, gu, 0, gp, 0, gn, 0);
    double expected = 1 - cos(x, 0, 8, 8);
    for (int j = 0; j < 6; j++) {
      expected += 2.0 / 6 * (cos(x, 0, (2 + j) * 8, 8) + 1.5);
    }
    assertThat(all).isCloseTo(expected, Offset.offset(1e-5));
    for (int j = 0; j < 6; j++) {
      boolean nonZero = false;
      for (int k = 0; k < 8; k++) {
        nonZero |= gn[j * 8 + k] != 0;
      }
      assertThat(nonZero).as("negative %d active", j).isTrue();
    }
  }

  @Test
  void degenerateVectorsGiveFiniteValues() {
    int dim = 4;
    float[] zero = new float[dim];
    float[] big = {1e15f, -3e15f, 2e15f, 1e15f};
    float[] tiny = {1e-15f, 2e-15f, -1e-15f, 0};
    float[] same = {0.3f, -0.2f, 0.9f, 0.1f};
    float[][] vectors = {zero, big, tiny, same};
    CosineContrastiveLoss loss = new CosineContrastiveLoss(-0.5, 3);
    for (float[] u : vectors) {
      for (float[] p : vectors) {
        for (float[] neg : vectors) {
          float[] gu = new float[dim];
          float[] gp = new float[dim];
          float[] gn = new float[dim];
          double v = loss.loss(u, 0, p, 0, neg, new int[] {0}, 0, 1, dim, gu, 0, gp, 0, gn, 0);
          assertThat(Double.isFinite(v)).isTrue();
          for (int k = 0; k < dim; k++) {
            assertThat(Float.isFinite(gu[k]) && Float.isFinite(gp[k]) && Float.isFinite(gn[k])).isTrue();
          }
          if (u == zero) {
            // cos = 0 everywhere: 1 + 3 * max(0, 0 + 0.5); no gradient.
            assertThat(v).isCloseTo(2.5, Offset.offset(1e-12));
            assertThat(gu).containsOnly(0f);
          }
        }
      }
    }
    // u parallel to p: loss 0 and (up to rounding) no gradient on the positive term.
    float[] gu = new float[dim];
    float[] gp = new float[dim];
    double v = new CosineContrastiveLoss(0.9, 1).loss(same, 0, same, 0, same, new int[] {0}, 0, 0, dim, gu, 0, gp,
        0, new float[0], 0);
    assertThat(v).isCloseTo(0, Offset.offset(1e-6));
    for (int k = 0; k < dim; k++) {
      assertThat(gu[k]).isCloseTo(0f, Offset.offset(1e-6f));
    }
    assertThatThrownBy(() -> new CosineContrastiveLoss(Double.NaN, 1)).hasMessageContaining("margin=NaN");
    assertThatThrownBy(() -> new CosineContrastiveLoss(0.5, -1)).hasMessageContaining("negativeWeight=-1.0");
  }
}

package dev.funnel.rank.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link Linear} forward and backward against plain double loops of the formulas (y = x Wᵀ + b,
 * dW += dyᵀ x, db += Σ dy, dx = dy W), on both kernels, for random seeded shapes including the
 * one-output layer's GEMV path and sizes off the micro-tile.
 */
class LinearTest {
  @Test
  void forwardAndBackwardMatchTheFormulas() {
    long seed = Long.getLong("funnel.test.seed", System.nanoTime());
    System.out.println("LinearTest seed=" + seed);
    Random rnd = new Random(seed);
    int[][] shapes = {{1, 1, 1}, {3, 7, 1}, {17, 100, 1}, {9, 5, 3}, {33, 13, 40}, {130, 37, 65}, {5, 400, 2}};
    for (VectorKernels k : new VectorKernels[] {Kernels.scalar(), Kernels.get()}) {
      for (int[] s : shapes) {
        check(k, rnd, s[0], s[1], s[2], seed);
      }
    }
  }

  private static void check(VectorKernels k, Random rnd, int m, int in, int out, long seed) {
    String at = k.name() + " m=" + m + " in=" + in + " out=" + out + " seed=" + seed;
    float[] params = random(rnd, in * out + out);
    Linear layer = new Linear(in, out, params);
    float[] x = random(rnd, m * in);
    float[] y = new float[m * out];
    layer.forward(k, x, m, y);
    for (int r = 0; r < m; r++) {
      for (int o = 0; o < out; o++) {
        double e = params[in * out + o];
        double abs = Math.abs(e);
        for (int i = 0; i < in; i++) {
          e += (double) x[r * in + i] * params[o * in + i];
          abs += Math.abs((double) x[r * in + i] * params[o * in + i]);
        }
        assertThat((double) y[r * out + o]).as("y %s r=%d o=%d", at, r, o).isCloseTo(e, Offset.offset(1e-5 * abs + 1e-6));
      }
    }
    float[] dy = random(rnd, m * out);
    float[] grad0 = random(rnd, params.length); // backward accumulates
    float[] grad = grad0.clone();
    float[] dx = random(rnd, m * in); // backward overwrites
    layer.backward(k, x, dy, m, dx, grad, new Linear.Scratch());
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        double e = grad0[o * in + i];
        double abs = Math.abs(e);
        for (int r = 0; r < m; r++) {
          e += (double) dy[r * out + o] * x[r * in + i];
          abs += Math.abs((double) dy[r * out + o] * x[r * in + i]);
        }
        assertThat((double) grad[o * in + i]).as("dW %s o=%d i=%d", at, o, i).isCloseTo(e, Offset.offset(1e-5 * abs + 1e-6));
      }
      double eb = grad0[in * out + o];
      for (int r = 0; r < m; r++) {
        eb += dy[r * out + o];
      }
      assertThat((double) grad[in * out + o]).as("db %s o=%d", at, o).isCloseTo(eb, Offset.offset(1e-5 * (Math.abs(eb) + m) + 1e-6));
    }
    for (int r = 0; r < m; r++) {
      for (int i = 0; i < in; i++) {
        double e = 0;
        double abs = 0;
        for (int o = 0; o < out; o++) {
          e += (double) dy[r * out + o] * params[o * in + i];
          abs += Math.abs((double) dy[r * out + o] * params[o * in + i]);
        }
        assertThat((double) dx[r * in + i]).as("dx %s r=%d i=%d", at, r, i).isCloseTo(e, Offset.offset(1e-5 * abs + 1e-6));
      }
    }
  }

  private static float[] random(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextFloat() * 2f - 1f;
    }
    return v;
  }
}

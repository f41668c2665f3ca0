package dev.funnel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@code adamDecaySteps} (k Adam steps whose only gradient is the coupled L2 {@code decay * w}): the
 * scalar kernel equals k calls of {@code adamStep} with alpha 0 and the per-step bias corrections, bit
 * for bit (same float operations), and the SIMD kernel matches the scalar one within float rounding, on
 * lengths with and without a lane tail, offsets, corrections past the tables' end, and sentinels.
 */
class AdamDecayStepsTest {
  private static final PanamaKernels SIMD = new PanamaKernels();
  private static final ScalarKernels SCALAR = new ScalarKernels();

  @Test
  void matchesRepeatedAdamStepsAndTheScalarTwin() {
    long seed = Long.getLong("funnel.test.seed", System.nanoTime());
    System.out.println("AdamDecayStepsTest seed=" + seed + " (rerun with -Dfunnel.test.seed=" + seed + ")");
    Random rnd = new Random(seed);
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float lr = 1e-3f;
    float eps = 1e-8f;
    float decay = 1e-3f;
    int table = 40;
    float[] c1 = new float[table];
    float[] c2 = new float[table];
    for (int t = 1; t < table; t++) {
      c1[t] = (float) (1 / (1 - Math.pow(beta1, t)));
      c2[t] = (float) (1 / (1 - Math.pow(beta2, t)));
    }
    for (int n : new int[] {0, 1, 15, PanamaKernels.lanes() * 3 + 5, 64, PanamaKernels.lanes() * 9 + 3}) { // 9 blocks: 4 + 4 + 1
      for (int[] range : new int[][] {{1, 1}, {3, 17}, {30, 25}, {200, 7}}) { // {fromStep, steps}; 30+25 and 200 pass the tables
        float[] w = new float[n + 3];
        float[] moments = new float[2 * n + 4];
        for (int i = 0; i < w.length; i++) {
          w[i] = rnd.nextFloat() * 2f - 1f;
        }
        for (int i = 0; i < moments.length; i++) {
          moments[i] = rnd.nextFloat() * (i % 2 == 0 ? 1e-3f : 1e-6f);
        }
        int wOff = 2;
        int mOff = 1;
        int vOff = 1 + n + 1;
        float[] wr = w.clone();
        float[] mr = moments.clone();
        for (int s = range[0]; s < range[0] + range[1]; s++) {
          SCALAR.adamStep(0f, wr, wOff, decay, wr, wOff, mr, mOff, vOff, beta1, beta2, lr, s < table ? c1[s] : 1f,
              s < table ? c2[s] : 1f, eps, n);
        }
        float[] ws = w.clone();
        float[] ms = moments.clone();
        SCALAR.adamDecaySteps(ws, wOff, ms, mOff, vOff, decay, beta1, beta2, lr, c1, c2, range[0], range[1], eps, n);
        float[] wv = w.clone();
        float[] mv = moments.clone();
        SIMD.adamDecaySteps(wv, wOff, mv, mOff, vOff, decay, beta1, beta2, lr, c1, c2, range[0], range[1], eps, n);
        String what = "n=" + n + " from=" + range[0] + " steps=" + range[1] + " seed=" + seed;
        assertThat(ws).as("scalar kernel = repeated adamStep, " + what).containsExactly(wr);
        assertThat(ms).as("scalar moments = repeated adamStep, " + what).containsExactly(mr);
        for (int i = 0; i < w.length; i++) {
          assertThat(wv[i]).as("SIMD w[%d] %s", i, what).isCloseTo(ws[i], Offset.offset(1e-6f));
          if (i < wOff || i >= wOff + n) {
            assertThat(wv[i]).as("w[%d] outside the window untouched", i).isEqualTo(w[i]);
          }
        }
        for (int i = 0; i < moments.length; i++) {
          assertThat(mv[i]).as("SIMD moments[%d] %s", i, what).isCloseTo(ms[i], Offset.offset(1e-7f));
        }
        if (n > 0 && range[1] > 5) {
          assertThat(ws[wOff]).as("the decay moved w").isNotEqualTo(w[wOff]);
        }
      }
    }
  }
}
